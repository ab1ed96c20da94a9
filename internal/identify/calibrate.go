package identify

import "math"

// Calibration maps a posterior p to σ(A·logit(p) + B) (Platt scaling). The model's posterior rests on
// m and u that assume fields agree independently; they do not quite (siblings share a family name
// and a phone), so its odds run too far or not far enough, and this one line straightens them.
type Calibration struct{ A, B float64 }

func (c Calibration) apply(p float64) float64 {
	if c.A == 0 || p <= 0 || p >= 1 {
		return p
	}
	return sigmoid(c.A*logit(p) + c.B)
}

func logit(p float64) float64   { return math.Log(p / (1 - p)) }
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// FitCalibration fits A and B by logistic regression (Newton's method) of hits on the logits of the
// probabilities given: for each answer, the top candidate's probability and whether it was the child.
func FitCalibration(probs []float64, hits []bool) Calibration {
	const eps = 1e-9
	var c Calibration // from (0, 0), where every point weighs alike, Newton does not overshoot
	for range 50 {
		var ga, gb, haa, hab, hbb float64
		for i, p := range probs {
			x := logit(min(max(p, eps), 1-eps))
			q := sigmoid(c.A*x + c.B)
			y := 0.0
			if hits[i] {
				y = 1
			}
			w := max(q*(1-q), eps)
			ga += (q - y) * x
			gb += q - y
			haa += w * x * x
			hab += w * x
			hbb += w
		}
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		c.A, c.B = c.A-da, c.B-db
		if math.Abs(da)+math.Abs(db) < 1e-9 {
			break
		}
	}
	return c
}
