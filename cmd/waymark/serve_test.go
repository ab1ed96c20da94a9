package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/bench"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// asCommand makes this test binary act as the waymark command when a test starts it as a process.
const asCommand = "WAYMARK_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startServe runs `waymark serve` as a process of its own and returns its base URL once it listens.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd, base, err := bench.StartServe(ctx, bench.ServeOptions{Command: os.Args[0], Env: []string{asCommand + "=1"}},
		append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	return base
}

func postJSON(t *testing.T, url, token, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s: %s: %v", url, res.Status, err)
	}
	return out
}

// Two `waymark serve` processes on one database: a child recorded through one is found through
// the other within 2 seconds.
func TestTwoServeProcessesShareTheIndex(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db := []string{"--db", storetest.DSN(t, d), "--keys", filepath.Join(t.TempDir(), "keys")}
			if _, err := cli(t, "", append([]string{"org", "create", "--name", "Northshire Police", "--kind", "police"}, db...)...); err != nil {
				t.Fatal(err)
			}
			out, err := cli(t, "", append([]string{"token", "create", "--org", "Northshire Police", "--role", "police"}, db...)...)
			if err != nil {
				t.Fatal(err)
			}
			token := strings.TrimSpace(out)
			a, b := startServe(t, db...), startServe(t, db...)
			created := postJSON(t, a+"/api/v1/children", token,
				`{"given_names": "Kidane", "family_name": "Berhe Tesfay", "date_of_birth": "2009-09-09", "phones": ["+2917654321"]}`)
			if created["child_id"] == nil {
				t.Fatalf("child not created: %v", created)
			}
			start := time.Now()
			for {
				out := postJSON(t, b+"/api/v1/identify", token, `{"given_names": "Kidane", "phones": ["+2917654321"]}`)
				if cands, _ := out["candidates"].([]any); len(cands) > 0 && cands[0].(map[string]any)["child_id"] == created["child_id"] {
					break
				}
				if time.Since(start) > 2*time.Second {
					t.Fatalf("not found through the other process after %s", time.Since(start))
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("found through the other process after %s", time.Since(start).Round(time.Millisecond))
		})
	}
}

// The service benchmark runs once at a small size on each database, so that it cannot rot: the
// children written, waymark serve started as a process, every probe answered over HTTP.
func TestBenchThroughTheService(t *testing.T) {
	t.Setenv(asCommand, "1") // the bench starts this binary as waymark serve
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			args := []string{"bench", "identify", "--n", "1500", "--probes", "80", "--http"}
			if d == sqlstore.Postgres {
				args = append(args, "--http-db", os.Getenv(storetest.EnvPostgres))
			}
			out, err := cli(t, "", args...)
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`recall@1 / recall@10 +([0-9.]+) / ([0-9.]+)`).FindStringSubmatch(out)
			if !strings.Contains(out, "waymark serve on "+string(d)) || m == nil || atof(m[1]) < 0.3 || atof(m[2]) < atof(m[1]) {
				t.Fatalf("service figures missing or implausible:\n%s", out)
			}
			// The service ranks as the engine does (up to the order of exact ties): it has read
			// every fact the engine was given, whether each child is missing now included.
			engine := regexp.MustCompile(`(?m)^recall@1 +([0-9.]+)$`).FindStringSubmatch(out)
			if engine == nil || math.Abs(atof(engine[1])-atof(m[1])) > 0.05 {
				t.Fatalf("the service's recall@1 %s is not the engine's %v:\n%s", m[1], engine, out)
			}
			for _, row := range []string{"HTTP identify latency p99", "peak resident memory (MiB)"} {
				if !regexp.MustCompile(regexp.QuoteMeta(row) + ` +[1-9]`).MatchString(out) {
					t.Fatalf("no figure for %q:\n%s", row, out)
				}
			}
		})
	}
}

// The sign-in flood runs once at a small size: every bad sign-in answered (refused, or told to
// come back), and the pages asked meanwhile all answered.
func TestBenchSignInFlood(t *testing.T) {
	t.Setenv(asCommand, "1")
	out, err := cli(t, "", "bench", "signin", "--clients", "24")
	if err != nil {
		t.Fatal(err)
	}
	answers := regexp.MustCompile(`answers +(.*)`).FindStringSubmatch(out)
	if answers == nil || !regexp.MustCompile(`^(\d+ × (401|503)(, )?)+$`).MatchString(answers[1]) ||
		!strings.Contains(out, "no answer (timeout, reset)                                        0") ||
		!regexp.MustCompile(`pages asked meanwhile / failed +\d+ / 0`).MatchString(out) ||
		!regexp.MustCompile(`peak resident memory \(MiB\) +[1-9]`).MatchString(out) {
		t.Fatalf("flood figures missing or wrong:\n%s", out)
	}
}

// The load bench runs once at a small size on each database: every endpoint of the mix asked,
// none failing.
func TestBenchWebSmall(t *testing.T) {
	t.Setenv(asCommand, "1")
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			args := []string{"bench", "web", "--children", "300", "--clients", "4", "--for", "2s"}
			if d == sqlstore.Postgres {
				args = append(args, "--db", os.Getenv(storetest.EnvPostgres))
			}
			out, err := cli(t, "", args...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "4 clients:") || !strings.Contains(out, " 0 errors") {
				t.Fatalf("bench web:\n%s", out)
			}
			for _, e := range []string{"caseload page", "caseload search", "child page", "alerts page", "API child read", "API identify", "API write"} {
				if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(e) + ` +[1-9]\d* +0 `).MatchString(out) {
					t.Errorf("%s not asked, or failing:\n%s", e, out)
				}
			}
		})
	}
}

