package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/auth"
)

func TestCheckTOTP(t *testing.T) {
	secret, err := auth.NewTOTPSecret("sw@example.org")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_015, 0)
	step := now.Unix() / 30
	code := func(at time.Time) string { c, _ := auth.TOTPCode(secret, at); return c }
	for _, tc := range []struct {
		name  string
		code  string
		after int64
		step  int64
		ok    bool
	}{
		{"now", code(now), 0, step, true},
		{"spaced as apps show it", code(now)[:3] + " " + code(now)[3:], 0, step, true},
		{"a step ago (clock drift)", code(now.Add(-30 * time.Second)), 0, step - 1, true},
		{"a step ahead", code(now.Add(30 * time.Second)), 0, step + 1, true},
		{"two steps ago", code(now.Add(-60 * time.Second)), 0, 0, false},
		{"already used", code(now), step, 0, false},
		{"older than the last used", code(now.Add(-30 * time.Second)), step, 0, false},
		{"empty", "", 0, 0, false},
		{"too long", code(now) + "1", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := auth.CheckTOTP(secret, tc.code, now, tc.after)
			if ok != tc.ok || got != tc.step {
				t.Fatalf("CheckTOTP(%q) = %d %v, want %d %v", tc.code, got, ok, tc.step, tc.ok)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := auth.NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("recovery code %q (of %v)", c, codes)
		}
		seen[c] = true
	}
	typed := strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))
	if auth.RecoveryDigest(typed) != auth.RecoveryDigest(codes[0]) || auth.RecoveryDigest(codes[1]) == auth.RecoveryDigest(codes[0]) {
		t.Fatal("a recovery code typed in capitals with a space is another code")
	}
}

func FuzzCheckTOTP(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXP", "123456", int64(1_800_000_000), int64(0))
	f.Add("", " 1 2 3 4 5 6 ", int64(-1), int64(-5))
	f.Add("not base32!", "000000", int64(0), int64(0))
	f.Fuzz(func(t *testing.T, secret, code string, unix, after int64) {
		step, ok := auth.CheckTOTP(secret, code, time.Unix(unix, 0), after)
		if ok && step <= after {
			t.Fatalf("accepted step %d, not after %d", step, after)
		}
		auth.RecoveryDigest(code)
	})
}
