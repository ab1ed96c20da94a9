package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// SignInFlood are the figures of a crowd of bad sign-ins, each from an address of its own, against
// `waymark serve`, while another client keeps asking for a page and the health check.
type SignInFlood struct {
	Clients   int
	Took      time.Duration
	Answers   map[int]int   // how many sign-ins got each HTTP status
	Failed    int           // sign-ins with no answer at all (a timeout, a reset)
	P50, P99  time.Duration // of the sign-ins
	Pages     int           // pages asked for during the flood
	PageP50   time.Duration // their latency
	PageMax   time.Duration
	PageFails int
	HWM       float64 // the service's peak resident memory (MiB)
}

// FloodSignIn starts `waymark serve` on a fresh SQLite installation, trusting X-Forwarded-For so
// that each client is an address of its own (none of them is contacted: they are only a header),
// and sends it clients bad sign-ins at once.
func FloodSignIn(ctx context.Context, o ServeOptions, clients int) (SignInFlood, error) {
	in, err := newInstallation(ctx, "")
	if err != nil {
		return SignInFlood{}, err
	}
	defer in.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	proc, base, err := StartServe(ctx, o, "--db", in.dsn, "--keys", in.keyFile, "--addr", "127.0.0.1:0", "--trust-proxy")
	if err != nil {
		return SignInFlood{}, err
	}
	defer func() { cancel(); proc.Wait() }()
	f := SignInFlood{Clients: clients, Answers: map[int]int{}}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	done := make(chan struct{})
	var pages []time.Duration
	go func() { pages, f.PageFails = keepAsking(client, base, done); close(done) }()

	start := time.Now()
	took := make([]time.Duration, clients)
	codes := make([]int, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() { took[i], codes[i] = badSignIn(ctx, client, base, i) })
	}
	wg.Wait()
	f.Took = time.Since(start)
	done <- struct{}{}
	<-done
	for _, c := range codes {
		if c == 0 {
			f.Failed++
		} else {
			f.Answers[c]++
		}
	}
	f.P50, f.P99 = percentiles(took)
	f.Pages = len(pages)
	f.PageP50, _ = percentiles(pages)
	if len(pages) > 0 {
		f.PageMax = pages[len(pages)-1]
	}
	_, f.HWM = memory(proc.Process.Pid)
	return f, nil
}

// badSignIn posts a wrong password for an unknown account from the i'th address (IPv6
// documentation addresses, 2001:db8::/32) and returns how long the answer took and its status.
func badSignIn(ctx context.Context, client *http.Client, base string, i int) (time.Duration, int) {
	form := url.Values{"email": {fmt.Sprintf("guess%d@example.org", i)}, "password": {"not the password"}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8::%x", i+1))
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return time.Since(start), 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return time.Since(start), res.StatusCode
}

// keepAsking asks for the sign-in page and the health check in turn until done is sent, and
// returns how long each took and how many failed.
func keepAsking(client *http.Client, base string, done <-chan struct{}) (took []time.Duration, fails int) {
	for i := 0; ; i++ {
		select {
		case <-done:
			return took, fails
		case <-time.After(20 * time.Millisecond):
		}
		start := time.Now()
		res, err := client.Get(base + []string{"/signin", "/healthz"}[i%2])
		if err != nil {
			fails++
			continue
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			fails++
		}
		took = append(took, time.Since(start))
	}
}

// ReportSignInFlood prints the flood's figures.
func ReportSignInFlood(w io.Writer, f SignInFlood) {
	fmt.Fprintf(w, "%d bad sign-ins at once, each from an address of its own, against waymark serve on SQLite\n\n", f.Clients)
	codes := slices.Sorted(func(yield func(int) bool) {
		for c := range f.Answers {
			if !yield(c) {
				return
			}
		}
	})
	var answers []string
	for _, c := range codes {
		answers = append(answers, fmt.Sprintf("%d × %d", f.Answers[c], c))
	}
	rows := []struct{ label, value string }{
		{"all answered in", f.Took.Round(time.Millisecond).String()},
		{"answers", strings.Join(answers, ", ")},
		{"no answer (timeout, reset)", fmt.Sprint(f.Failed)},
		{"sign-in latency p50 / p99", fmt.Sprintf("%s / %s", f.P50.Round(time.Millisecond), f.P99.Round(time.Millisecond))},
		{"pages asked meanwhile / failed", fmt.Sprintf("%d / %d", f.Pages, f.PageFails)},
		{"their latency p50 / max", fmt.Sprintf("%s / %s", f.PageP50.Round(time.Microsecond), f.PageMax.Round(time.Microsecond))},
		{"peak resident memory (MiB)", fmt.Sprintf("%.0f", f.HWM)},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%-36s %30s\n", r.label, r.value)
	}
}
