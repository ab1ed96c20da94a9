package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Served are the figures of `waymark serve` as an operator runs it: the data in its database,
// the service a process of its own, every probe a POST /api/v1/identify over loopback TCP.
type Served struct {
	Quality
	Dialect  sqlstore.Dialect
	Load     time.Duration // writing the children into the database, audited as an import
	Settle   time.Duration // on PostgreSQL, VACUUM (ANALYZE) and CHECKPOINT after it, as docs/postgresql.md advises
	Startup  time.Duration // from starting the process to listening, the index built from the database
	RSS, HWM float64       // resident memory of the serve process after the probes, and its peak (MiB)
}

// ServeOptions say how to run the service: Command is the waymark executable, DSN a PostgreSQL
// URL ("" for SQLite in a temporary directory) and Env extra environment for the process.
type ServeOptions struct {
	Command string
	DSN     string
	Env     []string
}

// Serve loads d into a fresh database, starts `waymark serve` on it and asks it every probe.
// Once the children are written it lets go of d.Children: the client then holds only its probes,
// as a real one would. A client holding gigabytes beside the service stalls it on a small machine:
// the kernel's memory monitor (kdamond) scans memory in bursts that grow with what is mapped.
func Serve(ctx context.Context, d *Data, o ServeOptions) (Served, error) {
	in, err := newInstallation(ctx, o.DSN)
	if err != nil {
		return Served{}, err
	}
	defer in.close()
	dsn, keyFile := in.dsn, in.keyFile
	s := Served{}
	start := time.Now()
	token, dialect, err := load(ctx, dsn, in.keys, d)
	if err != nil {
		return s, fmt.Errorf("load the registry: %w", err)
	}
	s.Load, s.Dialect = time.Since(start), dialect
	if dialect == sqlstore.Postgres {
		start = time.Now()
		if err := settle(ctx, dsn); err != nil {
			return s, err
		}
		s.Settle = time.Since(start)
	}
	d.Children = nil
	debug.FreeOSMemory()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start = time.Now()
	proc, base, err := StartServe(ctx, o, "--db", dsn, "--keys", keyFile, "--addr", "127.0.0.1:0", "--searches-per-hour", "0")
	if err != nil {
		return s, err
	}
	defer func() { cancel(); proc.Wait() }()
	s.Startup = time.Since(start)
	answers, err := askAll(ctx, base, token, d)
	if err != nil {
		return s, err
	}
	s.Quality = evaluate("waymark serve (HTTP)", d, answers)
	s.RSS, s.HWM = memory(proc.Process.Pid)
	return s, nil
}

// installation is a fresh database (dsn, "" for SQLite) and key file in a temporary directory,
// all removed by close.
type installation struct {
	dsn, keyFile string
	keys         *crypto.Keyring
	close        func()
}

func newInstallation(ctx context.Context, dsn string) (*installation, error) {
	dir, err := os.MkdirTemp("", "waymark-bench-")
	if err != nil {
		return nil, err
	}
	in := &installation{keyFile: filepath.Join(dir, "keys"), close: func() { os.RemoveAll(dir) }}
	dsn, drop, err := freshDatabase(ctx, dsn, dir)
	if err != nil {
		in.close()
		return nil, err
	}
	in.dsn, in.close = dsn, func() { drop(); os.RemoveAll(dir) }
	if in.keys, _, err = crypto.LoadOrCreate(in.keyFile, "WAYMARK_KEYS"); err != nil { // as serve will read them
		in.close()
		return nil, err
	}
	return in, nil
}

// freshDatabase is an empty SQLite directory under dir, or a new schema of the PostgreSQL
// database at dsn; drop removes the schema.
func freshDatabase(ctx context.Context, dsn, dir string) (string, func(), error) {
	if dsn == "" {
		return filepath.Join(dir, "data"), func() {}, nil
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	schema := "bench_" + sqlstore.NewID()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema for the bench: %w", err)
	}
	drop := func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}
	u, err := url.Parse(dsn)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// load writes every child as one import would, in transactions of 10,000, and returns a police
// API token (police search every organisation's children, and see none of their facts).
func load(ctx context.Context, dsn string, keys *crypto.Keyring, d *Data) (string, sqlstore.Dialect, error) {
	store, err := sqlstore.Open(ctx, dsn, keys)
	if err != nil {
		return "", "", err
	}
	defer store.Close()
	council := &waymark.Organisation{Name: "Bench Council", Kind: "council"}
	police := &waymark.Organisation{Name: "Bench Police", Kind: "police"}
	token := auth.NewSecret("wmt_")
	err = store.InTx(ctx, func(tx *sqlstore.Tx) error {
		for _, o := range []*waymark.Organisation{council, police} {
			if err := tx.CreateOrg(o); err != nil {
				return err
			}
		}
		return tx.CreateToken(&sqlstore.APIToken{Digest: auth.Digest(token), OrgID: police.ID, Role: waymark.RolePolice, Name: "bench"})
	})
	if err != nil {
		return "", "", err
	}
	const batch = 10000
	for from := 0; from < len(d.Children); from += batch {
		recs := make([]*interchange.Record, 0, batch)
		for _, c := range d.Children[from:min(from+batch, len(d.Children))] {
			recs = append(recs, interchange.Export(c, nil, history(c)))
		}
		err := store.InTx(ctx, func(tx *sqlstore.Tx) error {
			_, _, err := interchange.Load(tx, council, recs, "bench", nil)
			return err
		})
		if err != nil {
			return "", "", err
		}
	}
	return token, store.Dialect(), nil
}

