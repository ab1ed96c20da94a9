// Package web holds the pages' templates and style sheet, embedded in the binary. Pages work without
// JavaScript and carry no inline script or style, so the strict Content-Security-Policy holds; the
// one exception is the offline first-contact page, whose same-origin script is in offline/.
package web

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed offline
var offlineFS embed.FS

// OfflineFile is one of the offline app's files (app.js, sw.js, manifest.webmanifest, icon.svg),
// served under /offline/ so that its service worker's scope is the offline page.
func OfflineFile(name string) ([]byte, error) { return offlineFS.ReadFile("offline/" + name) }

// Static is the style sheet and icons, served under /static/.
func Static() fs.FS { sub, _ := fs.Sub(staticFS, "static"); return sub }

// Templates renders pages.
type Templates struct {
	pages map[string]*template.Template
	loc   *time.Location
}

// Load parses every page with the shared layout; times are shown in loc.
func Load(loc *time.Location) (*Templates, error) {
	t := &Templates{pages: map[string]*template.Template{}, loc: loc}
	funcs := template.FuncMap{
		"date":     func(tm time.Time) string { return tm.In(loc).Format("2 Jan 2006") },
		"datetime": func(tm time.Time) string { return tm.In(loc).Format("2 Jan 2006, 15:04") },
		"country":  waymark.CountryName,
		"label":    waymark.Label,
		"rule":     func(code string) string { return waymark.Rules[code] },
		"join":     strings.Join,
		"age":      func(c *waymark.Child) int { return c.Age(time.Now().In(loc)) },
		"ageText":  func(c *waymark.Child) string { return ageText(c, time.Now().In(loc)) },
		"day":      day,
		"name":     nameHTML,
		"ageOf": func(dob string) int {
			return (&waymark.Child{DateOfBirth: dob}).Age(time.Now().In(loc))
		},
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
		"fieldname": func(prefix string, i int) string { return fmt.Sprintf("%s_%d", prefix, i) },
		"add":       func(a, b int) int { return a + b },
		"dict": func(kv ...any) map[string]any { // a sub-template's arguments, by name
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				if k, ok := kv[i].(string); ok {
					m[k] = kv[i+1]
				}
			}
			return m
		},
		"percent":    percent,
		"since":      since,
		"bars":       bars,
		"pct":        pct,
		"survival":   survival,
		"unsearched": waymark.UnsearchedPrints,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/fields.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" || base == "fields.html" {
			continue
		}
		page, err := template.Must(layout.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", base, err)
		}
		t.pages[strings.TrimSuffix(base, ".html")] = page
	}
	return t, nil
}

// Render writes the named page with data.
func (t *Templates) Render(w io.Writer, page string, data any) error {
	tpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("no page %q", page)
	}
	return tpl.ExecuteTemplate(w, "layout.html", data)
}

// since says how long ago from was, at now, in the largest units that matter.
func since(from, now time.Time) string {
	d := now.Sub(from)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days %d h", int(d.Hours())/24, int(d.Hours())%24)
}

// percent shows a probability without claiming certainty it does not have.
func percent(p float64) string {
	switch {
	case p > 0.99:
		return "over 99%"
	case p < 0.01:
		return "under 1%"
	}
	return fmt.Sprintf("%.0f%%", p*100)
}

// pct shows a share (0.234) as a percentage ("23.4%").
func pct(v any) string {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return ""
		}
		return pct(*x)
	case float64:
		return strconv.FormatFloat(x*100, 'f', 1, 64) + "%"
	}
	return ""
}

// day writes a date kept as YYYY-MM-DD as every page writes dates: 23 Sep 2026.
func day(s string) string {
	t, err := time.Parse(waymark.DateLayout, s)
	if err != nil {
		return s
	}
	return t.Format("2 Jan 2006")
}

// ageText says a child's age with what it rests on: a claimed age is a claim, and a disputed one
// is treated as a child's until assessed.
func ageText(c *waymark.Child, now time.Time) string {
	if c.DateOfBirth == "" {
		return "age unknown"
	}
	n := c.Age(now)
	switch {
	case c.AgeBasis == "claimed":
		return fmt.Sprintf("age %d (claimed)", n)
	case c.AgeBasis == "disputed":
		return fmt.Sprintf("age %d claimed, disputed: treated as a child pending assessment", n)
	case c.AgeBasis == "age_assessment":
		return fmt.Sprintf("age %d (assessed)", n)
	case c.DOBEstimated:
		return fmt.Sprintf("about %d (estimated)", n)
	}
	return fmt.Sprintf("age %d", n)
}

// scriptTags are the language tags (BCP 47: undetermined language, this script) and directions of
// the scripts other than Latin a child's name may be written in.
var scriptTags = map[string][2]string{"Arabic": {"und-Arab", "rtl"}, "Ethiopic": {"und-Ethi", "ltr"}, "Han": {"und-Hani", "ltr"},
	"Cyrillic": {"und-Cyrl", "ltr"}, "Greek": {"und-Grek", "ltr"}, "Devanagari": {"und-Deva", "ltr"}, "Bengali": {"und-Beng", "ltr"},
	"Thai": {"und-Thai", "ltr"}, "Hangul": {"und-Hang", "ltr"}, "Tamil": {"und-Taml", "ltr"}, "Gurmukhi": {"und-Guru", "ltr"}}

// nameHTML writes a name marked with its script and direction when it is not in Latin letters,
// so that screen readers and the page's layout treat it right.
func nameHTML(name string) template.HTML {
	tag, ok := scriptTags[waymark.Script(name)]
	if !ok {
		return template.HTML(template.HTMLEscapeString(name))
	}
	return template.HTML(`<span lang="` + tag[0] + `" dir="` + tag[1] + `">` + template.HTMLEscapeString(name) + `</span>`)
}
