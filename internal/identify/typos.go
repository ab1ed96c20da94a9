package identify

import (
	"slices"
	"unicode/utf8"
)

// A name typed wrongly — a letter dropped, added, mistyped or swapped with the next — may share no
// key with the name as recorded, and a found child's misspelt given name beside a common family
// name would then block on nothing. So a query token's every one-edit variant is looked up among
// the names the index holds (a few hundred lookups, tens of microseconds); nothing is stored for
// it, where keeping each name's deletions would cost 120 MiB at a million children.

// minTypoLen is the shortest token whose neighbours are looked for: shorter ones have too many.
const minTypoLen = 4

var latin = []rune("abcdefghijklmnopqrstuvwxyz")

// neighbours returns the indexed name tokens one edit from t. The caller holds the read lock.
func (ix *Index) neighbours(t *tok) []*tok {
	r := []rune(t.text)
	if len(r) < minTypoLen {
		return nil
	}
	var out []*tok
	b := make([]byte, 0, len(t.text)+utf8.UTFMax)
	try := func(edit []rune) {
		b = b[:0]
		for _, c := range edit {
			b = utf8.AppendRune(b, c)
		}
		u, ok := ix.toks[string(b)]
		if ok && u.text != t.text && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	edit := make([]rune, 0, len(r)+1)
	for i := range r {
		try(append(append(edit[:0], r[:i]...), r[i+1:]...))
		if i+1 < len(r) && r[i] != r[i+1] {
			edit = append(edit[:0], r...)
			edit[i], edit[i+1] = edit[i+1], edit[i]
			try(edit)
		}
	}
	for _, c := range alphabet(r) {
		for i := range len(r) + 1 {
			try(append(append(append(edit[:0], r[:i]...), c), r[i:]...))
			if i < len(r) && r[i] != c {
				edit = append(edit[:0], r...)
				edit[i] = c
				try(edit)
			}
		}
	}
	return out
}

// alphabet is the letters a typo might bring in: the Latin ones folded names are written in, and
// any other the token itself holds. A name kept in a script without romanisation thus meets a
// misspelling that adds or swaps letters, but not every one that drops a letter of that script.
func alphabet(r []rune) []rune {
	out := latin // shared: copied only when a letter is added
	for _, c := range r {
		if c >= utf8.RuneSelf && !slices.Contains(out, c) {
			out = append(slices.Clip(out), c)
		}
	}
	return out
}
