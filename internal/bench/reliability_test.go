package bench

import (
	"math"
	"testing"
)

func TestReliability(t *testing.T) {
	type answer struct {
		p   float64
		hit bool
	}
	for _, tc := range []struct {
		name    string
		answers []answer
		want    float64
	}{
		{"none", nil, 0},
		{"perfect", []answer{{1, true}, {0, false}}, 0},
		{"over-confident", []answer{{0.9, false}, {0.9, true}}, 0.4},
		// 0.95 right twice in two, and 0.05 for a child never recorded: 0.05 out in each tenth.
		{"two tenths", []answer{{0.95, true}, {0.95, true}, {0.05, false}, {0.05, false}}, 0.05},
		{"within a tenth", []answer{{0.91, true}, {0.99, false}}, 0.45},
	} {
		var r Reliability
		for _, a := range tc.answers {
			r.add(a.p, a.hit)
		}
		if got := r.ece(); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: ece %v, want %v", tc.name, got, tc.want)
		}
	}
}
