package audit_test

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/audit"
)

var key = []byte("a key of the chain, 32 bytes long")

func chain(n int) []audit.Entry {
	prev := audit.Genesis
	var out []audit.Entry
	for i := 1; i <= n; i++ {
		e := audit.Entry{Seq: int64(i), At: time.Unix(int64(i), 0), Action: "child.view", RecordID: "c", PrevHash: prev}
		e.Hash = e.Sum(key)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []audit.Entry, headSeq int64, headHash string) []audit.Problem {
	v := audit.NewVerifier(key, nil)
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
		if e.Sum(key) == base.Hash {
			t.Errorf("mutation %d does not change the hash", i)
		}
	}
	// Field boundaries count: moving characters between fields changes the hash.
	a, b := base, base
	a.UserID, a.TokenID = "ab", "c"
	b.UserID, b.TokenID = "a", "bc"
	if a.Sum(key) == b.Sum(key) {
		t.Error("ambiguous encoding")
	}
}

// Whoever can write the database but not read the key cannot write a chain that verifies: not
// with the plain hash, not with a key of their own.
func TestChainNeedsTheKey(t *testing.T) {
	for name, forged := range map[string][]byte{"unkeyed": nil, "another key": []byte("the attacker's own key, 32 bytes")} {
		prev := audit.Genesis
		var es []audit.Entry
		for i := 1; i <= 3; i++ {
			e := audit.Entry{Seq: int64(i), At: time.Unix(int64(i), 0), Action: "child.view", PrevHash: prev}
			e.Hash = e.Sum(forged)
			prev, es = e.Hash, append(es, e)
		}
		if p := verify(es, 3, prev); len(p) != 3 {
			t.Errorf("%s: a rechained log gave %d problems, want every entry", name, len(p))
		}
	}
}

func TestAnchor(t *testing.T) {
	signer := ed25519.NewKeyFromSeed(make([]byte, 32))
	other := ed25519.NewKeyFromSeed(append(make([]byte, 31), 1))
	es := chain(5)
	a := audit.NewAnchor(3, es[2].Hash, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), signer)
	data, _ := json.Marshal(a)
	got, err := audit.ParseAnchor(data, signer.Public().(ed25519.PublicKey))
	if err != nil || got.Seq != 3 || got.Hash != es[2].Hash {
		t.Fatalf("parse: %+v %v", got, err)
	}
	if _, err := audit.ParseAnchor(data, other.Public().(ed25519.PublicKey)); !errors.Is(err, audit.ErrAnchor) {
		t.Fatalf("an anchor signed by another installation: %v", err)
	}
	moved := *a
	moved.Seq = 2
	data, _ = json.Marshal(moved)
	if _, err := audit.ParseAnchor(data, signer.Public().(ed25519.PublicKey)); !errors.Is(err, audit.ErrAnchor) {
		t.Fatalf("an anchor moved to another entry: %v", err)
	}
	anchored := func(es []audit.Entry, headSeq int64, headHash string) []audit.Problem {
		v := audit.NewVerifier(key, a)
		for _, e := range es {
			v.Add(e)
		}
		v.Finish(headSeq, headHash)
		return v.Problems
	}
	if p := anchored(es, 5, es[4].Hash); len(p) != 0 {
		t.Fatalf("an intact log after its anchor: %v", p)
	}
	// The tail cut back to entry 2 and the head moved there: intact but for the anchor.
	if p := verify(es[:2], 2, es[1].Hash); len(p) != 0 {
		t.Fatalf("a cut log verifies without its anchor here: %v", p)
	}
	if p := anchored(es[:2], 2, es[1].Hash); len(p) != 1 {
		t.Fatalf("a log cut before its anchor: %v", p)
	}
	// Entry 3 replaced by one written with the key (an insider holding it): the anchor tells.
	rewritten := chain(5)
	rewritten[2].Reason = "nothing to see"
	rewritten[2].Hash = rewritten[2].Sum(key)
	if p := anchored(rewritten[:3], 3, rewritten[2].Hash); len(p) == 0 {
		t.Fatal("a rewritten anchored entry was not found")
	}
}

func FuzzParseAnchor(f *testing.F) {
	signer := ed25519.NewKeyFromSeed(make([]byte, 32))
	good, _ := json.Marshal(audit.NewAnchor(3, "abc", time.Unix(0, 0), signer))
	f.Add(good)
	f.Add([]byte(`{"seq": 1, "signature": "AAAA"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := audit.ParseAnchor(data, signer.Public().(ed25519.PublicKey))
		if err == nil && !ed25519.Verify(signer.Public().(ed25519.PublicKey), []byte(fmt.Sprintf("waymark audit anchor v1|%d|%s|%s", a.Seq, a.Hash, a.At.UTC().Format(time.RFC3339Nano))), a.Signature) {
			t.Fatal("an anchor whose signature does not verify was accepted")
		}
	})
}
