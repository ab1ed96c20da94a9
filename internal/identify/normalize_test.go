package identify_test

import (
	"slices"
	"testing"

	"github.com/waymark-org/waymark/internal/identify"
)

func TestNameTokens(t *testing.T) {
	tests := map[string][]string{
		"Nguyễn Văn Nam":         {"nguyen", "van", "nam"},
		"Abdul Rahman Al-Hassan": {"abdrahman", "hassan"},
		"Abdulrahman Alhassan":   {"abdrahman", "alhassan"},
		"Abd al-Rahman":          {"abdrahman"},
		"Abdurrahman":            {"abdrahman"},
		"Abdelrahman":            {"abdrahman"},
		"Omar bin Saleh":         {"omar", "saleh"},
		"Abu Bakr":               {"abubakr"},
		"ሰላም":                    {"selam"},
		"ዮናስ ሓጎስ":                {"yonas", "hagos"},
		"ዳዊት":                    {"dawit"},
		"ተስፋይ":                   {"tesfay"},
		"محمد":                   {"mhmd"},
		"王伟":                     {"wang", "wei"},
		"Иван Петров":            {"ivan", "petrov"},
		"Ştefan Ţurcanu":         {"stefan", "turcanu"},
		"Ștefan Țurcanu":         {"stefan", "turcanu"},
		"Arbër Çela":             {"arber", "cela"},
		"El":                     {"el"},
	}
	for in, want := range tests {
		if got := identify.NameTokens(in); !slices.Equal(got, want) {
			t.Errorf("NameTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeys(t *testing.T) {
	same := [][]string{
		{"mohammed", "muhammad", "mohamed", "mohammad", "muhamad"},
		{"yonas", "yunus", "yonus"},
		{"fatima", "fatimah", "fatuma"},
		{"cela", "chela", "tchela"},
		{"xhafa", "dzhafa", "jafa"},
		{"khalid", "halid", "khaled"},
	}
	for _, g := range same {
		for _, t2 := range g[1:] {
			if identify.Skeleton(g[0]) != identify.Skeleton(t2) {
				t.Errorf("Skeleton(%q)=%q != Skeleton(%q)=%q", g[0], identify.Skeleton(g[0]), t2, identify.Skeleton(t2))
			}
		}
	}
	if identify.Phonetic("mohammed") != identify.Phonetic("muhammad") {
		t.Error("Mohammed and Muhammad differ phonetically")
	}
	if identify.Skeleton("mhmd") != identify.Skeleton("mohammed") {
		t.Errorf("Arabic-script محمد (mhmd) and Mohammed: %q vs %q", identify.Skeleton("mhmd"), identify.Skeleton("mohammed"))
	}
	if identify.Phonetic("selam") == identify.Phonetic("salem") && identify.Phonetic("dawit") == identify.Phonetic("david") {
		t.Error("phonetic key too loose")
	}
	if identify.Variant("cheung") != "zhang" || identify.Variant("chang") != "zhang" || identify.Variant("emeka") != "chukwuemeka" {
		t.Error("variant classes")
	}
}
