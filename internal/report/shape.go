package report

import "slices"

// PDF viewers draw glyphs as placed: they neither join Arabic letters nor run them right to left.
// So Arabic-script text is turned into its presentation forms (the shapes letters take at the
// start, middle or end of a word) and each right-to-left run is laid out in visual order.

// forms of a letter: isolated, final, initial, medial. A right-joining letter (alef, dal, reh,
// waw…) has no initial or medial form: it never joins the letter after it.
type forms [4]rune

var arabicForms = map[rune]forms{
	0x0621: {0xFE80}, 0x0622: {0xFE81, 0xFE82}, 0x0623: {0xFE83, 0xFE84}, 0x0624: {0xFE85, 0xFE86},
	0x0625: {0xFE87, 0xFE88}, 0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, 0x0627: {0xFE8D, 0xFE8E},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92}, 0x0629: {0xFE93, 0xFE94}, 0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, 0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4}, 0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA}, 0x0630: {0xFEAB, 0xFEAC}, 0x0631: {0xFEAD, 0xFEAE}, 0x0632: {0xFEAF, 0xFEB0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4}, 0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}, 0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, 0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC}, 0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4}, 0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, 0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}, 0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}, 0x0648: {0xFEED, 0xFEEE}, 0x0649: {0xFEEF, 0xFEF0},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	// Persian and Urdu letters (Pashto and Dari names use them).
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59}, 0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D},
	0x0698: {0xFB8A, 0xFB8B}, 0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91},
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95}, 0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF},
}

// lamAlef: lam followed by an alef is written as one ligature (isolated, final).
var lamAlef = map[rune][2]rune{0x0622: {0xFEF5, 0xFEF6}, 0x0623: {0xFEF7, 0xFEF8}, 0x0625: {0xFEF9, 0xFEFA}, 0x0627: {0xFEFB, 0xFEFC}}

const tatweel = 0x0640

func rtl(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}

// transparent marks (harakat) sit on a letter without breaking the join.
func transparent(r rune) bool { return r >= 0x064B && r <= 0x065F || r == 0x0670 }

func joinsNext(r rune) bool { f, ok := arabicForms[r]; return r == tatweel || ok && f[2] != 0 }
func joinsPrev(r rune) bool { f, ok := arabicForms[r]; return r == tatweel || ok && f[1] != 0 }

// shapeArabic replaces letters by the forms they take in their word, in logical order.
func shapeArabic(s []rune) []rune {
	out := make([]rune, 0, len(s))
	neighbour := func(i, step int) rune {
		for i += step; i >= 0 && i < len(s); i += step {
			if !transparent(s[i]) {
				return s[i]
			}
		}
		return 0
	}
	for i := 0; i < len(s); i++ {
		r := s[i]
		f, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev := joinsNext(neighbour(i, -1)) && joinsPrev(r)
		if lig, ok := lamAlef[neighbour(i, 1)]; r == 0x0644 && ok {
			out = append(out, lig[b2i(prev)])
			for i++; transparent(s[i]); i++ {
				out = append(out, s[i])
			}
			continue
		}
		next := joinsNext(r) && joinsPrev(neighbour(i, 1))
		switch {
		case prev && next:
			out = append(out, f[3])
		case prev:
			out = append(out, f[1])
		case next:
			out = append(out, f[2])
		default:
			out = append(out, f[0])
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// visual returns s as it is to be drawn left to right: each run of right-to-left words (with the
// spaces between them) shaped and reversed, everything else as written.
func visual(s string) string {
	rs := []rune(s)
	if !slices.ContainsFunc(rs, rtl) {
		return s
	}
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); {
		if !rtl(rs[i]) {
			out = append(out, rs[i])
			i++
			continue
		}
		j := i
		for k := i; k < len(rs) && (rtl(rs[k]) || rs[k] == ' ' || transparent(rs[k])); k++ {
			if rtl(rs[k]) {
				j = k + 1
			}
		}
		run := shapeArabic(rs[i:j])
		slices.Reverse(run)
		out = append(out, run...)
		i = j
	}
	return string(out)
}
