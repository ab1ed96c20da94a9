package crypto_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/waymark-org/waymark/internal/crypto"
)

func ring(t testing.TB, lines ...string) *crypto.Keyring {
	var text string
	for _, l := range lines {
		text += l
	}
	k, err := crypto.ParseKeys(text)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := ring(t, crypto.NewKeyLine(1))
	sealed := k.Seal([]byte("C1234567"), []byte("child:a"))
	if bytes.Contains(sealed, []byte("C1234567")) {
		t.Fatal("plaintext visible")
	}
	if got, err := k.Open(sealed, []byte("child:a")); err != nil || string(got) != "C1234567" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := k.Open(sealed, []byte("child:b")); err == nil {
		t.Fatal("opened with another record's binding")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.Open(sealed, []byte("child:a")); err == nil {
		t.Fatal("opened tampered data")
	}
	if bytes.Equal(k.Seal([]byte("x"), nil), k.Seal([]byte("x"), nil)) {
		t.Fatal("two seals of the same text are equal: nonce reused")
	}
}

func TestRotation(t *testing.T) {
	one := crypto.NewKeyLine(1)
	old := ring(t, one)
	sealed := old.Seal([]byte("photo"), nil)
	rotated := ring(t, one, crypto.NewKeyLine(2))
	if got, err := rotated.Open(sealed, nil); err != nil || string(got) != "photo" {
		t.Fatalf("old data unreadable after rotation: %v", err)
	}
	if id := crypto.KeyID(rotated.Seal([]byte("new"), nil)); id != 2 {
		t.Fatalf("new data sealed with key %d, want 2", id)
	}
	if _, err := ring(t, crypto.NewKeyLine(3)).Open(sealed, nil); err == nil {
		t.Fatal("opened without its key")
	}
}

func TestParseKeysErrors(t *testing.T) {
	for _, bad := range []string{"", "# only a comment\n", "1:short\n", "x:" + crypto.NewKeyLine(1)[2:], "0:" + crypto.NewKeyLine(1)[2:], crypto.NewKeyLine(1) + crypto.NewKeyLine(1)} {
		if _, err := crypto.ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "keys")
	k1, created, err := crypto.LoadOrCreate(path, "WAYMARK_TEST_UNSET_KEYS")
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	k2, created, err := crypto.LoadOrCreate(path, "WAYMARK_TEST_UNSET_KEYS")
	if err != nil || created {
		t.Fatalf("reload: %v %v", created, err)
	}
	if _, err := k2.Open(k1.Seal([]byte("x"), nil), nil); err != nil {
		t.Fatal("reloaded key differs")
	}
	t.Setenv("WAYMARK_TEST_KEYS", crypto.NewKeyLine(7))
	k3, _, err := crypto.LoadOrCreate(path, "WAYMARK_TEST_KEYS")
	if err != nil || k3.Current() != 7 {
		t.Fatalf("environment keys: %v", err)
	}
}

func FuzzParseKeys(f *testing.F) {
	f.Add(crypto.NewKeyLine(1) + "# c\n" + crypto.NewKeyLine(2))
	f.Add("1:AAAA\n")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := crypto.ParseKeys(text)
		if err != nil {
			return
		}
		if got, err := k.Open(k.Seal([]byte("x"), nil), nil); err != nil || string(got) != "x" {
			t.Fatal("parsed keyring cannot round-trip")
		}
	})
}

func FuzzOpen(f *testing.F) {
	k := ring(f, crypto.NewKeyLine(1))
	f.Add(k.Seal([]byte("hello"), nil))
	f.Add([]byte{1, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		k.Open(data, nil) // must not panic on anything
	})
}

func TestBlindIsKeyedAndOutlivesRotation(t *testing.T) {
	one := crypto.NewKeyLine(1)
	k := ring(t, one)
	phone := k.Blind("phone:+447700900123")
	if phone != k.Blind("phone:+447700900123") || phone == k.Blind("phone:+447700900124") {
		t.Fatal("blind keys are not one per value")
	}
	if bytes.Contains([]byte(phone), []byte("7700900123")) {
		t.Fatal("the value shows through its blind key")
	}
	if got := ring(t, one, crypto.NewKeyLine(2)).Blind("phone:+447700900123"); got != phone {
		t.Fatal("a rotated keyring finds nothing recorded before")
	}
	if ring(t, crypto.NewKeyLine(1)).Blind("phone:+447700900123") == phone {
		t.Fatal("another installation's keys give the same blind key")
	}
}
