// Package screening holds the catalogue of indicators of trafficking and exploitation a screening
// ticks, each with the guidance shown beside it. The catalogue is data: a versioned file shipped
// with Waymark, which each screening names the version of.
package screening

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Category groups indicators on the form.
type Category struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Indicator is one sign to look for, why it matters and what to ask.
type Indicator struct {
	Code     string `json:"code"`
	Category string `json:"category"`
	Text     string `json:"text"`
	Why      string `json:"why"`
	Ask      string `json:"ask"`
}

// Catalogue is one version of the indicators.
type Catalogue struct {
	Version    string      `json:"version"`
	Source     string      `json:"source"`
	Categories []Category  `json:"categories"`
	Indicators []Indicator `json:"indicators"`
}

//go:embed indicators.json
var shipped []byte

// Shipped is the catalogue this release of Waymark ships.
var Shipped = mustParse(shipped)

func mustParse(b []byte) *Catalogue {
	c, err := Parse(b)
	if err != nil {
		panic(fmt.Sprintf("the shipped indicator catalogue: %v", err)) // a build that ships a bad file must not start
	}
	return c
}

// Parse reads and checks a catalogue: a version, categories and indicators each with a unique
// code, every indicator in a known category with its words, why and what to ask.
func Parse(b []byte) (*Catalogue, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Catalogue
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("read the catalogue: %w", err)
	}
	var bad []string
	if strings.TrimSpace(c.Version) == "" {
		bad = append(bad, "no version")
	}
	cats := map[string]bool{}
	for _, cat := range c.Categories {
		if cat.Code == "" || cat.Label == "" || cats[cat.Code] {
			bad = append(bad, fmt.Sprintf("category %q: a code and a label, once each", cat.Code))
		}
		cats[cat.Code] = true
	}
	seen := map[string]bool{}
	for _, in := range c.Indicators {
		switch {
		case in.Code == "" || seen[in.Code]:
			bad = append(bad, fmt.Sprintf("indicator %q: a code, once", in.Code))
		case !cats[in.Category]:
			bad = append(bad, fmt.Sprintf("indicator %q: no category %q", in.Code, in.Category))
		case in.Text == "" || in.Why == "" || in.Ask == "":
			bad = append(bad, fmt.Sprintf("indicator %q: its words, why it matters and what to ask", in.Code))
		}
		seen[in.Code] = true
	}
	if len(c.Indicators) == 0 {
		bad = append(bad, "no indicators")
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("the catalogue is not valid: %s", strings.Join(bad, "; "))
	}
	return &c, nil
}

// Has reports whether code is one of the catalogue's indicators.
func (c *Catalogue) Has(code string) bool {
	return slices.ContainsFunc(c.Indicators, func(in Indicator) bool { return in.Code == code })
}

// Indicator returns the indicator of code, if any.
func (c *Catalogue) Indicator(code string) (Indicator, bool) {
	i := slices.IndexFunc(c.Indicators, func(in Indicator) bool { return in.Code == code })
	if i < 0 {
		return Indicator{}, false
	}
	return c.Indicators[i], true
}

// Group is a category with its indicators, for a form.
type Group struct {
	Category
	Indicators []Indicator
}

// Groups lists the categories with their indicators, in the catalogue's order.
func (c *Catalogue) Groups() []Group {
	var out []Group
	for _, cat := range c.Categories {
		g := Group{Category: cat}
		for _, in := range c.Indicators {
			if in.Category == cat.Code {
				g.Indicators = append(g.Indicators, in)
			}
		}
		out = append(out, g)
	}
	return out
}

// LocalPrefix begins the code of every indicator an organisation adds, so that none can take a
// shipped one's place.
const LocalPrefix = "local_"

// With is the catalogue with an organisation's own indicators added, in a category of their own;
// its version says so.
func (c *Catalogue) With(local []Indicator, label string) *Catalogue {
	if len(local) == 0 {
		return c
	}
	out := *c
	out.Version = c.Version + "+local"
	out.Categories = append(slices.Clone(c.Categories), Category{Code: "local", Label: label})
	out.Indicators = slices.Clone(c.Indicators)
	for _, in := range local {
		in.Category = "local"
		out.Indicators = append(out.Indicators, in)
	}
	return &out
}

// CheckLocal says what is wrong with an indicator an organisation would add, if anything.
func CheckLocal(in Indicator) error {
	var bad []string
	if !strings.HasPrefix(in.Code, LocalPrefix) || len(in.Code) == len(LocalPrefix) || strings.ContainsFunc(in.Code, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		bad = append(bad, "its code is "+LocalPrefix+" then small letters, digits and _")
	}
	if strings.TrimSpace(in.Text) == "" || strings.TrimSpace(in.Why) == "" || strings.TrimSpace(in.Ask) == "" {
		bad = append(bad, "it needs its words, why it matters and what to ask")
	}
	if len(bad) > 0 {
		return fmt.Errorf("the indicator is not valid: %s", strings.Join(bad, "; "))
	}
	return nil
}
