// Package auth hashes passwords with argon2id and makes the random secrets behind sessions and API
// tokens; only their SHA-256 digests are stored.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost settings (OWASP's second recommended set: 19 MiB was the minimum;
// we use 64 MiB, 3 passes).
type Params struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// Default is used for new passwords; tests may lower it.
var Default = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// CheckPassword returns a user-facing reason a new password is unacceptable, or "".
func CheckPassword(pw string) string {
	if len([]rune(pw)) < MinPasswordLength {
		return fmt.Sprintf("Use at least %d characters; a few words together are easiest to remember", MinPasswordLength)
	}
	if len(pw) > 1024 {
		return "Use at most 1024 characters"
	}
	if common(pw) {
		return "That password is among those tried first by anyone guessing; choose a few words of your own"
	}
	return ""
}

//go:embed common-passwords.txt
var commonText string

// commonPasswords are the 10,000 passwords most often found in leaked lists (common-passwords.LICENSE).
var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, p := range strings.Fields(commonText) {
		set[p] = true
	}
	return set
})

// common reports whether pw is a common password, or one with digits or symbols added at the
// end ("password2024!"), or one said again ("dragondragondragon"), or nothing but digits and symbols.
func common(pw string) bool {
	set := commonPasswords()
	lower := strings.ToLower(pw)
	base := strings.TrimRightFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if set[lower] || set[base] || base == "" {
		return true
	}
	for _, s := range []string{lower, base} {
		for n := 1; n <= len(s)/2; n++ {
			if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s && (n < 4 || set[s[:n]]) {
				return true
			}
		}
	}
	return false
}

// HashPassword returns the password's argon2id hash in PHC string form, at the Default cost.
func HashPassword(pw string) string { return Default.Hash(pw) }

// Hash returns the password's argon2id hash at p's cost, in PHC string form.
func (p Params) Hash(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errHash = errors.New("malformed password hash")

// VerifyPassword reports whether pw matches hash, in constant time.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errHash
	}
	var v int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.Threads == 0 || p.Time == 0 {
		return false, errHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewSecret returns a random secret with a readable prefix ("wms_" for sessions, "wmt_" for tokens).
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Digest is what the database keeps of a secret.
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// DummyVerify spends the time of a real verification, so that unknown e-mail addresses cannot be
// told from wrong passwords by timing.
func DummyVerify(pw string) {
	VerifyPassword(dummyHash(), pw)
}

var dummyHash = sync.OnceValue(func() string { return HashPassword("waymark-timing-equaliser") })
