package identify

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// romanize writes names of other scripts in Latin letters, as an English-speaking officer would
// hear them written: Ge'ez by its syllable grid, Arabic and Persian letter by letter (short vowels
// are rarely written, so the consonant skeleton is what matches), Cyrillic by table, Han as pinyin.
// Latin text passes through; letters of scripts without a table are kept as they are.
func romanize(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	han := []rune{}
	flushHan := func() {
		if len(han) > 0 {
			b.WriteString(" " + strings.Join(pinyin.LazyPinyin(string(han), pinyinArgs), " ") + " ")
			han = han[:0]
		}
	}
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			han = append(han, r)
			continue
		}
		flushHan()
		switch {
		case r >= 0x1200 && r <= 0x137F:
			b.WriteString(ethiopic(r))
		case r >= 0x0600 && r <= 0x06FF:
			b.WriteString(arabic[r])
		case r >= 0x0400 && r <= 0x04FF:
			if rep, ok := cyrillic[unicode.ToLower(r)]; ok {
				b.WriteString(rep)
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	flushHan()
	return b.String()
}

var pinyinArgs = pinyin.NewArgs()

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// The Ethiopic block is a grid: each consonant has a row of eight code points, one for each vowel
// order. ethiopicRows gives each row's consonant from U+1200; "'" marks the vowel carriers.
var ethiopicRows = []string{
	"h", "l", "h", "m", "s", "r", "s", "sh", "q", "qw", "q", "qw", "b", "v", "t", "ch", "h", "hw", "n", "ny",
	"'", "k", "kw", "h", "hw", "w", "'", "z", "zh", "y", "d", "d", "j", "g", "gw", "g", "t", "ch", "p", "ts",
	"ts", "f", "p",
}

var ethiopicVowels = [8]string{"e", "u", "i", "a", "e", "", "o", "wa"}

func ethiopic(r rune) string {
	off := int(r - 0x1200)
	row, order := off/8, off%8
	if row >= len(ethiopicRows) {
		return ""
	}
	c, v := ethiopicRows[row], ethiopicVowels[order]
	if c == "'" { // a vowel carrier: the vowel alone, the first order read as "a"
		if order == 0 {
			return "a"
		}
		if v == "" {
			return "e"
		}
		return v
	}
	return c + v
}

var arabic = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z", 'ع': "",
	'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'و': "u", 'ي': "i", 'ى': "a",
	'ة': "a", 'ء': "", 'ئ': "", 'ؤ': "u", 'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k", 'ی': "i", 'ە': "e",
	'ڕ': "r", 'ڵ': "l", 'ۆ': "o", 'ێ': "e", 'ڤ': "v", ' ': " ", '\u0640': "",
}

var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
	'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'є': "ye", 'і': "i", 'ї': "yi", 'ґ': "g", 'ў': "u", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ђ': "dj",
}
