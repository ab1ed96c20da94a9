package crypto

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A key added to the file seals from then on, in a keyring that merges it; retiring the first key
// keeps what keys derive from; a bad root line is refused.
func TestAddMergeRetire(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	k, _, err := LoadOrCreate(path, "")
	if err != nil {
		t.Fatal(err)
	}
	old := k.Seal([]byte("old"), []byte("a"))
	audit, blind := k.AuditKey(), k.Blind("07700900401")
	if id, err := AddKey(path); err != nil || id != 2 {
		t.Fatalf("add key: %d %v", id, err)
	}
	text, _ := os.ReadFile(path)
	added, err := ParseKeys(string(text))
	if err != nil {
		t.Fatal(err)
	}
	k.Merge(added)
	if k.Current() != 2 || KeyID(k.Seal([]byte("new"), nil)) != 2 {
		t.Fatalf("after the merge key %d seals", k.Current())
	}
	if p, err := k.Open(old, []byte("a")); err != nil || string(p) != "old" {
		t.Fatalf("what key 1 sealed: %q %v", p, err)
	}
	if err := Retire(path, 2); err != nil {
		t.Fatal(err)
	}
	text, _ = os.ReadFile(path)
	if strings.Contains(string(text), "\n1:") || !strings.Contains(string(text), "root:") {
		t.Fatalf("the retired file:\n%s", text)
	}
	left, err := ParseKeys(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(left.AuditKey(), audit) || left.Blind("07700900401") != blind {
		t.Fatal("retiring the first key changed the keys derived from it")
	}
	if _, err := left.Open(old, []byte("a")); err == nil {
		t.Fatal("a retired key still opens what it sealed")
	}
	if _, err := ParseKeys("root:short\n2:" + strings.Repeat("A", 43) + "=\n"); err == nil {
		t.Fatal("a bad root line was taken")
	}
	if err := Retire(path, 9); err == nil {
		t.Fatal("retired down to a key the file does not hold")
	}
}
