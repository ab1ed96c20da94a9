package interchange_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/interchange"
)

var now = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestReadAllGood(t *testing.T) {
	f, _ := os.Open("testdata/good.jsonl")
	defer f.Close()
	recs, bad, err := interchange.ReadAll(f, now, nil)
	if err != nil || len(bad) != 0 || len(recs) != 3 {
		t.Fatalf("good file: %d records, bad %v, %v", len(recs), bad, err)
	}
	if recs[0].FamilyName != "Nguyễn" || recs[0].Documents[0].Number != "C1234567" || len(recs[0].Events) != 2 || recs[1].Events[1].Exploitation[1] != "criminal" {
		t.Fatalf("parsed: %+v", recs[0])
	}
}

func TestReadAllReportsEveryBadLine(t *testing.T) {
	f, _ := os.Open("testdata/bad.jsonl")
	defer f.Close()
	recs, bad, err := interchange.ReadAll(f, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{
		2: {"date_of_birth", "nationality"},
		3: {"not valid JSON"},
		4: {`ref "B1" already on line 1`},
		5: {"ref: every line needs"},
		6: {"events[0].type", "events[1].end: before its start", "events[1].placement_type"},
		7: {"shoe_size"},
	}
	if len(recs) != 1 || len(bad) != len(want) {
		t.Fatalf("%d good, %d bad: %v", len(recs), len(bad), bad)
	}
	for _, b := range bad {
		for _, w := range want[b.Line] {
			if !strings.Contains(b.Error(), w) {
				t.Errorf("line %d: %q lacks %q", b.Line, b.Error(), w)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/good.jsonl", "testdata/bad.jsonl"} {
		b, _ := os.ReadFile(name)
		for _, line := range strings.Split(string(b), "\n") {
			f.Add([]byte(line))
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		rec, reasons := interchange.Parse(line, now)
		if rec == nil && len(reasons) == 0 {
			t.Fatal("no record and no reason")
		}
		for _, r := range reasons {
			if r == "" {
				t.Fatal("empty reason")
			}
		}
	})
}
