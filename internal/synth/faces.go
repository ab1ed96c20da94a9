package synth

import (
	"math"
	"math/rand/v2"
)

// Face is a random face embedding: 128 numbers of standard deviation 0.0625, so that two drawn at
// random are about 1.0 apart, as dlib's network puts different people 0.6–1.0 apart — with none of
// the structure real faces have, the hardest case for an index.
func Face(rnd *rand.Rand) []float32 {
	v := make([]float32, 128)
	for i := range v {
		v[i] = float32(rnd.NormFloat64() * 0.0625)
	}
	return v
}

// Moved is the face v moved d away in a random direction: another photo of the same face, or a
// face like it.
func Moved(rnd *rand.Rand, v []float32, d float64) []float32 {
	dir := Face(rnd)
	n := 0.0
	for _, x := range dir {
		n += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i := range v {
		out[i] = v[i] + float32(float64(dir[i])*d/math.Sqrt(n))
	}
	return out
}
