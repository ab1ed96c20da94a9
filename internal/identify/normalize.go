// Package identify ranks who a found child may be: names in any script normalised to comparable
// tokens and keys, candidates gathered by strict blocking rules over in-memory posting lists, and
// each candidate scored field by field (Fellegi–Sunter), with the evidence that explains the score.
package identify

import (
	"strings"

	"github.com/waymark-org/waymark/internal/fold"
)

// NameTokens turns a name as written into comparable tokens: romanised, folded, with Arabic
// articles dropped, compounds joined (abdul rahman → abdrahman, abu bakr → abubakr) and patronymic
// connectors (bin, ibn, walad) dropped. Token order carries no meaning.
func NameTokens(name string) []string {
	raw := strings.Fields(fold.String(romanize(name)))
	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		t := raw[i]
		switch {
		case articles[t] && i+1 < len(raw):
			continue
		case connectors[t] && i+1 < len(raw):
			continue
		case compoundHeads[t] != "" && i+1 < len(raw):
			next := raw[i+1]
			if articles[next] && i+2 < len(raw) {
				i++
				next = raw[i+1]
			}
			i++
			out = append(out, canonicalCompound(compoundHeads[t]+next))
		default:
			out = append(out, canonicalCompound(t))
		}
	}
	return out
}

var articles = set("al", "el", "ul", "ad", "ar", "as", "at", "an", "ash", "az", "ed", "er", "es", "et", "la")

var connectors = set("bin", "ben", "ibn", "bint", "binti", "walad", "wad", "ould")

// compoundHeads join the word after them; the value is the canonical head.
var compoundHeads = map[string]string{
	"abd": "abd", "abdul": "abd", "abdel": "abd", "abdal": "abd", "abdoul": "abd", "abdu": "abd", "abdi": "abd",
	"abdelal": "abd", "abu": "abu", "abou": "abu", "abo": "abu",
}

// canonicalCompound writes abdulrahman, abdelrahman, abdurrahman and abd-al-rahman alike.
func canonicalCompound(t string) string {
	if !strings.HasPrefix(t, "abd") || len(t) < 6 {
		return t
	}
	rest := t[3:]
	for _, p := range []string{"oul", "ul", "el", "al", "ol", "il", "ou", "u", "e", "a", "o", "i"} {
		if r, ok := strings.CutPrefix(rest, p); ok && len(r) >= 3 {
			rest = r
			break
		}
	}
	if len(rest) > 3 && rest[0] == rest[1] {
		rest = rest[1:]
	}
	return "abd" + rest
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// Phonetic is a sound key tuned to the transliterations Waymark meets: digraphs folded (ph/f,
// kh/h, sh/sch/s, xh/zh/dj/j, th/t), c/q/k alike, every run of vowels one vowel, doubled letters
// single, a final h after a vowel dropped. Mohammed, Muhammad and Mohamed share a key.
func Phonetic(t string) string {
	for _, d := range digraphs {
		if strings.Contains(t, d[0]) {
			t = strings.ReplaceAll(t, d[0], d[1])
		}
	}
	var b strings.Builder
	var last byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			c = 'a'
		case 'c', 'q':
			c = 'k'
		case 'x':
			c = 's'
		case 'w':
			c = 'v'
		}
		if c == last {
			continue
		}
		b.WriteByte(c)
		last = c
	}
	s := b.String()
	if n := len(s); n > 2 && s[n-1] == 'h' && s[n-2] == 'a' {
		s = s[:n-1]
	}
	return s
}

var digraphs = [][2]string{
	{"tsch", "c"}, {"dzh", "j"}, {"sch", "s"}, {"tch", "c"}, {"ch", "c"}, {"sh", "s"}, {"zh", "j"}, {"xh", "j"},
	{"dj", "j"}, {"gj", "j"}, {"dh", "d"}, {"th", "t"}, {"ph", "f"}, {"kh", "h"}, {"gh", "g"}, {"ck", "k"}, {"ou", "u"},
	{"ee", "i"}, {"oo", "u"},
}

// Skeleton is the phonetic key without its vowels (but for a leading one): the loosest key, for
// names whose vowels are unwritten (Arabic script) or wander between spellings.
func Skeleton(t string) string {
	p := Phonetic(t)
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != 'a' || i == 0 {
			b.WriteByte(p[i])
		}
	}
	s := b.String()
	if len(s) > 1 && s[0] == 'a' {
		s = s[1:]
	}
	return s
}

// Variant returns the canonical member of a token's known variant class (Chinese surnames in
// pinyin, Wade-Giles and Cantonese; common spellings that no sound rule links), or "".
func Variant(t string) string { return variants[t] }

var variants = func() map[string]string {
	groups := [][]string{
		{"zhang", "chang", "cheung", "cheong", "chong"}, {"wang", "wong", "ong"}, {"huang", "hwang", "wong", "vong"},
		{"li", "lee", "lei", "lie"}, {"liu", "lau", "lew", "lao"}, {"chen", "chan", "chin", "tan"},
		{"lin", "lam", "lim", "ling"}, {"wu", "ng", "woo", "eng"}, {"zhou", "chow", "chau", "chou", "chew"},
		{"yang", "yeung", "young", "yeoh"}, {"he", "ho", "hoh"}, {"zhao", "chiu", "chao", "chew"}, {"guo", "kwok", "kuo", "kok"},
		{"xu", "hsu", "tsui", "chui", "hui"}, {"zeng", "tsang", "tseng", "chang"}, {"deng", "tang", "teng"},
		{"liang", "leung", "neo"}, {"zhu", "chu", "choo"}, {"luo", "lo", "law", "loh"}, {"xie", "tse", "hsieh", "chia"},
		{"cai", "choi", "tsai", "choy", "chua"}, {"cao", "tso", "tsao", "chou"}, {"feng", "fung", "fong"},
		{"jun", "chun"}, {"jie", "chieh"}, {"qiang", "chiang"}, {"xiu", "hsiu", "sau"},
		{"nguyen", "nguyenn", "ngyuen", "nguen", "win", "uyen"}, {"tran", "chan", "tranh"}, {"pham", "fam"},
		{"huynh", "hunh", "huyn"}, {"vu", "vo", "võ"}, {"dang", "dhang"},
		{"yohannes", "yohanes", "johannes", "yoannes", "yohanis"}, {"tesfay", "tesfaye", "tesfai", "tesfaie"},
		{"mebrahtu", "mebrahtom", "mebratu"}, {"tekle", "teklay", "teklai", "teklu"}, {"berhane", "berhe", "birhane"},
		{"yusuf", "yousif", "yousef", "youssef", "yosef", "josef", "joseph"}, {"ibrahim", "ebrahim", "ibrahem", "abraham"},
		{"osman", "othman", "uthman", "usman", "ousman"}, {"hussein", "hossein", "husain", "hussain", "husayn", "hosein"},
		{"chukwuemeka", "emeka"}, {"oluwaseun", "seun"}, {"babatunde", "tunde"}, {"oluwakemi", "kemi"}, {"oluwafemi", "femi"},
	}
	m := map[string]string{}
	for _, g := range groups {
		for _, t := range g {
			if _, seen := m[t]; !seen {
				m[t] = g[0]
			}
		}
	}
	return m
}()
