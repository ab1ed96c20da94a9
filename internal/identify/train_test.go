package identify

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/synth"
)

// EM, given only unlabelled probes, should find the m that the labels (which it never sees) give.
func TestEstimateMRecoversTheLabelledM(t *testing.T) {
	g := synth.New(11, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	e := &Engine{Index: NewIndex(), Model: Priors()}
	var kids []*waymark.Child
	for i := range 20000 {
		c := g.Child()
		c.ID = fmt.Sprintf("c%d", i)
		if err := c.Normalize(g.Now); err != nil {
			t.Fatal(err)
		}
		kids = append(kids, c)
		e.Put(c)
	}
	var queries []*Record
	labelled := map[string]map[string]float64{}
	for range 2500 {
		c := kids[g.Intn(len(kids))]
		p := g.ProbeOf(c)
		if err := p.Query.NormalizeQuery(g.Now); err != nil {
			t.Fatal(err)
		}
		q := FromChild(p.Query)
		queries = append(queries, q)
		names(e, q, c, labelled)
		for _, f := range fieldLevels {
			if l := f.level(q, FromChild(c)); l != "" {
				if labelled[f.field] == nil {
					labelled[f.field] = map[string]float64{}
				}
				labelled[f.field][l]++
			}
		}
	}
	e.EstimateU(50000, 1)
	e.EstimateM(queries, 20, 15)
	tests := []struct{ field, level string }{
		{FieldDateOfBirth, Exact}, {FieldDateOfBirth, EstimateCompatible}, {FieldDateOfBirth, YearOut},
		{FieldNationality, Exact}, {FieldNationality, Neighbour}, {FieldPhone, Exact}, {FieldPhone, LastDigits},
		{FieldSex, Exact}, {FieldDocument, Exact},
	}
	for _, tt := range tests {
		total := 0.0
		for _, n := range labelled[tt.field] {
			total += n
		}
		want := labelled[tt.field][tt.level] / total
		got := e.Model.Levels[tt.field][tt.level].M
		if math.Abs(got-want) > 0.05 {
			t.Errorf("m(%s %s) = %.3f by EM, %.3f by the labels", tt.field, tt.level, got, want)
		}
	}
	// Name levels are learnt only from pairs found by other fields, and a false name hides its own
	// match, so EM's figures are rougher there: within a factor of three, not collapsed to nothing.
	for _, level := range []string{Exact, SoundsAlike, NoMatch, ExtraToken} {
		total := 0.0
		for _, n := range labelled[FieldName] {
			total += n
		}
		want, got := labelled[FieldName][level]/total, e.Model.Levels[FieldName][level].M
		if got < want/3 || got > want*3 {
			t.Errorf("m(name %s) = %.3f by EM, %.3f by the labels", level, got, want)
		}
	}
}

// names counts the levels at which the query's name tokens meet the true child's.
func names(e *Engine, q *Record, c *waymark.Child, labelled map[string]map[string]float64) {
	q.withToks(nil)
	r := FromChild(c)
	r.withToks(nil)
	s := newScorer(e.Index, e.Model, q)
	defer s.release()
	_, ev, _ := s.compareNames(q, r, true)
	if labelled[FieldName] == nil {
		labelled[FieldName] = map[string]float64{}
	}
	for _, v := range ev {
		labelled[FieldName][v.Level]++
	}
}

func TestLearnMFromConfirmedMatches(t *testing.T) {
	confirmed := func(n int, levels ...string) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = levels
		}
		return out
	}
	tests := []struct {
		name      string
		confirmed [][]string
		moved     []string
		refused   []string
		check     func(m *Model) error
	}{
		{"too few to say anything", confirmed(minJudged-1, "date_of_birth:exact", "name:exact"), nil, nil, nil},
		{"unknown fields and levels are passed over", confirmed(100, "eyes:exact", "name:misspelt", "nonsense"), nil, nil, nil},
		// 300 made-up confirmations of children whose dates of birth disagree: m(disagree) would rise
		// from 0.05 to 0.9, and m(exact) fall from 0.21 to 0.01.
		{"made-up confirmations are refused", confirmed(300, "date_of_birth:disagree", "name:exact"), []string{FieldName}, []string{FieldDateOfBirth}, nil},
		{"dates of birth agree more often than the model thought", append(append(confirmed(120, "date_of_birth:exact", "name:exact"),
			confirmed(50, "date_of_birth:estimate_same_year", "name:exact")...), confirmed(30, "date_of_birth:estimate_compatible", "name:exact")...),
			[]string{FieldDateOfBirth, FieldName}, nil, func(m *Model) error {
				exact, want := m.Levels[FieldDateOfBirth][Exact].M, (120+priorPairs*DefaultModel().Levels[FieldDateOfBirth][Exact].M)/(200+priorPairs)
				sum := 0.0
				for _, mu := range m.Levels[FieldDateOfBirth] {
					sum += mu.M
				}
				switch {
				case math.Abs(exact-want) > 1e-9:
					return fmt.Errorf("m(date of birth exact) = %.4f, want %.4f", exact, want)
				case math.Abs(sum-1) > 0.01:
					return fmt.Errorf("m over the date of birth levels sums to %.4f", sum)
				case m.Levels[FieldName][VariantSpelling] != DefaultModel().Levels[FieldName][VariantSpelling]:
					return fmt.Errorf("a name level never confirmed moved: %+v", m.Levels[FieldName][VariantSpelling])
				case m.Levels[FieldName][VariantSpelling].Weight() <= 0:
					return fmt.Errorf("a variant spelling counts against a candidate")
				}
				return nil
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := DefaultModel()
			moved, refused, _ := m.LearnM(tc.confirmed)
			if !slices.Equal(moved, tc.moved) || !slices.Equal(refused, tc.refused) {
				t.Fatalf("moved %v, refused %v; want %v, %v", moved, refused, tc.moved, tc.refused)
			}
			if tc.check == nil {
				if tc.moved == nil && !reflect.DeepEqual(m, DefaultModel()) {
					t.Fatal("the model moved")
				}
				if !reflect.DeepEqual(m.Levels[FieldDateOfBirth], DefaultModel().Levels[FieldDateOfBirth]) {
					t.Fatal("the dates of birth moved")
				}
			} else if err := tc.check(m); err != nil {
				t.Fatal(err)
			}
		})
	}
}
