package web

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
)

// NetworkSVG draws a child's network as rings: the child in the middle, what they are linked to
// around them, and the other children linked to the same outside, each beside what joins them.
// Every node is a link: a child to their record (or to opening it with a reason), an entity to the
// children linked to it. Presentation attributes only, as the charts.
func NetworkSVG(g *registry.Graph) template.HTML {
	const w, h, r1, r2 = 760, 660, 150, 255
	cx, cy := float64(w)/2, float64(h)/2
	at := map[string][2]float64{}
	var ring1, ring2 []registry.Node
	for _, n := range g.Nodes {
		switch n.Step {
		case 0:
			at[n.ID] = [2]float64{cx, cy}
		case 1:
			ring1 = append(ring1, n)
		default:
			ring2 = append(ring2, n)
		}
	}
	angle := map[string]float64{}
	for i, n := range ring1 {
		angle[n.ID] = 2*math.Pi*float64(i)/float64(len(ring1)) - math.Pi/2
		at[n.ID] = [2]float64{cx + r1*math.Cos(angle[n.ID]), cy + r1*math.Sin(angle[n.ID])}
	}
	// Each other child goes out from what joins them, spread evenly in that order.
	want := map[string]float64{}
	for _, n := range ring2 {
		var x, y float64
		for _, e := range g.Edges {
			if e.Child == n.ID {
				x, y = x+math.Cos(angle[e.Entity]), y+math.Sin(angle[e.Entity])
			}
		}
		want[n.ID] = math.Atan2(y, x)
	}
	slices.SortStableFunc(ring2, func(a, b registry.Node) int { return cmp.Compare(want[a.ID], want[b.ID]) })
	for i, n := range ring2 {
		a := want[ring2[0].ID] + 2*math.Pi*float64(i)/float64(len(ring2))
		at[n.ID] = [2]float64{cx + r2*math.Cos(a), cy + r2*math.Sin(a)}
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 %d %d" width="100%%" role="group" aria-label="%s">`, w, h,
		template.HTMLEscapeString("Network of "+g.Nodes[0].Label))
	for _, e := range g.Edges {
		p, q := at[e.Child], at[e.Entity]
		dash := ""
		if e.Confidence == "possible" {
			dash = ` stroke-dasharray="6 4"`
		}
		width := 1.5
		if e.Confidence == "confirmed" {
			width = 3
		}
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#505a5f" stroke-width="%.1f"%s><title>%s</title></line>`,
			p[0], p[1], q[0], q[1], width, dash, template.HTMLEscapeString(edgeText(e)))
	}
	for _, n := range g.Nodes {
		drawNode(&b, n, at[n.ID])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func edgeText(e registry.Edge) string {
	s := waymark.Label(e.Role)
	if e.From != "" {
		s += ", from " + e.From
	}
	if e.To != "" {
		s += " to " + e.To
	}
	if e.Confidence != "" {
		s += " (" + waymark.Label(e.Confidence) + ")"
	}
	return s
}

// nodeStyle is each kind's fill and its one-letter mark, so that kinds differ by more than colour.
var nodeStyle = map[string][2]string{
	"child": {"#1d70b8", ""}, "person": {"#d4351c", "P"}, "phone": {"#f47738", "T"}, "address": {"#00703c", "A"},
	"premises": {"#4c2c92", "B"}, "vehicle": {"#5694ca", "V"}, "handle": {"#912b88", "@"},
}

func drawNode(b *strings.Builder, n registry.Node, p [2]float64) {
	fmt.Fprintf(b, `<a href="%s">`, template.HTMLEscapeString(NodeHref(n))) // named by its visible label
	style := nodeStyle[n.Kind]
	switch {
	case n.Kind == "child":
		radius, fill := 14, style[0]
		if n.Step == 0 {
			radius = 22
		}
		if !n.Visible {
			fill = "#6f777b"
		}
		fmt.Fprintf(b, `<circle cx="%.0f" cy="%.0f" r="%d" fill="%s" stroke="#0b0c0c"></circle>`, p[0], p[1], radius, fill)
	default:
		fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="26" height="26" rx="4" fill="%s" stroke="#0b0c0c"></rect>`, p[0]-13, p[1]-13, style[0])
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" text-anchor="middle" font-size="13" font-weight="bold" fill="#ffffff" aria-hidden="true">%s</text>`, p[0], p[1]+5, style[1])
	}
	label := n.Label
	if r := []rune(label); len(r) > 24 {
		label = string(r[:23]) + "…"
	}
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" text-anchor="middle" font-size="12" fill="#0b0c0c">%s</text>`, p[0], p[1]+34, template.HTMLEscapeString(label))
	if n.Owner != "" {
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" text-anchor="middle" font-size="11" fill="#505a5f">%s</text>`, p[0], p[1]+48, template.HTMLEscapeString(n.Owner))
	}
	b.WriteString(`</a>`)
}

// NodeHref says where a node leads: a child the reader sees to their network (the middle one to
// their record), another organisation's to opening it with a reason, an entity to its children.
func NodeHref(n registry.Node) string {
	switch {
	case n.Kind != "child" && strings.HasPrefix(n.ID, "phone:"):
		return "/network?phone=" + url.QueryEscape(strings.TrimPrefix(n.ID, "phone:"))
	case n.Kind != "child":
		return "/network?entity=" + n.ID
	case n.Step == 0:
		return "/children/" + n.ID
	case n.Visible:
		return "/children/" + n.ID + "/network"
	}
	return "/children/" + n.ID + "/open"
}
