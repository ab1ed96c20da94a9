package crypto

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Merge adds the keys of o that k lacks: a key file given a new key while the service runs. The
// highest id seals from then on; what keys derive from does not change.
func (k *Keyring) Merge(o *Keyring) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	for id, aead := range o.aeads {
		if _, ok := k.aeads[id]; !ok {
			k.aeads[id], k.derived[id] = aead, o.derived[id]
			k.current = max(k.current, id)
		}
	}
}

// AddKey adds a new key to the key file at path, its id one above the highest, and returns the id.
func AddKey(path string) (uint32, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read key file: %w", err)
	}
	k, err := ParseKeys(string(text))
	if err != nil {
		return 0, fmt.Errorf("key file %s: %w", path, err)
	}
	id := k.Current() + 1
	body := string(text)
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return id, replace(path, body+NewKeyLine(id))
}

// Retire rewrites the key file at path with the key keep alone, and the root that derived keys
// (the audit chain's, the blind index's) come from, so that those outlive the first key.
func Retire(path string, keep uint32) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	k, err := ParseKeys(string(text))
	if err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	var line string
	for _, l := range strings.Split(string(text), "\n") {
		if id, _, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && id == fmt.Sprint(keep) {
			line = strings.TrimSpace(l)
		}
	}
	if line == "" {
		return fmt.Errorf("key file %s has no key %d to keep", path, keep)
	}
	return replace(path, "# Waymark data keys: id:base64, and the root derived keys come from. Keep this file out of the database backup and safe.\n"+
		"root:"+base64.StdEncoding.EncodeToString(k.rootSecret())+"\n"+line+"\n")
}

// replace writes the key file whole, readable by its owner alone, in one rename.
func replace(path, text string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keys-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.WriteString(text)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}
