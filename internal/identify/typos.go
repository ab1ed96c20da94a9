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

const latinLetters = "abcdefghijklmnopqrstuvwxyz"

var latin, latinBytes = []rune(latinLetters), []byte(latinLetters)

// neighbours returns the indexed name tokens one edit from t. The caller holds the read lock.
func (ix *Index) neighbours(t *tok) []*tok {
	if utf8.RuneCountInString(t.text) < minTypoLen {
		return nil
	}
	var out []*tok
	look := func(b []byte) {
		u, ok := ix.toks[string(b)]
		if ok && u.text != t.text && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	if isASCII(t.text) { // most folded names: each letter a byte, nothing to encode per variant
		edits([]byte(t.text), latinBytes, look)
		return out
	}
	r, b := []rune(t.text), make([]byte, 0, len(t.text)+utf8.UTFMax)
	edits(r, alphabet(r), func(edit []rune) {
		b = b[:0]
		for _, c := range edit {
			b = utf8.AppendRune(b, c)
		}
		look(b)
	})
	return out
}

// edits calls try with every variant of r one edit away: a letter dropped, two neighbours swapped,
// a letter of alphabet added or put in place of another. try must not keep its argument.
func edits[T byte | rune](r, alphabet []T, try func([]T)) {
	edit := make([]T, 0, len(r)+1)
	for i := range r {
		try(append(append(edit[:0], r[:i]...), r[i+1:]...))
		if i+1 < len(r) && r[i] != r[i+1] {
			edit = append(edit[:0], r...)
			edit[i], edit[i+1] = edit[i+1], edit[i]
			try(edit)
		}
	}
	for _, c := range alphabet {
		for i := range len(r) + 1 {
			try(append(append(append(edit[:0], r[:i]...), c), r[i:]...))
			if i < len(r) && r[i] != c {
				edit = append(edit[:0], r...)
				edit[i] = c
				try(edit)
			}
		}
	}
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
