// Package fold turns names written in any Latin-based alphabet into lower-case ASCII, so that
// "Nguyễn", "NGUYEN" and "Nguyen" compare equal. Letters that do not decompose (đ ł ø ß æ …) have
// their own table; Romanian ş/ș and ţ/ț, different code points for the same letters, meet at s and t.
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var special = map[rune]string{
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ł': "l", 'Ł': "l", 'ø': "o", 'Ø': "o", 'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th", 'ı': "i", 'ħ': "h", 'Ħ': "h",
	'ŋ': "ng", 'Ŋ': "ng", 'ŧ': "t", 'Ŧ': "t", 'ƒ': "f", 'ə': "e", 'Ə': "e", 'ʼ': "", '’': "", '\'': "", '`': "",
}

// String folds s: NFKD, combining marks dropped, special letters mapped, lower-cased; any run of
// characters that are not letters or digits becomes one space. Letters of other scripts are kept.
func String(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFKD.String(strings.ToValidUTF8(s, "\uFFFD")) { // a stray byte must not stop a letter decomposing
		rep, ok := special[r]
		if !ok {
			rep, ok = special[unicode.ToLower(r)] // a capital the table lacks (Ƒ) folds as its small letter
		}
		if ok {
			b.WriteString(rep)
			space = space && rep == "" // a dropped mark (an apostrophe) is not a word's end
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// Tokens folds s and splits it into words.
func Tokens(s string) []string { return strings.Fields(String(s)) }
