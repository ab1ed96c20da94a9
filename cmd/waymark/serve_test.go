package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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

var servingAt = regexp.MustCompile(`msg=serving addr=(\S+)`)

// startServe runs `waymark serve` as a process of its own and returns its base URL once it listens.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), asCommand+"=1")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			if m := servingAt.FindStringSubmatch(lines.Text()); m != nil {
				addr <- m[1]
			} else if strings.Contains(lines.Text(), "level=ERROR") || strings.HasPrefix(lines.Text(), "waymark:") {
				t.Log(lines.Text())
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("waymark serve did not start listening within a minute")
		return ""
	}
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
