package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/waymark-org/waymark/internal/report"
)

// Charts are drawn here as SVG, with presentation attributes only (no style, no script), so the
// strict Content-Security-Policy holds; each sits beside a table of the same figures.

// bars draws a table's rows as horizontal bars; a suppressed count draws no bar.
func bars(t report.Table) template.HTML {
	const rowH, labelW, barW = 22, 190, 300
	h := rowH*len(t.Rows) + 4
	top := 1
	for _, r := range t.Rows {
		if !r.Count.Hidden {
			top = max(top, r.Count.N)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s">`, labelW+barW+60, h, template.HTMLEscapeString(t.Title))
	for i, r := range t.Rows {
		y := i*rowH + 2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="12" fill="#0b0c0c">%s</text>`, labelW-8, y+15, template.HTMLEscapeString(r.Label))
		w := 0
		if !r.Count.Hidden {
			w = r.Count.N * barW / top
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#1d70b8"></rect>`, labelW, y+3, w, rowH-6)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#0b0c0c">%s</text>`, labelW+w+6, y+15, r.Count)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// survival draws the Kaplan–Meier curve as steps: the share not yet missing by day.
func survival(points []report.SurvivalPoint) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h, left, bottom = 520, 220, 44, 28
	last := max(points[len(points)-1].Day, 1)
	x := func(day int) int { return left + day*(w-left-10)/last }
	y := func(share float64) int { return 8 + int((1-share)*float64(h-bottom-8)) }
	var path strings.Builder
	fmt.Fprintf(&path, "M%d %d", x(0), y(1))
	for _, p := range points[1:] {
		fmt.Fprintf(&path, " H%d V%d", x(p.Day), y(p.NotMissed))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="Share of children not yet missing, by days since first contact">`, w, h)
	for _, share := range []float64{0, 0.5, 1} {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#b1b4b6"></line><text x="%d" y="%d" text-anchor="end" font-size="11" fill="#0b0c0c">%d%%</text>`,
			left, w-10, y(share), y(share), left-4, y(share)+4, int(share*100))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#0b0c0c">0</text><text x="%d" y="%d" text-anchor="end" font-size="11" fill="#0b0c0c">%d days after first contact</text>`,
		left, h-8, w-10, h-8, last)
	fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#1d70b8" stroke-width="2"></path></svg>`, path.String())
	return template.HTML(b.String())
}
