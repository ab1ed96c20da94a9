// Package crypto seals sensitive fields and files at rest with AES-256-GCM. Keys live outside the
// database, in a key file or an environment variable; each ciphertext names the key that sealed it,
// so keys can be rotated while older data stays readable.
package crypto

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

const version = 1

// Keyring holds the data keys by id; the highest id seals new data. From the first key (the
// lowest id, which must be kept as long as the data it sealed) it also derives the audit chain's
// MAC key and the key that signs the chain's anchors: they live where the data keys live, never
// in the database.
type Keyring struct {
	mu      sync.RWMutex // keys are added while the service runs (Merge)
	aeads   map[uint32]cipher.AEAD
	current uint32
	first   uint32
	derived map[uint32][]byte // per key id, its secret for deriving: HMAC-SHA256(key, "waymark derive")
	root    []byte            // the first key's secret for deriving, kept when that key was retired ("root:" line)
	blind   func() []byte     // Blind's key, derived once
}

// derive returns a 32-byte key for purpose, from the first data key (or its root, once retired).
func (k *Keyring) derive(purpose string) []byte {
	m := hmac.New(sha256.New, k.rootSecret())
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// AuditKey is the audit chain's MAC key: without it no entry can be forged or re-chained.
func (k *Keyring) AuditKey() []byte { return k.derive("waymark audit chain v1") }

// Blind returns a keyed hash of v, for finding a sealed value by what it equals (a phone, a
// registration) without storing it: without the keys, the hash says nothing of v.
func (k *Keyring) Blind(v string) string {
	m := hmac.New(sha256.New, k.blind())
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// OfflineKey is the key a user's device wraps the records it keeps offline with: given only to
// the user signed in, the same at every sign-in (records kept before can be sent after), and
// nothing a device holds without it can be read.
func (k *Keyring) OfflineKey(orgID, userID string) []byte {
	m := hmac.New(sha256.New, k.derive("waymark offline records v1"))
	m.Write([]byte(orgID + "\x00" + userID))
	return m.Sum(nil)
}

// AnchorKey signs the audit chain's anchors, which are kept outside the database.
func (k *Keyring) AnchorKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(k.derive("waymark audit anchor v1"))
}

// rootSecret is what every derived key comes from: the first key's secret for deriving.
func (k *Keyring) rootSecret() []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.root != nil {
		return k.root
	}
	return k.derived[k.first]
}

// ParseKeys reads keys written one a line as "id:base64(32 bytes)"; blank lines and # comments are
// skipped. A "root:base64(32 bytes)" line keeps the secret derived keys come from after the first
// key itself was retired (Retire).
func ParseKeys(text string) (*Keyring, error) {
	k := &Keyring{aeads: map[uint32]cipher.AEAD{}, derived: map[uint32][]byte{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		idText, keyText, ok := strings.Cut(line, ":")
		if idText == "root" {
			raw, err := base64.StdEncoding.DecodeString(keyText)
			if err != nil || len(raw) != 32 {
				return nil, fmt.Errorf("key line %d: the root must be 32 bytes, base64-encoded", n)
			}
			k.root = raw
			continue
		}
		id, err := strconv.ParseUint(idText, 10, 32)
		if !ok || err != nil || id == 0 {
			return nil, fmt.Errorf("key line %d: want id:base64key with a positive id", n)
		}
		raw, err := base64.StdEncoding.DecodeString(keyText)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("key line %d: key must be 32 bytes, base64-encoded", n)
		}
		if err := k.add(uint32(id), raw); err != nil {
			return nil, fmt.Errorf("key line %d: %w", n, err)
		}
	}
	if len(k.aeads) == 0 {
		return nil, errors.New("no keys found")
	}
	k.blind = sync.OnceValue(func() []byte { return k.derive("waymark blind key v1") })
	return k, nil
}

func (k *Keyring) add(id uint32, raw []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, dup := k.aeads[id]; dup {
		return fmt.Errorf("key id %d appears twice", id)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	k.aeads[id] = aead
	m := hmac.New(sha256.New, raw)
	m.Write([]byte("waymark derive"))
	k.derived[id] = m.Sum(nil)
	k.current = max(k.current, id)
	if k.first == 0 || id < k.first {
		k.first = id
	}
	return nil
}

// NewKeyLine returns a fresh key line for id.
func NewKeyLine(id uint32) string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return fmt.Sprintf("%d:%s\n", id, base64.StdEncoding.EncodeToString(raw))
}

// LoadOrCreate reads keys from the environment variable env if set, else from path, creating path
// with one new key when it does not exist. created reports the latter, so the caller can warn.
func LoadOrCreate(path, env string) (k *Keyring, created bool, err error) {
	if text := os.Getenv(env); text != "" {
		k, err = ParseKeys(strings.ReplaceAll(text, ",", "\n"))
		if err != nil {
			return nil, false, fmt.Errorf("keys from $%s: %w", env, err)
		}
		return k, false, nil
	}
	text, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("create key directory: %w", err)
		}
		text = []byte("# Waymark data keys: id:base64. Keep this file out of the database backup and safe.\n" + NewKeyLine(1))
		if err := os.WriteFile(path, text, 0o600); err != nil {
			return nil, false, fmt.Errorf("create key file: %w", err)
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("read key file: %w", err)
	}
	k, err = ParseKeys(string(text))
	if err != nil {
		return nil, false, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, created, nil
}

// Seal encrypts plaintext; aad binds the ciphertext to its place (e.g. the record id), so a sealed
// value moved to another record fails to open.
func (k *Keyring) Seal(plaintext, aad []byte) []byte {
	k.mu.RLock()
	aead, current := k.aeads[k.current], k.current
	k.mu.RUnlock()
	out := make([]byte, 5, 5+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = version
	binary.BigEndian.PutUint32(out[1:5], current)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad)
}

// ErrDecrypt is returned when sealed data cannot be opened: wrong key, wrong place, or tampering.
var ErrDecrypt = errors.New("sealed data cannot be opened (wrong key, moved or altered)")

// Open decrypts what Seal produced with the same aad.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < 5 || sealed[0] != version {
		return nil, ErrDecrypt
	}
	k.mu.RLock()
	aead, ok := k.aeads[binary.BigEndian.Uint32(sealed[1:5])]
	k.mu.RUnlock()
	if !ok || len(sealed) < 5+aead.NonceSize() {
		return nil, ErrDecrypt
	}
	nonce, body := sealed[5:5+aead.NonceSize()], sealed[5+aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, body, aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// Current reports the id of the key that seals new data.
func (k *Keyring) Current() uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// KeyID reports which key sealed the data, or 0 if it is not sealed data.
func KeyID(sealed []byte) uint32 {
	if len(sealed) < 5 || sealed[0] != version {
		return 0
	}
	return binary.BigEndian.Uint32(sealed[1:5])
}
