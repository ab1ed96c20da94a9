package audit_test

import (
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/audit"
)

func chain(n int) []audit.Entry {
	prev := audit.Genesis
	var out []audit.Entry
	for i := 1; i <= n; i++ {
		e := audit.Entry{Seq: int64(i), At: time.Unix(int64(i), 0), Action: "child.view", RecordID: "c", PrevHash: prev}
		e.Hash = e.Sum()
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []audit.Entry, headSeq int64, headHash string) []audit.Problem {
	v := audit.NewVerifier()
	for _, e := range es {
		v.Add(e)
	}
	v.Finish(headSeq, headHash)
	return v.Problems
}

func TestVerifier(t *testing.T) {
	es := chain(4)
	if p := verify(es, 4, es[3].Hash); len(p) != 0 {
		t.Fatalf("intact chain: %v", p)
	}
	changed := chain(4)
	changed[1].Reason = "edited"
	deleted := append(chain(4)[:1], chain(4)[2:]...)
	tail := chain(4)[:3]
	for name, tt := range map[string]struct {
		es   []audit.Entry
		seq  int64
		hash string
	}{"changed": {changed, 4, es[3].Hash}, "deleted": {deleted, 4, es[3].Hash}, "tail removed": {tail, 4, es[3].Hash}} {
		if p := verify(tt.es, tt.seq, tt.hash); len(p) == 0 {
			t.Errorf("%s: not detected", name)
		}
	}
}

func TestSumCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	mutations := []func(*audit.Entry){
		func(e *audit.Entry) { e.Seq++ }, func(e *audit.Entry) { e.At = e.At.Add(time.Microsecond) },
		func(e *audit.Entry) { e.UserID = "u" }, func(e *audit.Entry) { e.TokenID = "t" }, func(e *audit.Entry) { e.ActorName = "a" },
		func(e *audit.Entry) { e.OrgID = "o" }, func(e *audit.Entry) { e.Action = "x" }, func(e *audit.Entry) { e.RecordType = "r" },
		func(e *audit.Entry) { e.RecordID = "d" }, func(e *audit.Entry) { e.RecordOrg = "g" }, func(e *audit.Entry) { e.Addr = "1" },
		func(e *audit.Entry) { e.Reason = "why" }, func(e *audit.Entry) { e.Outcome = "denied" }, func(e *audit.Entry) { e.PrevHash = "p" },
	}
	for i, m := range mutations {
		e := base
		m(&e)
		if e.Sum() == base.Hash {
			t.Errorf("mutation %d does not change the hash", i)
		}
	}
	// Field boundaries count: moving characters between fields changes the hash.
	a, b := base, base
	a.UserID, a.TokenID = "ab", "c"
	b.UserID, b.TokenID = "a", "bc"
	if a.Sum() == b.Sum() {
		t.Error("ambiguous encoding")
	}
}
