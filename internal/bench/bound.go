package bench

import "github.com/waymark-org/waymark/internal/identify"

// fieldsWeighed are the fields whose weights a candidate's evidence adds up.
var fieldsWeighed = [...]string{identify.FieldName, identify.FieldDateOfBirth, identify.FieldSex, identify.FieldNationality,
	identify.FieldPhone, identify.FieldDocument, identify.FieldBiometric, identify.FieldMarks, identify.FieldStatus,
	identify.FieldDNA, identify.FieldFace}

type fieldWeights [len(fieldsWeighed)]float64

func byField(ev []identify.Evidence) fieldWeights {
	var w fieldWeights
	for _, e := range ev {
		for i, f := range fieldsWeighed {
			if e.Field == f {
				w[i] += e.Weight
			}
		}
	}
	return w
}

// against says whether a is better than b field by field (at least as good on every field and
// better on one), or the same on every field.
func (a fieldWeights) against(b fieldWeights) (better, same bool) {
	same = a == b
	for i := range a {
		if a[i] < b[i] {
			return false, false
		}
	}
	return !same, same
}

// bound is the chance that the truth, gathered, would be first, and within ten, under a ranking
// that puts every candidate better field by field above it, the truth above every other, and
// breaks exact ties (the same weight on every field) by chance: the most any ranking of the
// candidates gathered that respects each field's evidence can expect.
func bound(all []identify.Candidate, truth identify.Candidate) (at1, at10 float64) {
	t := byField(truth.Evidence)
	var above, tied float64
	for _, c := range all {
		if c.ChildID == truth.ChildID {
			continue
		}
		switch better, same := byField(c.Evidence).against(t); {
		case better:
			above++
		case same:
			tied++
		}
	}
	chance := func(k float64) float64 { return max(0, min(1, (k-above)/(tied+1))) }
	return chance(1), chance(10)
}
