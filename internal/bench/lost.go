package bench

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/identify"
)

// lost writes the linkable probes of recorded children whose child the engine did not rank
// within ten — why recall falls short — with what the probe gave, what was recorded, and the
// evidence for the child and for the first candidate.
type lost struct {
	w                           io.Writer
	byID                        map[string]*waymark.Child
	unblocked, below, tied, all int
}

func newLost(w io.Writer, d *Data) *lost {
	l := &lost{w: w}
	if w != nil {
		l.byID = make(map[string]*waymark.Child, len(d.Children))
		for _, c := range d.Children {
			l.byID[c.ID] = c
		}
	}
	return l
}

// add considers one probe: all is every candidate, best first; at is the truth's place among
// them (-1: not gathered), outranked how many scored strictly above it.
func (l *lost) add(p Probe, all []identify.Candidate, at, outranked int) {
	if l.w == nil || p.Truth == "" || !p.Linkable || at >= 0 && at < 10 {
		return
	}
	l.all++
	why := fmt.Sprintf("ranked %d of %d, %d scoring above it", at+1, len(all), outranked)
	switch {
	case at < 0:
		l.unblocked++
		why = fmt.Sprintf("not gathered (%d candidates)", len(all))
	case outranked >= 10:
		l.below++
	default:
		l.tied++
		why += ", the rest tied with it"
	}
	status := "placed"
	if p.Missing {
		status = "missing"
	}
	fmt.Fprintf(l.w, "== %s, %s when found: %s\n   found:    %s\n   recorded: %s\n", p.Kind, status, why, describe(p.Query), describe(l.byID[p.Truth]))
	if at >= 0 {
		fmt.Fprintf(l.w, "   child:    %.2f %s\n", all[at].Score, evidence(all[at].Evidence))
	}
	if len(all) > 0 {
		fmt.Fprintf(l.w, "   first:    %.2f %s\n", all[0].Score, evidence(all[0].Evidence))
	}
}

func (l *lost) close() {
	if l.w != nil {
		fmt.Fprintf(l.w, "%d linkable probes lost: %d not gathered, %d scoring below ten others, %d tied with others at the tenth place\n",
			l.all, l.unblocked, l.below, l.tied)
	}
}

func describe(c *waymark.Child) string {
	names := []string{fmt.Sprintf("%q / %q", c.GivenNames, c.FamilyName)}
	for _, a := range c.Aliases {
		names = append(names, fmt.Sprintf("%q / %q", a.GivenNames, a.FamilyName))
	}
	born := cmp.Or(c.DateOfBirth, "—")
	if c.DOBEstimated {
		born += " (assessed)"
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s, born %s, sex %s, nationality %s, phones %v, %d documents", c.Ref, strings.Join(names, " alias "),
		born, cmp.Or(c.Sex, "—"), cmp.Or(c.Nationality, "—"), c.Phones, len(c.Documents)))
}

func evidence(es []identify.Evidence) string {
	var b []string
	for _, e := range es {
		b = append(b, fmt.Sprintf("%s:%s(%+.1f)", e.Field, e.Level, e.Weight))
	}
	return strings.Join(b, " ")
}
