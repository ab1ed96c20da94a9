package http_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A child sent again with the same Idempotency-Key — a device resending after the network came
// back, eight times at once — is made once, and every answer names that child; the key sent with
// other facts is a conflict, and a key no client would send is refused with the header named.
func TestCreateChildIdempotencyKey(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			token := a.token("border@border.example.org", waymark.RoleBorder)
			send := func(key, body string) (int, string, map[string]any) {
				req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/children", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", key)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return 0, "", nil
				}
				defer res.Body.Close()
				raw, _ := io.ReadAll(res.Body)
				var out map[string]any
				json.Unmarshal(raw, &out)
				return res.StatusCode, res.Header.Get("Idempotent-Replayed"), out
			}
			body := `{"ref": "OFF-1", "given_names": "Hawi", "family_name": "Offline", "date_of_birth": "2010-02-03"}`
			var wg sync.WaitGroup
			ids := make([]string, 8)
			replayed := 0
			var mu sync.Mutex
			for i := range ids {
				wg.Go(func() {
					code, again, out := send("0b9f6c3e-1d2a-4c1b-9a57-7e0d1c2b3a4f", body)
					if code != 201 {
						t.Errorf("send %d: %d %v", i, code, out)
					}
					ids[i], _ = out["child_id"].(string)
					mu.Lock()
					replayed += len(again) / 4 // "true"
					mu.Unlock()
				})
			}
			wg.Wait()
			for _, id := range ids {
				if id == "" || id != ids[0] {
					t.Fatalf("the sends named different children: %v", ids)
				}
			}
			if replayed != len(ids)-1 {
				t.Errorf("%d answers said they were replays, want %d", replayed, len(ids)-1)
			}
			var n int
			if err := a.store.DB().QueryRow(`SELECT count(*) FROM children WHERE ref = 'OFF-1'`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d children made by one key (%v)", n, err)
			}
			if code, _, out := send("0b9f6c3e-1d2a-4c1b-9a57-7e0d1c2b3a4f", strings.Replace(body, "Hawi", "Hawa", 1)); code != 409 {
				t.Errorf("the key with other facts: %d %v", code, out)
			}
			if code, _, out := send("a key with spaces", body); code != 422 || errorField(out) != "Idempotency-Key" {
				t.Errorf("a bad key: %d %v", code, out)
			}
			if code, _, out := send("", strings.Replace(body, "OFF-1", "OFF-2", 1)); code != 201 {
				t.Errorf("no key: %d %v", code, out)
			}
		})
	}
}
