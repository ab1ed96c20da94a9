package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The second factor is TOTP (RFC 6238) as every authenticator app reads it: SHA-1, six digits,
// thirty-second steps, one step of clock drift allowed either side.
const (
	totpPeriod = 30
	totpIssuer = "Waymark"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPSecret returns a new random TOTP secret in base32, as authenticator apps take it.
func NewTOTPSecret(account string) (string, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: account})
	if err != nil {
		return "", fmt.Errorf("new TOTP secret: %w", err)
	}
	return k.Secret(), nil
}

// TOTPKey is secret as an otpauth:// key for account, for its link and QR code.
func TOTPKey(secret, account string) (*otp.Key, error) {
	v := url.Values{"secret": {secret}, "issuer": {totpIssuer}}
	return otp.NewKeyFromURL("otpauth://totp/" + url.PathEscape(totpIssuer+":"+account) + "?" + v.Encode())
}

// TOTPCode is the code for secret at t (for tests, and for the enrolment's own check).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// CheckTOTP returns the time step at which code is right for secret, within one step of now, when
// that step is later than after: a code once used, or an older one, is refused.
func CheckTOTP(secret, code string, now time.Time, after int64) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && s > after && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// NewRecoveryCodes returns n one-use codes of ten base32 characters (50 bits each), grouped for reading.
func NewRecoveryCodes(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		t := strings.ToLower(rand.Text())
		codes[i] = t[:5] + "-" + t[5:10]
	}
	return codes
}

// RecoveryDigest is the stored form of a recovery code, however it was typed.
func RecoveryDigest(code string) string {
	code = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(code))
	return Digest("recovery:" + code)
}
