package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// WebOptions say how to load waymark serve: how many children, which numbers of clients at once,
// how long each, and the database (DSN "" for SQLite in a temporary directory).
type WebOptions struct {
	ServeOptions
	Children int
	Clients  []int
	For      time.Duration
	Seed     uint64
	// Think is how long a client waits between requests, on average (exponentially distributed),
	// as a person reads a page: 0 sends the next request as soon as the last is answered, which
	// measures how much the service can do, not how fast it answers its users.
	Think time.Duration
}

// Endpoint is one kind of request in the mix, with its share of the requests.
type Endpoint struct {
	Name  string
	Share int // of 100
	Read  bool
	do    func(w *webWorld, rng *rand.Rand) (*http.Request, error)
}

// EndpointFigures are one endpoint's figures at one load.
type EndpointFigures struct {
	Requests, Errors int
	P50, P99         time.Duration
	CPU              time.Duration // the service's CPU per request, measured with this endpoint alone
}

// WebLevel is the figures at one number of clients.
type WebLevel struct {
	Clients     int
	Took        time.Duration
	PerSecond   float64
	Endpoints   map[string]*EndpointFigures
	ReadP99     time.Duration // pages and API reads together
	Errors      int
	CPUPerReq   time.Duration // the service's CPU over all requests
	RSSAfterMiB float64
}

// WebFigures are a bench web run.
type WebFigures struct {
	Dialect sqlstore.Dialect
	Think   time.Duration
	Levels  []WebLevel
	Alone   map[string]time.Duration // CPU per request of each endpoint alone
}

// The mix: what a day's users ask of the service. Pages are a signed-in social worker's; API
// reads and writes a council system's token; identification a police force's.
var mix = []Endpoint{
	{"caseload page", 20, true, func(w *webWorld, _ *rand.Rand) (*http.Request, error) { return w.page("/children") }},
	{"caseload search", 10, true, func(w *webWorld, rng *rand.Rand) (*http.Request, error) {
		return w.page("/children?q=" + url.QueryEscape(w.names[rng.IntN(len(w.names))]))
	}},
	{"child page", 20, true, func(w *webWorld, rng *rand.Rand) (*http.Request, error) {
		return w.page("/children/" + w.ids[rng.IntN(len(w.ids))])
	}},
	{"alerts page", 5, true, func(w *webWorld, _ *rand.Rand) (*http.Request, error) { return w.page("/alerts") }},
	{"API child read", 15, true, func(w *webWorld, rng *rand.Rand) (*http.Request, error) {
		return w.api("GET", "/api/v1/children/"+w.ids[rng.IntN(len(w.ids))], w.council, nil)
	}},
	{"API identify", 20, true, func(w *webWorld, rng *rand.Rand) (*http.Request, error) {
		return w.api("POST", "/api/v1/identify", w.police, w.probes[rng.IntN(len(w.probes))])
	}},
	{"API write", 10, false, func(w *webWorld, rng *rand.Rand) (*http.Request, error) {
		body := fmt.Sprintf(`{"ref": "W%d", "given_names": "Selam", "family_name": "Bench %d", "sex": "F", "date_of_birth": "2010-01-01", "dob_estimated": true}`,
			written.Add(1), rng.IntN(1000))
		return w.api("POST", "/api/v1/children", w.council, []byte(body))
	}},
}

// written numbers the children the bench writes, so that no two share a reference.
var written atomic.Int64

// webWorld is what the clients need: the service, its children, a session and two tokens.
type webWorld struct {
	base            string
	cookie          *http.Cookie
	council, police string
	totp            string // the social worker's second factor
	ids, names      []string
	probes          [][]byte
}

func (w *webWorld) page(path string) (*http.Request, error) {
	req, err := http.NewRequest("GET", w.base+path, nil)
	if err == nil {
		req.AddCookie(w.cookie)
	}
	return req, err
}

