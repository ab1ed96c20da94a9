package identify

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/waymark-org/waymark"
)

func TestMarkKeys(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Scar above left eyebrow", []string{"scar|left|eyebrow"}},
		{"Scar on back of right hand", []string{"scar|right|hand"}}, // the last part named is the most particular
		{"star tattoo, L wrist", []string{"tattoo|left|wrist"}},
		{"Tattoo of a star on left wrist and a burn on the right forearm", []string{"burn|right|forearm", "tattoo|left|wrist"}},
		{"Missing front tooth", []string{"tooth||"}},
		{"BURNT; mole (r cheek)", []string{"burn||", "mole|right|cheek"}},
		{"About 160 cm, slim", nil},
		{"", nil},
		{"scar. scar.", []string{"scar||"}},
	} {
		if got := MarkKeys(c.text); !slices.Equal(got, c.want) {
			t.Errorf("MarkKeys(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestMarkLevel(t *testing.T) {
	rec := FromChild(&waymark.Child{Marks: "Tattoo of a star on left wrist; scar on chin"})
	for _, c := range []struct{ marks, want string }{
		{"tattoo, left wrist", Exact},
		{"scar on the chin", Exact},
		{"tattoo on right arm", SameKind},
		{"burn on neck", Disagree},
		{"", ""},
		{"none seen", ""},
	} {
		if got := markLevel(FromChild(&waymark.Child{Marks: c.marks}), rec); got != c.want {
			t.Errorf("%q: %q, want %q", c.marks, got, c.want)
		}
	}
}

func FuzzMarkKeys(f *testing.F) {
	for _, s := range []string{"Scar above left eyebrow", "star tattoo, L wrist", "and and , ;", "ﬁnger scar", "\xff burn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys := MarkKeys(s)
		if !slices.IsSorted(keys) {
			t.Fatalf("keys not sorted: %q", keys)
		}
		for _, k := range keys {
			if !utf8.ValidString(k) || markKinds[markKind(k)] == "" {
				t.Fatalf("key %q names no known kind", k)
			}
		}
	})
}