func atof(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }

// The first alert sweep runs before the service listens: after an import it may raise thousands
// of alerts, and the first searches should not wait behind it.
func TestServeSweepsBeforeListening(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keyFile := storetest.DSN(t, d), filepath.Join(t.TempDir(), "keys")
			keys, _, err := crypto.LoadOrCreate(keyFile, "WAYMARK_KEYS")
			if err != nil {
				t.Fatal(err)
			}
			store, err := sqlstore.Open(context.Background(), dsn, keys)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			org := &waymark.Organisation{Name: "Westmarsh Council", Kind: "council"}
			c := &waymark.Child{GivenNames: "Amanuel", FamilyName: "Haile", Ref: "W1",
				DateOfBirth: time.Now().AddDate(-18, 0, -2).Format(waymark.DateLayout)}
			if err := c.Normalize(time.Now()); err != nil {
				t.Fatal(err)
			}
			err = store.InTx(context.Background(), func(tx *sqlstore.Tx) error {
				if err := tx.CreateOrg(org); err != nil {
					return err
				}
				c.OrgID = org.ID
				return tx.CreateChild(c)
			})
			if err != nil {
				t.Fatal(err)
			}
			startServe(t, "--db", dsn, "--keys", keyFile)
			var n int
			if err := store.DB().QueryRow(`SELECT count(*) FROM alerts WHERE kind = $1`, waymark.AlertTurning18).Scan(&n); err != nil || n != 1 {
				t.Fatalf("alerts raised by the time the service listened: %d, %v", n, err)
			}
		})
	}
}

// Crash safety: waymark serve killed (SIGKILL) while clients write children through the API, and
// started again, rounds times: every child whose creation was acknowledged (201) is there, and
// the audit chain verifies. WAYMARK_CRASH_ROUNDS sets the rounds (3 in the test command).
func TestCrashDuringWritesLosesNothing(t *testing.T) {
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("WAYMARK_CRASH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keyFile := storetest.DSN(t, d), filepath.Join(t.TempDir(), "keys")
			db := []string{"--db", dsn, "--keys", keyFile}
			if _, err := cli(t, "", append([]string{"org", "create", "--name", "Westmarsh Council", "--kind", "council"}, db...)...); err != nil {
				t.Fatal(err)
			}
			out, err := cli(t, "", append([]string{"token", "create", "--org", "Westmarsh Council", "--role", "social_worker"}, db...)...)
			if err != nil {
				t.Fatal(err)
			}
			token := strings.TrimSpace(out)
			acked := map[string]bool{}
			for round := range rounds {
				ctx, cancel := context.WithCancel(context.Background())
				cmd, base, err := bench.StartServe(ctx, bench.ServeOptions{Command: os.Args[0], Env: []string{asCommand + "=1"}},
					append([]string{"--addr", "127.0.0.1:0"}, db...)...)
				if err != nil {
					cancel()
					t.Fatal(err)
				}
				var mu sync.Mutex
				var wg sync.WaitGroup
				for w := range 4 {
					wg.Go(func() {
						for i := 0; ; i++ {
							ref := fmt.Sprintf("R%d-%d-%d", round, w, i)
							body := fmt.Sprintf(`{"ref": %q, "given_names": "Selam", "family_name": "Writer %d"}`, ref, w)
							req, _ := http.NewRequest("POST", base+"/api/v1/children", strings.NewReader(body))
							req.Header.Set("Authorization", "Bearer "+token)
							req.Header.Set("Content-Type", "application/json")
							res, err := http.DefaultClient.Do(req)
							if err != nil {
								return // the server is gone
							}
							res.Body.Close()
							if res.StatusCode == http.StatusCreated {
								mu.Lock()
								acked[ref] = true
								mu.Unlock()
							}
						}
					})
				}
				time.Sleep(time.Duration(200+rand.IntN(300)) * time.Millisecond)
				cmd.Process.Kill() // SIGKILL: no shutdown, no flush
				cmd.Wait()
				wg.Wait()
				cancel()
			}
			keys, _, err := crypto.LoadOrCreate(keyFile, "")
			if err != nil {
				t.Fatal(err)
			}
			s, err := sqlstore.Open(context.Background(), dsn, keys)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			stored := map[string]bool{}
			if err := s.AllChildren(context.Background(), "", func(c *waymark.Child) error { stored[c.Ref] = true; return nil }); err != nil {
				t.Fatal(err)
			}
			lost := 0
			for ref := range acked {
				if !stored[ref] {
					lost++
				}
			}
			v, err := s.VerifyAudit(context.Background(), nil)
			if err != nil || len(v.Problems) != 0 {
				t.Fatalf("audit after %d crashes: %v %v", rounds, v.Problems, err)
			}
			t.Logf("%d rounds: %d children acknowledged, %d lost; audit chain of %d entries verified", rounds, len(acked), lost, v.Checked)
			if lost > 0 || len(acked) == 0 {
				t.Fatalf("%d of %d acknowledged children lost", lost, len(acked))
			}
		})
	}
}
