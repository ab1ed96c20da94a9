package auth_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/auth"
)

func init() { auth.Default = auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1} }

func TestPasswords(t *testing.T) {
	h := auth.HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Fatalf("hash %q is not argon2id PHC", h)
	}
	if ok, err := auth.VerifyPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := auth.VerifyPassword(h, "correct horse batterY"); ok {
		t.Fatal("wrong password accepted")
	}
	if h == auth.HashPassword("correct horse battery") {
		t.Fatal("salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=8,t=0,p=1$AA$AA"} {
		if _, err := auth.VerifyPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                  false,
		"four words in a row":    true,
		"correct horse battery":  true,
		"Harbour lights at dusk": true,
		"password1234":           false, // common, digits added
		"Password2024!":          false,
		"iloveyou1234567":        false,
		"qwertyuiop12":           false,
		"123456789012":           false, // digits alone
		"!!!!????0000":           false,
		"dragondragondragon":     false, // a common word said again
		"abcabcabcabc":           false, // a short run said again
		"aaaaaaaaaaaa":           false,
		"trustno1trustno1":       false,
	} {
		if why := auth.CheckPassword(pw); (why == "") != ok {
			t.Errorf("%q: %q, want accepted=%v", pw, why, ok)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := auth.NewSecret("wmt_"), auth.NewSecret("wmt_")
	if a == b || !strings.HasPrefix(a, "wmt_") || len(a) < 40 {
		t.Fatalf("secrets %q %q", a, b)
	}
	if auth.Digest(a) == auth.Digest(b) || len(auth.Digest(a)) != 64 {
		t.Fatal("digest")
	}
}

func FuzzVerifyPassword(f *testing.F) {
	f.Add(auth.HashPassword("x"), "x")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if strings.Contains(hash, "m=") && !strings.Contains(hash, "m=1,") && !strings.Contains(hash, "m=8192,") {
			return // keep the fuzzer from asking argon2 for gigabytes
		}
		auth.VerifyPassword(hash, pw)
	})
}

func TestGateBoundsHashing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	if g := auth.NewGate(8*uint64(auth.Default.Memory)<<10, time.Second); g.Slots() != 4 {
		t.Fatalf("a budget of eight hashes on four processors gave %d slots, want 4", g.Slots())
	}
	g := auth.NewGate(3*uint64(auth.Default.Memory)<<10, 20*time.Millisecond)
	if g.Slots() != 3 {
		t.Fatalf("a budget of three hashes gave %d slots", g.Slots())
	}
	var held []func()
	for range 3 {
		release, err := g.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, release)
	}
	if _, err := g.Acquire(context.Background()); !errors.Is(err, auth.ErrBusy) {
		t.Fatalf("a fourth hash while three run: %v, want busy", err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Acquire(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller gone away: %v", err)
	}
	held[0]()
	if release, err := g.Acquire(context.Background()); err != nil {
		t.Fatalf("a slot given back was not taken again: %v", err)
	} else {
		release()
	}
	if auth.NewGate(0, time.Second).Slots() != 1 {
		t.Fatal("a budget under one hash must still let one run")
	}
}
