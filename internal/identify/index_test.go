package identify

import (
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
)

// A record's pair keys join the tokens of one name: the given name of one alias and the family
// name of another are not a name the child was known by, and would crowd the blocking cap.
func TestPairKeysWithinOneName(t *testing.T) {
	r := FromChild(&waymark.Child{GivenNames: "Azad", FamilyName: "Salih", Aliases: []waymark.Name{{GivenNames: "Karwan", FamilyName: "Qadir"}, {GivenNames: "ئازاد", Language: "Kurdish"}}})
	keys := r.withToks(nil).pairKeys()
	pair := func(a, b string) key { return pairKey(Phonetic(a), Phonetic(b)) }
	for _, k := range []key{pair("azad", "salih"), pair("karwan", "qadir"), pair(NameTokens("ئازاد")[0], "salih")} {
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
