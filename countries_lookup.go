package waymark

import (
	"strings"
	"sync"
)

// Country is an ISO 3166-1 alpha-2 code with its short English name.
type Country struct{ Code, Name string }

var countries = sync.OnceValues(func() ([]Country, map[string]string) {
	var list []Country
	byCode := map[string]string{}
	for line := range strings.Lines(countryTable) {
		code, name, _ := strings.Cut(strings.TrimSpace(line), "\t")
		list = append(list, Country{code, name})
		byCode[code] = name
	}
	return list, byCode
})

// Countries lists every country code, ordered by code.
func Countries() []Country { list, _ := countries(); return list }

// CountryName returns the name for an ISO 3166-1 alpha-2 code, or "" if there is none.
func CountryName(code string) string { _, m := countries(); return m[code] }
