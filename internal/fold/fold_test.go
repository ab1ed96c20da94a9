package fold_test

import (
	"testing"

	"github.com/waymark-org/waymark/internal/fold"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn Nam": "nguyen van nam", "ĐẶNG": "dang", "Łukasz Żółć": "lukasz zolc", "Søren Ærø": "soren aero",
		"Straße": "strasse", "Ştefan Ţurcanu": "stefan turcanu", "Ștefan Țurcanu": "stefan turcanu",
		"Arbër Çela": "arber cela", "Al-Hassan": "al hassan", "O'Brien": "obrien", "  ": "", "ሰላም": "ሰላም", "ＷＥＩ": "wei",
	} {
		if got := fold.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("Nguyễn Văn Nam")
	f.Fuzz(func(t *testing.T, s string) {
		once := fold.String(s)
		if twice := fold.String(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
	})
}
