package screening_test

import (
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/screening"
)

func TestShippedCatalogue(t *testing.T) {
	c := screening.Shipped
	if c.Version == "" || len(c.Indicators) < 20 || !c.Has("debt_bondage") || c.Has("made_up") {
		t.Fatalf("catalogue %s with %d indicators", c.Version, len(c.Indicators))
	}
	n := 0
	for _, g := range c.Groups() {
		n += len(g.Indicators)
		if len(g.Indicators) == 0 {
			t.Errorf("category %s has no indicators", g.Code)
		}
	}
	if n != len(c.Indicators) {
		t.Errorf("groups hold %d of %d indicators", n, len(c.Indicators))
	}
}

func TestParseRefusesABadCatalogue(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"not JSON":          {`{`, "read the catalogue"},
		"an unknown field":  {`{"version": "1", "colour": "red"}`, "read the catalogue"},
		"no version":        {`{"categories": [{"code": "a", "label": "A"}], "indicators": [{"code": "x", "category": "a", "text": "t", "why": "w", "ask": "q"}]}`, "no version"},
		"a stray category":  {`{"version": "1", "categories": [{"code": "a", "label": "A"}], "indicators": [{"code": "x", "category": "b", "text": "t", "why": "w", "ask": "q"}]}`, `no category "b"`},
		"a code twice":      {`{"version": "1", "categories": [{"code": "a", "label": "A"}], "indicators": [{"code": "x", "category": "a", "text": "t", "why": "w", "ask": "q"}, {"code": "x", "category": "a", "text": "t", "why": "w", "ask": "q"}]}`, "a code, once"},
		"no guidance":       {`{"version": "1", "categories": [{"code": "a", "label": "A"}], "indicators": [{"code": "x", "category": "a", "text": "t"}]}`, "why it matters"},
		"nothing to screen": {`{"version": "1", "categories": [], "indicators": []}`, "no indicators"},
	} {
		if _, err := screening.Parse([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// FuzzParse: any bytes are read without panicking, and a catalogue accepted has what a form needs.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version": "1", "categories": [{"code": "a", "label": "A"}], "indicators": [{"code": "x", "category": "a", "text": "t", "why": "w", "ask": "q"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := screening.Parse(b)
		if err != nil {
			return
		}
		for _, in := range c.Indicators {
			if !c.Has(in.Code) || in.Text == "" {
				t.Fatalf("accepted %+v", in)
			}
		}
	})
}

func TestLocalIndicatorChecks(t *testing.T) {
	good := screening.Indicator{Code: "local_car_wash_a4", Text: "t", Why: "w", Ask: "a"}
	if err := screening.CheckLocal(good); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []screening.Indicator{
		{Code: "debt_bondage", Text: "t", Why: "w", Ask: "a"},
		{Code: "local_", Text: "t", Why: "w", Ask: "a"},
		{Code: "local_Car Wash", Text: "t", Why: "w", Ask: "a"},
		{Code: "local_x", Text: "t"},
	} {
		if screening.CheckLocal(bad) == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	c := screening.Shipped.With([]screening.Indicator{good}, "Our own")
	if !c.Has("local_car_wash_a4") || c.Version != screening.Shipped.Version+"+local" || screening.Shipped.Has("local_car_wash_a4") {
		t.Fatalf("with local: %s, shipped changed: %v", c.Version, screening.Shipped.Has("local_car_wash_a4"))
	}
	if g := c.Groups(); g[len(g)-1].Label != "Our own" || len(g[len(g)-1].Indicators) != 1 {
		t.Fatalf("local group %+v", g[len(g)-1])
	}
}
