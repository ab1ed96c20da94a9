package identify

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// FieldFace compares the faces in the found child's photo and the recorded child's photos: the
// distance between their embeddings (face.Distance), weighed at a level whose u is learnt from the
// registry's own photos of different children and whose m falls with the years between the photos.
const FieldFace = "face"

// FaceSeen is one photo's face: its embedding in bytes (quantize) and the day the photo was taken
// (or recorded).
type FaceSeen struct {
	Vec []int8
	Day int32
}

// faceBand is a level of the face comparison and the distance below which it holds.
type faceBand struct {
	level string
	below float64
}

// faceLevels are the comparison's levels, nearest first.
var faceLevels = []faceBand{{"alike", 0.45}, {"similar", 0.55}, {"faint", 0.65}, {"unlike", math.Inf(1)}}

// faceGather is the distance within which a face gathers a candidate by itself.
const faceGather = 0.55

// faceGatherMost is the most candidates the face gathers: the nearest.
const faceGatherMost = 50

// faceFields are the model's fields for faces by the years between the photos (under 1, 1 to 3, 3
// or more): m falls as the gap grows (Priors), and each is re-learnt from confirmed matches.
var faceFields = [3]string{FieldFace, FieldFace + "_1y", FieldFace + "_3y"}

// faceUPrior is u before the registry's own photos say otherwise: different adults in LFW fall
// below 0.6 a few times in a thousand, mostly just below it.
var faceUPrior = [4]float64{0.0005, 0.004, 0.03, 0.9655}

// facePriorPairs is how many pairs the prior counts as, beside the registry's.
const facePriorPairs = 200

// faceUPairs is how many pairs of different children's faces estimate u.
const faceUPairs = 20000

// faceU is u as the registry's faces give it, recomputed when their number has grown by a tenth.
type faceU struct {
	mu    sync.Mutex
	faces int
	u     [4]float64
}

// faceShares returns u per level, from pairs of different children's recorded faces drawn at
// random (the same pairs for the same faces). The caller holds the read lock.
func (ix *Index) faceShares() [4]float64 {
	fu := &ix.faceU
	fu.mu.Lock()
	defer fu.mu.Unlock()
	if fu.faces > 0 && ix.faced < fu.faces*11/10+1 && ix.faced > fu.faces*9/10-1 {
		return fu.u
	}
	faced := make([]*Record, 0, ix.faced)
	for _, r := range ix.records {
		if r != nil && len(r.Faces) > 0 {
			faced = append(faced, r)
		}
	}
	var counts [4]float64
	pairs := 0.0
	count := func(a, b *Record) {
		counts[faceLevel(faceDistance(a.Faces[0].Vec, b.Faces[0].Vec))]++
		pairs++
	}
	if n := len(faced); n*(n-1)/2 <= faceUPairs { // few: every pair, each once
		for i, a := range faced {
			for _, b := range faced[i+1:] {
				count(a, b)
			}
		}
	} else {
		rnd := rand.New(rand.NewPCG(uint64(n), 7))
		for range faceUPairs {
			if a, b := faced[rnd.IntN(n)], faced[rnd.IntN(n)]; a != b {
				count(a, b)
			}
		}
	}
	for l := range counts { // the registry may show a level rarer than the prior, not ten times rarer
		fu.u[l] = max((counts[l]+faceUPrior[l]*facePriorPairs)/(pairs+facePriorPairs), faceUPrior[l]/10)
	}
	fu.faces = max(len(faced), 1)
	return fu.u
}

func faceLevel(d float64) int {
	return slices.IndexFunc(faceLevels, func(l faceBand) bool { return d < l.below })
}

// faceDistance is the Euclidean distance of two embeddings as the index keeps them.
func faceDistance(a, b []int8) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.Inf(1)
	}
	return math.Sqrt(float64(distance8(a, b, math.MaxInt32))) / faceScale
}

// gatherFaces adds the records with a face within faceGather of one of q's: the nearest
// faceGatherMost. The caller holds the read lock.
func (ix *Index) gatherFaces(q []FaceSeen, b *blocker) {
	type near struct {
		pos int32
		d   float64
	}
	var found []near
	for _, qf := range q {
		if len(qf.Vec) != faceDims {
			continue
		}
		for pos, d := range ix.faceRows.near(qf.Vec, faceGather) {
			found = append(found, near{pos, d})
		}
	}
	slices.SortFunc(found, func(x, y near) int { return cmp.Or(cmp.Compare(x.d, y.d), cmp.Compare(x.pos, y.pos)) })
	for _, f := range found[:min(len(found), faceGatherMost)] {
		b.touch(f.pos, 16)
	}
}

// faceEvidence weighs the closest pair of q's and r's faces; ok is false when either has none.
func faceEvidence(q, r *Record, u [4]float64, model *Model) (Evidence, bool) {
	if len(q.Faces) == 0 || len(r.Faces) == 0 {
		return Evidence{}, false
	}
	best, gap := math.Inf(1), int32(0)
	for _, a := range q.Faces {
		for _, b := range r.Faces {
			if d := faceDistance(a.Vec, b.Vec); d < best {
				best, gap = d, abs32(a.Day-b.Day)
			}
		}
	}
	l := faceLevel(best)
	years := float64(gap) / 365.25
	band := 0
	switch {
	case years >= 3:
		band = 2
	case years >= 1:
		band = 1
	}
	level := faceLevels[l].level
	e := Evidence{Field: FieldFace, Level: level, Weight: round2(math.Log2(model.Levels[faceFields[band]][level].M / u[l])), model: faceFields[band]}
	if band == 0 {
		e.model = ""
	}
	e.Detail = fmt.Sprintf("faces %.2f apart (photos %.1f years apart; children's faces change as they grow: a person compares the photos)", best, years)
	e.given = e.Detail
	return e, true
}

func abs32(v int32) int32 { return max(v, -v) }
