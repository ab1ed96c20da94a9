package identify

import (
	"math"
	"testing"
)

func TestJaroWinkler(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dwayne", "duane", 0.840},
		{"dixon", "dicksonx", 0.813},
		{"nguyen", "nguyen", 1},
		{"abc", "xyz", 0},
		{"", "ali", 0},
	} {
		if got := JaroWinkler(tc.a, tc.b); math.Abs(got-tc.want) > 0.001 {
			t.Errorf("JaroWinkler(%q, %q) = %.3f, want %.3f", tc.a, tc.b, got, tc.want)
		}
	}
}

// Giving up early never changes the answer: alike agrees with the whole measure.
func FuzzAlike(f *testing.F) {
	for _, s := range [][2]string{{"martha", "marhta"}, {"mohammed", "muhammad"}, {"tesfay", "tesfaye"}, {"ali", "alii"}, {"nguyen", "ngyuen"}, {"a", "b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := alike(a, b), JaroWinkler(a, b) >= alikeAt; got != want {
			t.Fatalf("alike(%q, %q) = %v, JaroWinkler %.4f", a, b, got, JaroWinkler(a, b))
		}
	})
}
