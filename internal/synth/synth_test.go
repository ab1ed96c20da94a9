package synth

import (
	"testing"
	"time"
)

// Every child and every probe the generator makes must pass the checks a form or an import makes:
// a benchmark that dropped the ones failing them would measure other data than it says.
func TestChildrenAndProbesAreValid(t *testing.T) {
	for seed := range uint64(6) {
		w := []*World{First, Second}[seed%2]
		g := NewIn(w, seed, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		for i := range 3000 {
			c := g.Child()
			if err := c.Normalize(g.Now); err != nil {
				t.Fatalf("%s world, seed %d, child %d: %v", w.Name, seed, i, err)
			}
			p := g.ProbeOf(c)
			if err := p.Query.NormalizeQuery(g.Now); err != nil {
				t.Fatalf("%s world, seed %d, probe %d (%s): %v", w.Name, seed, i, p.Kind, err)
			}
		}
	}
}
