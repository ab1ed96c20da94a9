package identify

import (
	"slices"
	"strings"
)

// Distinguishing marks are written freely ("Scar above left eyebrow", "star tattoo, L wrist").
// Each mark is reduced to its kind, side and place on the body: "tattoo|left|wrist". Two records
// agree on a mark when all three are the same; a new mark (a tattoo given since, a burn) is
// common in these children's lives, so marks that differ count only a little against.

// markKinds maps the words for a kind of mark to the kind.
var markKinds = map[string]string{
	"scar": "scar", "scars": "scar", "scarred": "scar", "scarring": "scar", "cut": "scar", "cuts": "scar", "wound": "scar", "stitches": "scar",
	"burn": "burn", "burns": "burn", "burnt": "burn", "burned": "burn", "scald": "burn", "scalded": "burn",
	"tattoo": "tattoo", "tattoos": "tattoo", "tattooed": "tattoo", "tatoo": "tattoo", "tattoed": "tattoo", "brand": "tattoo", "branded": "tattoo", "branding": "tattoo",
	"mole": "mole", "moles": "mole",
	"birthmark": "birthmark", "birthmarks": "birthmark",
	"piercing": "piercing", "piercings": "piercing", "pierced": "piercing",
	"tooth": "tooth", "teeth": "tooth",
}

// markPlaces maps the words for a part of the body to the part; the last one named in a mark is
// the most particular ("back of right hand" is a hand).
var markPlaces = map[string]string{
	"head": "head", "scalp": "head", "forehead": "forehead", "brow": "eyebrow", "eyebrow": "eyebrow", "eye": "eye", "eyelid": "eye",
	"face": "face", "cheek": "cheek", "nose": "nose", "lip": "lip", "lips": "lip", "mouth": "lip", "chin": "chin", "jaw": "chin", "ear": "ear",
	"neck": "neck", "throat": "neck", "shoulder": "shoulder", "arm": "arm", "forearm": "forearm", "elbow": "elbow",
	"wrist": "wrist", "hand": "hand", "palm": "hand", "knuckles": "hand", "finger": "finger", "thumb": "finger",
	"chest": "chest", "stomach": "stomach", "abdomen": "stomach", "belly": "stomach", "back": "back", "hip": "hip",
	"leg": "leg", "thigh": "thigh", "knee": "knee", "shin": "shin", "calf": "shin", "ankle": "ankle", "foot": "foot", "toe": "foot",
}

var markSides = map[string]string{"left": "left", "l": "left", "lt": "left", "right": "right", "r": "right", "rt": "right"}

// MarkKeys reduces free text describing marks to one key per mark recognised, "kind|side|place",
// sorted and each once. A fragment naming no kind of mark tells where the one before it is ("star
// tattoo, left wrist"). Text naming no kind of mark gives none.
func MarkKeys(text string) []string {
	var keys []string
	var m mark
	for _, frag := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return strings.ContainsRune(".;,\n/+&", r) }) {
		for _, part := range strings.Split(frag, " and ") {
			next, named := m.read(part)
			if named && m.kind != "" {
				keys = append(keys, m.key())
			}
			m = next
		}
	}
	if m.kind != "" {
		keys = append(keys, m.key())
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

type mark struct{ kind, side, place string }

func (m mark) key() string { return m.kind + "|" + m.side + "|" + m.place }

// read returns the mark text describes: a new one if it names a kind (then named is set), else m
// told more precisely.
func (m mark) read(text string) (_ mark, named bool) {
	words := strings.FieldsFunc(text, func(r rune) bool { return r < 'a' || r > 'z' })
	for _, w := range words {
		if k, ok := markKinds[w]; ok {
			m, named = mark{kind: k}, true
			break
		}
	}
	for _, w := range words {
		if s, ok := markSides[w]; ok {
			m.side = s
		}
		if p, ok := markPlaces[w]; ok {
			m.place = p
		}
	}
	return m, named
}

func markKind(k string) string { return k[:strings.IndexByte(k, '|')] }

// markLevel compares marks: Exact when a mark is the same kind in the same place, SameKind when
// only the kind is shared, Disagree when both have marks and share no kind.
func markLevel(q, r *Record) string {
	if len(q.Marks) == 0 || len(r.Marks) == 0 {
		return ""
	}
	level := Disagree
	for _, a := range q.Marks {
		for _, b := range r.Marks {
			switch {
			case a == b:
				return Exact
			case markKind(a) == markKind(b):
				level = SameKind
			}
		}
	}
	return level
}

// markDetail names, in words, the mark of the query that agrees: "tattoo, left wrist" when the
// same, "tattoo" when of the same kind. The record's own marks are not told.
func markDetail(q, r *Record, level string) string {
	for _, a := range q.Marks {
		for _, b := range r.Marks {
			switch {
			case level == Exact && a == b:
				f := strings.Split(a, "|")
				return strings.TrimSuffix(f[0]+", "+strings.TrimSpace(f[1]+" "+f[2]), ", ")
			case level == SameKind && markKind(a) == markKind(b):
				return markKind(a)
			}
		}
	}
	return ""
}
