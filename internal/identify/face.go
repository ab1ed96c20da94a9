package identify

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// FieldFace compares the faces in the found child's photo and the recorded child's photos: the
// distance between their embeddings (face.Distance), weighed at a level whose u is learnt from the
// registry's own photos of different children and whose m falls with the years between the photos.
const FieldFace = "face"

// FaceSeen is one photo's face: its embedding and the day the photo was taken (or recorded).
type FaceSeen struct {
	Vec []float32
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

// faceM is how the distance between two photos of one child falls, by the years between them
// (under 1, 1 to 3, 3 or more). Not learnt: there is no set of children's faces across years to
// learn from. dlib's network puts 99.38 % of adult pairs on the right side of 0.6 (LFW); children's
// faces change as they grow, and published results fall as the gap grows, so m of the far levels
// is set well above what adults' photos show.
var faceM = [3][4]float64{
	{0.75, 0.12, 0.07, 0.06},
	{0.50, 0.20, 0.15, 0.15},
	{0.25, 0.20, 0.20, 0.35},
}

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
		counts[faceLevel(distance(a.Faces[0].Vec, b.Faces[0].Vec, math.Inf(1)))]++
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

// distance is the Euclidean distance of two embeddings, or a number over limit as soon as the
// sum passes it (most faces are far: the rest of the sum is not needed).
func distance(a, b []float32, limit float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.Inf(1)
	}
	lim2 := limit * limit
	var s float32
	for i := 0; i < len(a); i += 16 {
		for j := i; j < min(i+16, len(a)); j++ {
			d := a[j] - b[j]
			s += d * d
		}
		if float64(s) > lim2 {
			return math.Sqrt(float64(s))
		}
	}
	return math.Sqrt(float64(s))
}

// faceDims is the length of the embeddings the face store holds (face.Size).
const faceDims = 128

// faceScale turns an embedding's numbers (within about ±0.3) into bytes for the face store; the
// rounding moves a distance by about 0.01, covered by faceSlack.
const (
	faceScale = 400
	faceSlack = 0.02
)

// quantize is v as the face store keeps it.
func quantize(v []float32) []int8 {
	out := make([]int8, len(v))
	for i, x := range v {
		out[i] = int8(max(min(math.Round(float64(x)*faceScale), 127), -127))
	}
	return out
}

// distance8 is the distance of two quantized embeddings in store units squared, or a number over
// lim2 as soon as the sum passes it.
func distance8(a, b []int8, lim2 int32) int32 {
	var s int32
	for i := 0; i < len(a); i += 16 {
		for j, x := range a[i : i+16] {
			d := int32(x) - int32(b[i+j])
			s += d * d
		}
		if s > lim2 {
			return s
		}
	}
	return s
}

// faceStore keeps every recorded face's embedding in one block, a row of bytes each, beside the
// record's position: a search reads them in order, not record by record, a quarter of the floats'
// size. A removed face's row is marked and the block compacted when half of it is marked.
type faceStore struct {
	vecs    []int8
	owner   []int32 // the record position of each row; -1 when removed
	rows    map[int32][]int32
	removed int
}

func (fs *faceStore) add(pos int32, faces []FaceSeen) {
	for _, f := range faces {
		if len(f.Vec) != faceDims {
			continue
		}
		if fs.rows == nil {
			fs.rows = map[int32][]int32{}
		}
		fs.rows[pos] = append(fs.rows[pos], int32(len(fs.owner)))
		fs.vecs = append(fs.vecs, quantize(f.Vec)...)
		fs.owner = append(fs.owner, pos)
	}
}

func (fs *faceStore) remove(pos int32) {
	for _, row := range fs.rows[pos] {
		fs.owner[row] = -1
		fs.removed++
	}
	delete(fs.rows, pos)
	if fs.removed > 1000 && fs.removed > len(fs.owner)/2 {
		fs.compact()
	}
}

func (fs *faceStore) compact() {
	kept := 0
	fs.rows = map[int32][]int32{}
	for row, pos := range fs.owner {
		if pos < 0 {
			continue
		}
		copy(fs.vecs[kept*faceDims:], fs.vecs[row*faceDims:(row+1)*faceDims])
		fs.owner[kept] = pos
		fs.rows[pos] = append(fs.rows[pos], int32(kept))
		kept++
	}
	fs.vecs, fs.owner, fs.removed = fs.vecs[:kept*faceDims], fs.owner[:kept], 0
}

// near returns the record positions with a face within about limit of q (faceSlack more), each
// with its nearest distance; the rows are read by as many goroutines as there are processors, in
// big registries.
func (fs *faceStore) near(q []float32, limit float64) map[int32]float64 {
	q8 := quantize(q)
	lim := (limit + faceSlack) * faceScale
	lim2 := int32(lim * lim)
	parts := 1
	if len(fs.owner) > 50_000 {
		parts = runtime.GOMAXPROCS(0)
	}
	found := make([]map[int32]float64, parts)
	var wg sync.WaitGroup
	per := (len(fs.owner) + parts - 1) / parts
	for p := range parts {
		wg.Go(func() {
			m := map[int32]float64{}
			for row := p * per; row < min((p+1)*per, len(fs.owner)); row++ {
				if pos := fs.owner[row]; pos >= 0 {
					if d2 := distance8(q8, fs.vecs[row*faceDims:(row+1)*faceDims], lim2); d2 <= lim2 {
						d := math.Sqrt(float64(d2)) / faceScale
						if old, ok := m[pos]; !ok || d < old {
							m[pos] = d
						}
					}
				}
			}
			found[p] = m
		})
	}
	wg.Wait()
	for _, m := range found[1:] {
		for pos, d := range m {
			if old, ok := found[0][pos]; !ok || d < old {
				found[0][pos] = d
			}
		}
	}
	return found[0]
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
func faceEvidence(q, r *Record, u [4]float64) (Evidence, bool) {
	if len(q.Faces) == 0 || len(r.Faces) == 0 {
		return Evidence{}, false
	}
	best, gap := math.Inf(1), int32(0)
	for _, a := range q.Faces {
		for _, b := range r.Faces {
			if d := distance(a.Vec, b.Vec, math.Inf(1)); d < best {
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
	e := Evidence{Field: FieldFace, Level: faceLevels[l].level, Weight: round2(math.Log2(faceM[band][l] / u[l]))}
	e.Detail = fmt.Sprintf("faces %.2f apart (photos %.1f years apart; children's faces change as they grow: a person compares the photos)", best, years)
	e.given = e.Detail
	return e, true
}

func abs32(v int32) int32 { return max(v, -v) }
