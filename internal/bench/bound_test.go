package bench

import (
	"fmt"
	"testing"

	"github.com/waymark-org/waymark/internal/identify"
)

func TestBound(t *testing.T) {
	ev := func(name, dob float64) []identify.Evidence {
		return []identify.Evidence{{Field: identify.FieldName, Weight: name / 2}, {Field: identify.FieldName, Weight: name / 2},
			{Field: identify.FieldDateOfBirth, Weight: dob}}
	}
	rivals := func(n int, name, dob float64) []identify.Candidate {
		out := make([]identify.Candidate, n)
		for i := range out {
			out[i] = identify.Candidate{ChildID: fmt.Sprint("r", name, dob, i), Evidence: ev(name, dob)}
		}
		return out
	}
	truth := identify.Candidate{ChildID: "truth", Evidence: ev(10, 1.5)}
	for _, tt := range []struct {
		name      string
		all       []identify.Candidate
		at1, at10 float64
	}{
		{"alone", []identify.Candidate{truth}, 1, 1},
		{"one better on a field, one tied", append(rivals(1, 10, 2), append(rivals(1, 10, 1.5), truth)...), 0, 1},
		{"better on one field, worse on another: not above", append(rivals(30, 12, -3), truth), 1, 1},
		{"nineteen tied: one chance in twenty, ten in twenty", append(rivals(19, 10, 1.5), truth), 0.05, 0.5},
		{"ten better", append(rivals(10, 11, 1.5), truth), 0, 0},
		{"nine better, three tied", append(rivals(9, 10, 11.6), append(rivals(3, 10, 1.5), truth)...), 0, 0.25},
	} {
		at1, at10 := bound(tt.all, truth)
		if at1 != tt.at1 || at10 != tt.at10 {
			t.Errorf("%s: %.3f / %.3f, want %.3f / %.3f", tt.name, at1, at10, tt.at1, tt.at10)
		}
	}
}
