package interchange_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/interchange"
)

var networkNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func TestParseNetwork(t *testing.T) {
	f, err := os.Open("testdata/network.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, bad, err := interchange.ParseNetwork(f, networkNow)
	if err != nil || len(bad) > 0 {
		t.Fatalf("good file: %v %v", bad, err)
	}
	if len(n.Order) != 3 || len(n.Links) != 5 || n.Entities["E-PHONE"].Value != "+447700900777" || n.Links[0].EntityRef != "E-PHONE" {
		t.Fatalf("read %d entities, %d links: %+v", len(n.Order), len(n.Links), n)
	}

	f, err = os.Open("testdata/network_bad.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, bad, err = interchange.ParseNetwork(f, networkNow); err != nil {
		t.Fatal(err)
	}
	want := []string{"line 1: value:", "line 2: unknown field \"age\"", "line 4: ref: \"E3\" names two entities", "line 7: child_ref:",
		"line 8: type: \"note\"", "line 5: role:", "line 6: entity_ref \"E9\""}
	if len(bad) != len(want) {
		t.Fatalf("bad lines:\n%s", strings.Join(bad, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(bad[i], w) && !strings.Contains(bad[i], w) {
			t.Errorf("bad line %d: %q, want %q", i, bad[i], w)
		}
	}
	if !strings.Contains(bad[3], "confidence:") {
		t.Errorf("line 7's second reason not given: %q", bad[3])
	}
}

func FuzzParseNetwork(f *testing.F) {
	for _, name := range []string{"testdata/network.jsonl", "testdata/network_bad.jsonl"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, bad, err := interchange.ParseNetwork(strings.NewReader(text), networkNow)
		if err == nil && len(bad) == 0 && n == nil {
			t.Fatal("no network, no problem")
		}
		if n != nil {
			for _, l := range n.Links {
				if n.Entities[l.EntityRef] == nil {
					t.Fatalf("a link to an entity not read: %+v", l)
				}
			}
		}
	})
}
