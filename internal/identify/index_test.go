package identify

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
)

// A record's pair keys join the tokens of one name: the given name of one alias and the family
// name of another are not a name the child was known by, and would crowd the blocking cap. Two
// tokens sounding alike (Jing Zhang) are a pair too.
func TestPairKeysWithinOneName(t *testing.T) {
	r := FromChild(&waymark.Child{GivenNames: "Azad", FamilyName: "Salih", Aliases: []waymark.Name{{GivenNames: "Karwan", FamilyName: "Qadir"}, {GivenNames: "ئازاد", Language: "Kurdish"}}})
	keys := r.withToks(nil).pairKeys()
	pair := func(a, b string) key { return pairKey(Phonetic(a), Phonetic(b)) }
	if a, b := Phonetic("jing"), Phonetic("zhang"); a != b {
		t.Fatalf("Jing and Zhang were meant to sound alike: %q, %q", a, b)
	}
	keys = append(keys, FromChild(&waymark.Child{GivenNames: "Jing", FamilyName: "Zhang"}).withToks(nil).pairKeys()...)
	for _, k := range []key{pair("azad", "salih"), pair("karwan", "qadir"), pair(NameTokens("ئازاد")[0], "salih"), pair("jing", "zhang")} {
		if !slices.Contains(keys, k) {
			t.Errorf("no pair key %q in %q", k.s, keys)
		}
	}
	for _, k := range []key{pair("karwan", "salih"), pair("azad", "qadir")} {
		if slices.Contains(keys, k) {
			t.Errorf("pair key %q joins two names", k.s)
		}
	}
}

// The positions kept are the n most often linked, in order, ties to the earlier recorded: the
// same as sorting them all, whether few or many share the last place and however many hits.
func TestMostLinkedKeepsWhatAFullSortKeeps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name                 string
		positions, n, spread int32
	}{
		{"fewer than n", 50, 100, 20},
		{"exactly n", 100, 100, 20},
		{"many tied at the cut", 5000, 800, 3},
		{"spread thin", 5000, 800, 400},
		{"hits past the histogram", 3000, 800, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := make([]int32, tc.positions)
			out := make([]int32, tc.positions)
			for i := range out {
				out[i], hits[i] = int32(i), 1+rng.Int32N(tc.spread)
			}
			rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
			want := slices.Clone(out)
			slices.SortFunc(want, func(a, b int32) int {
				if hits[a] != hits[b] {
					return int(hits[b] - hits[a])
				}
				return int(a - b)
			})
			want = want[:min(len(want), int(tc.n))]
			if got := mostLinked(out, hits, int(tc.n)); !slices.Equal(got, want) {
				t.Fatalf("kept %d positions, want %d; first %v, want %v", len(got), len(want), got[:min(5, len(got))], want[:min(5, len(want))])
			}
		})
	}
}
