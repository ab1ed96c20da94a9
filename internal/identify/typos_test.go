package identify

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"
)

func TestNeighbours(t *testing.T) {
	ix := NewIndex()
	for _, name := range []string{"boaluye", "tesfay", "amra", "ყვარლი", "mohamed"} {
		ix.intern(name)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"boauye", []string{"boaluye"}},   // a letter dropped
		{"boaluyte", []string{"boaluye"}}, // one added
		{"boakuye", []string{"boaluye"}},  // one mistyped
		{"tefsay", []string{"tesfay"}},    // two swapped
		{"boaluye", nil},                  // itself is not a neighbour
		{"boalu", nil},                    // two edits away
		{"amr", nil},                      // too short to look
		{"ყვარლია", []string{"ყვარლი"}},   // another script: a letter added
		{"mohammed", []string{"mohamed"}}, // sounding the same too: blocking decides
	}
	for _, tc := range tests {
		var got []string
		for _, u := range ix.neighbours(newTok(tc.query)) {
			got = append(got, u.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("neighbours(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}

// FuzzNeighbours checks, for any text, that every neighbour found is one edit away (by the
// textbook distance, counting a swap of adjacent letters as one) and that no neighbour is lost.
func FuzzNeighbours(f *testing.F) {
	for _, s := range []string{"boauye", "ყვარლია", "nguyen", "a\xffb\x00c", "ééé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 40 || !utf8.ValidString(s) { // tokens are valid: NameTokens splits at invalid bytes
			return
		}
		ix := NewIndex()
		r := []rune(s)
		var held []string
		for i := range r { // every deletion and one swap of s, and s itself
			held = append(held, string(r[:i])+string(r[i+1:]))
			if i+1 < len(r) {
				w := slices.Clone(r)
				w[i], w[i+1] = w[i+1], w[i]
				held = append(held, string(w))
			}
		}
		held = append(held, s, s+"x")
		for _, h := range held {
			ix.intern(h)
		}
		q := newTok(s)
		got := ix.neighbours(q)
		for _, u := range got {
			if u.text == s || editDistance(u.text, s) != 1 {
				t.Fatalf("neighbours(%q) holds %q", s, u.text)
			}
		}
		for _, h := range held {
			u := ix.toks[h]
			if len(r) >= minTypoLen && editDistance(h, s) == 1 && !slices.Contains(got, u) {
				t.Fatalf("neighbours(%q) misses %q", s, h)
			}
		}
	})
}

// editDistance is the optimal string alignment distance between a and b, letter by letter.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// BenchmarkNeighbours looks up the one-edit neighbours of names against 50,000 recorded names:
// blocking and scoring ask it for every rare or misspelt query token.
func BenchmarkNeighbours(b *testing.B) {
	ix := NewIndex()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50_000 {
		n := make([]byte, 5+rng.IntN(4))
		for i := range n {
			n[i] = latinLetters[rng.IntN(len(latinLetters))]
		}
		ix.intern(string(n))
	}
	for _, name := range []string{"tesfaye", "mohammed", "ყვარლი"} {
		ix.intern(name)
		q := newTok(name + "x")
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if len(ix.neighbours(q)) == 0 {
					b.Fatal("no neighbours")
				}
			}
		})
	}
}
