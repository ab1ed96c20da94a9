package identify

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitCalibrationRecoversDistortion(t *testing.T) {
	// Probabilities whose true chance is σ(0.5·logit(p) + 1): the fit must find A≈0.5, B≈1 and, applied,
	// give back the true chance.
	rng := rand.New(rand.NewPCG(1, 2))
	var probs []float64
	var hits []bool
	for range 20000 {
		p := sigmoid(rng.NormFloat64() * 4)
		probs = append(probs, p)
		hits = append(hits, rng.Float64() < sigmoid(0.5*logit(p)+1))
	}
	c := FitCalibration(probs, hits)
	if math.Abs(c.A-0.5) > 0.05 || math.Abs(c.B-1) > 0.1 {
		t.Fatalf("fit %+v, want A≈0.5 B≈1", c)
	}
	if got, want := c.apply(0.9), sigmoid(0.5*logit(0.9)+1); math.Abs(got-want) > 0.02 {
		t.Errorf("apply(0.9) = %.3f, want %.3f", got, want)
	}
	if got := (Calibration{}).apply(0.42); got != 0.42 {
		t.Errorf("zero calibration changed p: %v", got)
	}
}