func (w *webWorld) api(method, path, token string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(method, w.base+path, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

const benchPassword = "bench password for the social worker"

// Web loads a fresh database with the children, starts waymark serve on it, and drives the mix
// at each number of clients in turn, then each endpoint alone for its CPU per request.
func Web(ctx context.Context, o WebOptions) (WebFigures, error) {
	in, err := newInstallation(ctx, o.DSN)
	if err != nil {
		return WebFigures{}, err
	}
	defer in.close()
	dsn, keyFile, keys := in.dsn, in.keyFile, in.keys
	d := Generate(DefaultWorld, o.Children, 200, o.Seed)
	w := &webWorld{}
	police, dialect, err := load(ctx, dsn, keys, d)
	if err != nil {
		return WebFigures{}, err
	}
	w.police = police
	if w.council, w.totp, err = councilStaff(ctx, dsn, keys); err != nil {
		return WebFigures{}, err
	}
	for _, c := range d.Children {
		w.names = append(w.names, strings.Fields(c.FamilyName + " x")[0])
	}
	for _, p := range d.Probes {
		q := *p.Query
		q.Ref = ""
		body, err := json.Marshal(interchange.Export(&q, nil, interchange.History{}))
		if err != nil {
			return WebFigures{}, err
		}
		w.probes = append(w.probes, body)
	}
	if dialect == sqlstore.Postgres {
		if err := settle(ctx, dsn); err != nil {
			return WebFigures{}, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	proc, base, err := StartServe(ctx, o.ServeOptions, "--db", dsn, "--keys", keyFile, "--addr", "127.0.0.1:0", "--searches-per-hour", "0")
	if err != nil {
		return WebFigures{}, err
	}
	defer func() { cancel(); proc.Wait() }()
	w.base = base
	if err := w.signIn(); err != nil {
		return WebFigures{}, err
	}
	if w.ids, err = w.childIDs(); err != nil {
		return WebFigures{}, err
	}
	f := WebFigures{Dialect: dialect, Think: o.Think, Alone: map[string]time.Duration{}}
	for _, n := range o.Clients {
		cpu0 := cpuTime(proc.Process.Pid)
		lvl := drive(ctx, w, mix, n, o.For, o.Think)
		lvl.CPUPerReq = perRequest(cpuTime(proc.Process.Pid)-cpu0, lvl)
		lvl.RSSAfterMiB, _ = memory(proc.Process.Pid)
		f.Levels = append(f.Levels, lvl)
	}
	for _, e := range mix {
		cpu0 := cpuTime(proc.Process.Pid)
		lvl := drive(ctx, w, []Endpoint{e}, 4, max(o.For/5, time.Second), 0)
		f.Alone[e.Name] = perRequest(cpuTime(proc.Process.Pid)-cpu0, lvl)
	}
	return f, nil
}

// councilStaff adds the council's social worker (signing in with benchPassword) and returns a
// token of the council's for the API reads and writes.
func councilStaff(ctx context.Context, dsn string, keys *crypto.Keyring) (string, string, error) {
	store, err := sqlstore.Open(ctx, dsn, keys)
	if err != nil {
		return "", "", err
	}
	defer store.Close()
	council, err := store.OrgByName(ctx, "Bench Council")
	if err != nil {
		return "", "", err
	}
	token := auth.NewSecret("wmt_")
	totp, err := auth.NewTOTPSecret("social.worker@bench.example.org")
	if err != nil {
		return "", "", err
	}
	return token, totp, store.InTx(ctx, func(tx *sqlstore.Tx) error {
		u := &waymark.User{OrgID: council.ID, Email: "social.worker@bench.example.org", Name: "Bench Worker", Role: waymark.RoleSocialWorker,
			PasswordHash: auth.HashPassword(benchPassword)}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.EnableTOTP(u.ID, totp, 0, nil); err != nil {
			return err
		}
		return tx.CreateToken(&sqlstore.APIToken{Digest: auth.Digest(token), OrgID: council.ID, Role: waymark.RoleSocialWorker, Name: "bench"})
	})
}

// signIn signs the social worker in as a person does: the password, then the code from their
// authenticator app (a social worker's role needs one).
func (w *webWorld) signIn() error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(w.base+"/signin", url.Values{"email": {"social.worker@bench.example.org"}, "password": {benchPassword}})
	if err != nil {
		return err
	}
	res.Body.Close()
	code, err := auth.TOTPCode(w.totp, time.Now())
	if err != nil {
		return err
	}
	if res, err = c.PostForm(w.base+"/signin/code", url.Values{"code": {code}}); err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		return fmt.Errorf("bench sign-in: %s to %q", res.Status, res.Header.Get("Location"))
	}
	for _, ck := range res.Cookies() {
		if ck.Value != "" {
			w.cookie = ck
			return nil
		}
	}
	return fmt.Errorf("bench sign-in: %s, no session", res.Status)
}

// childIDs lists some of the council's children through the API, for the child pages.
func (w *webWorld) childIDs() ([]string, error) {
	req, err := w.api("GET", "/api/v1/children?limit=500", w.council, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out struct {
		Children []struct {
			ID string `json:"child_id"`
		} `json:"children"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("list children: %s: %w", res.Status, err)
	}
	var ids []string
	for _, c := range out.Children {
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("list children: none")
	}
	return ids, nil
}

// drive runs clients, each asking for the mix's requests one after another, for d.
func drive(ctx context.Context, w *webWorld, endpoints []Endpoint, clients int, d, think time.Duration) WebLevel {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	total := 0
	for _, e := range endpoints {
		total += e.Share
	}
	type result struct {
		name string
		took time.Duration
		ok   bool
	}
	var mu sync.Mutex
	var results []result
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []result
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if think > 0 {
					time.Sleep(time.Duration(rng.ExpFloat64() * float64(think)))
				}
				pick := rng.IntN(total)
				e := endpoints[0]
				for _, x := range endpoints {
					if pick < x.Share {
						e = x
						break
					}
					pick -= x.Share
				}
				req, err := e.do(w, rng)
				if err != nil {
					continue
				}
				start := time.Now()
				res, err := client.Do(req.WithContext(ctx))
				ok := err == nil && res.StatusCode < 300 // a page sent back to sign in has failed
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mine = append(mine, result{e.Name, time.Since(start), ok})
			}
			mu.Lock()
			results = append(results, mine...)
			mu.Unlock()
		})
	}
	start := time.Now()
	wg.Wait()
	lvl := WebLevel{Clients: clients, Took: time.Since(start), Endpoints: map[string]*EndpointFigures{}}
	lat := map[string][]time.Duration{}
	var reads []time.Duration
	read := map[string]bool{}
	for _, e := range endpoints {
		read[e.Name] = e.Read
	}
	for _, r := range results {
		f := lvl.Endpoints[r.name]
		if f == nil {
			f = &EndpointFigures{}
			lvl.Endpoints[r.name] = f
		}
		f.Requests++
		if !r.ok {
			f.Errors++
			lvl.Errors++
		}
		lat[r.name] = append(lat[r.name], r.took)
		if read[r.name] {
			reads = append(reads, r.took)
		}
	}
	for name, l := range lat {
		lvl.Endpoints[name].P50, lvl.Endpoints[name].P99 = percentiles(l)
	}
	_, lvl.ReadP99 = percentiles(reads)
	lvl.PerSecond = float64(len(results)) / lvl.Took.Seconds()
	return lvl
}

func perRequest(cpu time.Duration, lvl WebLevel) time.Duration {
	n := 0
	for _, f := range lvl.Endpoints {
		n += f.Requests
	}
	if n == 0 {
		return 0
	}
	return cpu / time.Duration(n)
}

// cpuTime reads a process's user and system CPU time from /proc (Linux; 0 elsewhere).
func cpuTime(pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // clock ticks of 1/100 s
}

// ReportWeb prints a bench web run.
func ReportWeb(out io.Writer, f WebFigures) {
	fmt.Fprintf(out, "waymark serve on %s under the mix (pages 55%%, API reads 15%%, identify 20%%, writes 10%%)", f.Dialect)
	if f.Think > 0 {
		fmt.Fprintf(out, ", each client thinking %s on average between requests", f.Think)
	}
	fmt.Fprintln(out)
	for _, l := range f.Levels {
		fmt.Fprintf(out, "\n%d clients: %.0f requests/s, %d errors, reads and pages p99 %s, CPU %s a request, RSS %.0f MiB\n",
			l.Clients, l.PerSecond, l.Errors, l.ReadP99.Round(100*time.Microsecond), l.CPUPerReq.Round(10*time.Microsecond), l.RSSAfterMiB)
		fmt.Fprintf(out, "  %-18s %9s %7s %10s %10s\n", "endpoint", "requests", "errors", "p50", "p99")
		for _, name := range slices.Sorted(maps.Keys(l.Endpoints)) {
			e := l.Endpoints[name]
			fmt.Fprintf(out, "  %-18s %9d %7d %10s %10s\n", name, e.Requests, e.Errors, e.P50.Round(100*time.Microsecond), e.P99.Round(100*time.Microsecond))
		}
	}
	fmt.Fprintf(out, "\nCPU per request, each endpoint alone (4 clients)\n")
	for _, name := range slices.Sorted(maps.Keys(f.Alone)) {
		fmt.Fprintf(out, "  %-18s %10s\n", name, f.Alone[name].Round(10*time.Microsecond))
	}
}