// history gives a child missing now the open episode that makes them so, as the import of a
// council's records would: last seen on a day of the year before, the same for the same child.
func history(c *waymark.Child) interchange.History {
	if !c.MissingNow {
		return interchange.History{}
	}
	h := fnv.New32a()
	h.Write([]byte(c.ID))
	seen := benchNow.AddDate(0, 0, -1-int(h.Sum32()%365))
	return interchange.History{Episodes: []*waymark.MissingEpisode{{Kind: "missing", LastSeenAt: seen}}}
}

// settle does what an operator does after a bulk import into PostgreSQL: vacuum and analyse the
// new tables, and checkpoint. Without it the first searches meet autovacuum's pass over a million
// new rows and the checkpoint writing them out.
func settle(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return err
		}
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, stmt := range []string{"VACUUM (ANALYZE) " + strings.Join(tables, ", "), "CHECKPOINT"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(stmt)[0], err)
		}
	}
	return nil
}

var servingAt = regexp.MustCompile(`msg=serving addr=(\S+)`)

// StartServe starts `waymark serve` with args and returns it with its base URL once it listens;
// it is interrupted when ctx ends (then Wait for it).
func StartServe(ctx context.Context, o ServeOptions, args ...string) (*exec.Cmd, string, error) {
	cmd := exec.CommandContext(ctx, o.Command, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start waymark serve: %w", err)
	}
	addr := make(chan string, 1)
	var said bytes.Buffer
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			if m := servingAt.FindStringSubmatch(lines.Text()); m != nil {
				addr <- m[1]
			} else if said.Len() < 4096 {
				said.WriteString(lines.Text() + "\n")
			}
		}
		close(addr)
	}()
	a, ok := <-addr
	if !ok {
		cmd.Wait()
		return nil, "", fmt.Errorf("waymark serve stopped before listening: %s", said.String())
	}
	return cmd, "http://" + a, nil
}

// askAll posts every probe to the identify API, one at a time, and ranks the answers by ref.
func askAll(ctx context.Context, base, token string, d *Data) ([]ranked, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	answers := make([]ranked, len(d.Probes))
	for i, p := range d.Probes {
		q := *p.Query
		q.Ref = ""
		body, err := json.Marshal(interchange.Export(&q, nil, interchange.History{}))
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/identify", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("probe %d: %w", i, err)
		}
		var out struct {
			Candidates []struct {
				Ref         string  `json:"ref"`
				Band        string  `json:"band"`
				Probability float64 `json:"probability"`
			} `json:"candidates"`
		}
		err = json.NewDecoder(res.Body).Decode(&out)
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("probe %d: %s: %v", i, res.Status, err)
		}
		a := ranked{latency: time.Since(start), hasBandsProb: true}
		for _, c := range out.Candidates {
			a.ids = append(a.ids, "c"+strings.TrimPrefix(c.Ref, "R"))
			a.bands, a.probs = append(a.bands, c.Band), append(a.probs, c.Probability)
		}
		answers[i] = a
	}
	return answers, nil
}

// memory reads a process's resident set and its peak from /proc (Linux), in MiB; 0 elsewhere.
func memory(pid int) (rss, hwm float64) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

// ReportServed prints the service's figures.
func ReportServed(w io.Writer, s Served) {
	fmt.Fprintf(w, "\nThrough the service: waymark serve on %s, a process of its own, probes posted one at a time\n\n", s.Dialect)
	rows := []struct{ label, value string }{
		{"registry written to the database", s.Load.Round(time.Millisecond).String()},
		{"then VACUUM (ANALYZE) and CHECKPOINT", s.Settle.Round(time.Millisecond).String()},
		{"start-up (index built from the database)", s.Startup.Round(time.Millisecond).String()},
		{"recall@1 / recall@10", fmt.Sprintf("%.3f / %.3f", s.Recall1, s.Recall10)},
		{"HTTP identify latency p50", s.P50.Round(time.Microsecond).String()},
		{"HTTP identify latency p99", s.P99.Round(time.Microsecond).String()},
		{"resident memory after the probes (MiB)", fmt.Sprintf("%.0f", s.RSS)},
		{"peak resident memory (MiB)", fmt.Sprintf("%.0f", s.HWM)},
	}
	for _, r := range rows {
		if r.value == "0s" {
			continue
		}
		fmt.Fprintf(w, "%-44s %22s\n", r.label, r.value)
	}
}
