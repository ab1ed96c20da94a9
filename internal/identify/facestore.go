package identify

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// faceDims is the length of the embeddings the index holds (face.Size).
const faceDims = 128

// faceScale turns an embedding's numbers into bytes: the sample photos' faces reach ±0.5, a byte
// holds ±0.635; a distance moves by about two thousandths, far less than the levels' widths.
const faceScale = 200

// quantize is v as the index keeps it.
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

// faceStore finds the recorded faces near a found child's. Each face is a row: the record's own
// embedding, not a copy, and its position. Past pqMin faces each row also has a product code of
// 34 bytes (quantizer); a search sums the coarse code's distances from a table, the finer code's
// where the coarse leaves doubt, and compares in full only the rows both leave in doubt (pqReach).
type faceStore struct {
	vecs    [][]int8
	owner   []int32 // the record position of each row; -1 when removed
	first   []int32 // by record position: its first row (a record's rows are together), or -1
	removed int
	pq      *quantizer
	codes   []pqCode // each row's code, when pq is set
	trained int      // the faces held when pq was trained
}

// pqMin is how many faces a store holds before it codes them: below it a search reads every row.
const pqMin = 20_000

func (fs *faceStore) add(pos int32, faces []FaceSeen) {
	for len(fs.first) <= int(pos) {
		fs.first = append(fs.first, -1)
	}
	for _, f := range faces {
		if len(f.Vec) != faceDims {
			continue
		}
		if fs.first[pos] < 0 {
			fs.first[pos] = int32(len(fs.owner))
		}
		fs.vecs = append(fs.vecs, f.Vec)
		fs.owner = append(fs.owner, pos)
		if fs.pq != nil {
			fs.codes = append(fs.codes, fs.pq.encode(f.Vec))
		}
	}
	if live := len(fs.owner) - fs.removed; (fs.pq == nil && live >= pqMin) || (fs.pq != nil && live >= 10*fs.trained) {
		fs.train()
	}
}

func (fs *faceStore) remove(pos int32) {
	if int(pos) >= len(fs.first) || fs.first[pos] < 0 {
		return
	}
	for row := fs.first[pos]; int(row) < len(fs.owner) && fs.owner[row] == pos; row++ {
		fs.owner[row], fs.vecs[row] = -1, nil
		fs.removed++
	}
	fs.first[pos] = -1
	if fs.removed > 1000 && fs.removed > len(fs.owner)/2 {
		fs.compact()
	}
}

func (fs *faceStore) compact() {
	kept := 0
	for row, pos := range fs.owner {
		if pos < 0 {
			continue
		}
		if kept == 0 || fs.owner[kept-1] != pos {
			fs.first[pos] = int32(kept)
		}
		fs.vecs[kept], fs.owner[kept] = fs.vecs[row], pos
		if fs.pq != nil {
			fs.codes[kept] = fs.codes[row]
		}
		kept++
	}
	clear(fs.vecs[kept:])
	fs.vecs, fs.owner, fs.removed = fs.vecs[:kept], fs.owner[:kept], 0
	if fs.pq != nil {
		fs.codes = fs.codes[:kept]
	}
}

// train fits the quantizer to a sample of the faces held and codes every row.
func (fs *faceStore) train() {
	rnd := rand.New(rand.NewPCG(uint64(len(fs.owner)), 11))
	var sample [][]int8
	for _, i := range rnd.Perm(len(fs.owner)) {
		if fs.owner[i] >= 0 {
			sample = append(sample, fs.vecs[i])
		}
		if len(sample) == pqSample {
			break
		}
	}
	fs.pq = trainQuantizer(sample, rnd)
	fs.trained = len(fs.owner) - fs.removed
	fs.codes = make([]pqCode, 0, len(fs.owner))
	for _, codes := range parallel(len(fs.owner), func(from, to int) []pqCode {
		codes := make([]pqCode, to-from)
		for row := from; row < to; row++ {
			if fs.owner[row] >= 0 {
				codes[row-from] = fs.pq.encode(fs.vecs[row])
			}
		}
		return codes
	}) {
		fs.codes = append(fs.codes, codes...)
	}
}

// parallel runs f over [0, n) in parts of parallelPart, taken in turn by as many goroutines as
// there are processors (one held up by the machine's other work leaves its parts to the others),
// and returns each part's result.
func parallel[T any](n int, f func(from, to int) T) []T {
	parts := (n + parallelPart - 1) / parallelPart
	out := make([]T, parts)
	if parts == 1 {
		out[0] = f(0, n)
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), parts) {
		wg.Go(func() {
			for p := int(next.Add(1)) - 1; p < parts; p = int(next.Add(1)) - 1 {
				out[p] = f(p*parallelPart, min(n, (p+1)*parallelPart))
			}
		})
	}
	wg.Wait()
	return out
}

const parallelPart = 32_768

// near returns the record positions with a face within limit of q, each with its nearest
// distance.
func (fs *faceStore) near(q []int8, limit float64) map[int32]float64 {
	lim := float32(limit * faceScale)
	lim2 := int32(lim * lim)
	var found [][]nearRow
	if fs.pq == nil {
		found = parallel(len(fs.owner), func(from, to int) []nearRow {
			var rows []nearRow
			for row := from; row < to; row++ {
				rows = fs.compare(q, row, lim2, rows)
			}
			return rows
		})
	} else {
		codes := fs.pq.query(q, lim)
		found = parallel(len(fs.owner), func(from, to int) []nearRow {
			var rows []nearRow
			for row := from; row < to; row++ {
				if codes.inDoubt(&fs.codes[row]) {
					rows = fs.compare(q, row, lim2, rows)
				}
			}
			return rows
		})
	}
	out := map[int32]float64{}
	for _, rows := range found {
		for _, r := range rows {
			if old, ok := out[r.pos]; !ok || r.d < old {
				out[r.pos] = r.d
			}
		}
	}
	return out
}

// compare adds the row to rows when it is live and within lim2 of q.
func (fs *faceStore) compare(q []int8, row int, lim2 int32, rows []nearRow) []nearRow {
	if pos := fs.owner[row]; pos >= 0 {
		if d2 := distance8(q, fs.vecs[row], lim2); d2 <= lim2 {
			rows = append(rows, nearRow{pos, math.Sqrt(float64(d2)) / faceScale})
		}
	}
	return rows
}

// pqQuery is what reading the codes for one query takes.
type pqQuery struct {
	coarse *pqTable
	finer  *pqFiner
	reach  *[256]float32
}

func (q *quantizer) query(v []int8, lim float32) pqQuery {
	return pqQuery{q.table(v), q.fineTable(v), doubt(lim)}
}

// inDoubt is whether the row coded c may be within the limit, by its coarse code and then its
// finer: the row must then be compared in full.
func (q pqQuery) inDoubt(c *pqCode) bool {
	return q.coarse.sum(c) <= q.reach[c[pqBytes]] && q.finer.sum(c) <= q.reach[c[pqCodeLen-1]]
}

// doubt is, for each error a row's code may have, the code's squared distance from the query
// beyond which the row cannot be within lim. The code's embedding is √s from q and e from the
// row's own, the row d: s = d² + e² + 2(q−x)·(x−x̂), the last term near 0 as the error's direction
// meets q's by chance, so a row with s over lim² + e² + 2·lim·e·pqReach is not near. (A bound
// would take pqReach as 1, and read a quarter of the rows in full.)
func doubt(lim float32) *[256]float32 {
	var reach [256]float32
	for e := range reach {
		ef := float32(e)
		reach[e] = lim*lim + ef*ef + 2*lim*ef*pqReach
	}
	reach[255] = float32(math.Inf(1))
	return &reach
}

type nearRow struct {
	pos int32
	d   float64
}

// The quantizer cuts an embedding into pqSub pieces of pqDim numbers and writes each as the
// nearest of pqK centres learnt for that piece (k-means), two pieces to a byte; then what each
// piece's centre leaves as the nearest of pqK centres learnt for that (the finer code). The
// coarse code's centres pull every face towards the middle by about the code's error, so a face
// far from the query can look as near as one within the limit: the finer code, read only where
// the coarse one leaves doubt, sets them apart, where the coarse alone sent up to a fifth of the
// faces to be compared in full.
const (
	pqSub    = 32
	pqDim    = faceDims / pqSub
	pqK      = 16
	pqBytes  = pqSub / 2
	pqSample = 16_384 // faces it learns from
	pqRounds = 12
	// pqReach is how far the code error's part in q's direction may go, as a share of its
	// length: in 128 dimensions a direction met by chance is within 4/√128 of a given one all but
	// a few times in a hundred thousand (TestFaceStoreFindsWhatAFullScanFinds, BenchmarkFaceSearch).
	pqReach = 0.35
)

// pqTable holds, for each byte of a code and each of its values, the squared distance of a query's
// two pieces from the two centres the byte names.
type pqTable [pqBytes][256]float32

// pqFiner holds, for each piece and each pair of coarse and finer centres, the squared distance
// of a query's piece from their sum: indexed by the coarse centre, then the finer one × 16.
type pqFiner [pqSub][pqK * pqK]float32

type quantizer struct {
	centres, finer [pqSub][pqK][pqDim]float32
}

func trainQuantizer(sample [][]int8, rnd *rand.Rand) *quantizer {
	var q quantizer
	for sub := range pqSub {
		pts := make([][pqDim]float32, len(sample))
		for i, v := range sample {
			for d := range pqDim {
				pts[i][d] = float32(v[sub*pqDim+d])
			}
		}
		q.centres[sub] = kmeans(pts, rnd)
		for i := range pts {
			k, _ := nearest(&q.centres[sub], pts[i][:])
			for d := range pqDim {
				pts[i][d] -= q.centres[sub][k][d]
			}
		}
		q.finer[sub] = kmeans(pts, rnd)
	}
	return &q
}

// kmeans is Lloyd's algorithm from centres drawn among the points; a centre left alone is drawn
// again.
func kmeans(pts [][pqDim]float32, rnd *rand.Rand) [pqK][pqDim]float32 {
	var c [pqK][pqDim]float32
	for k := range c {
		c[k] = pts[rnd.IntN(len(pts))]
	}
	for range pqRounds {
		var sum [pqK][pqDim]float32
		var n [pqK]int
		for _, p := range pts {
			k, _ := nearest(&c, p[:])
			n[k]++
			for d := range pqDim {
				sum[k][d] += p[d]
			}
		}
		for k := range c {
			if n[k] == 0 {
				c[k] = pts[rnd.IntN(len(pts))]
				continue
			}
			for d := range pqDim {
				c[k][d] = sum[k][d] / float32(n[k])
			}
		}
	}
	return c
}

// nearest is the centre nearest p, with its squared distance.
func nearest[T int8 | float32](c *[pqK][pqDim]float32, p []T) (int, float32) {
	best, bd := 0, float32(math.Inf(1))
	for k := range c {
		var s float32
		for d := range pqDim {
			x := float32(p[d]) - c[k][d]
			s += x * x
		}
		if s < bd {
			best, bd = k, s
		}
	}
	return best, bd
}

// pqCode is a row's coarse code, two pieces to a byte, then how far the row is from the code's
// embedding in store units, rounded up (255: too far to say); then the same of the finer code.
type pqCode [pqCodeLen]byte

const pqCodeLen = 2 * (pqBytes + 1)

// encode is v's code.
func (q *quantizer) encode(v []int8) pqCode {
	var code pqCode
	var off, fineOff float32
	for sub := range pqSub {
		k, d := nearest(&q.centres[sub], v[sub*pqDim:(sub+1)*pqDim])
		var left [pqDim]float32
		for i := range left {
			left[i] = float32(v[sub*pqDim+i]) - q.centres[sub][k][i]
		}
		f, fd := nearest(&q.finer[sub], left[:])
		off, fineOff = off+d, fineOff+fd
		shift := 4 * (sub % 2)
		code[sub/2] |= byte(k) << shift
		code[pqBytes+1+sub/2] |= byte(f) << shift
	}
	code[pqBytes] = byte(min(math.Ceil(math.Sqrt(float64(off))), 255))
	code[pqCodeLen-1] = byte(min(math.Ceil(math.Sqrt(float64(fineOff))), 255))
	return code
}

// table is v's pqTable.
func (q *quantizer) table(v []int8) *pqTable {
	var piece [pqSub][pqK]float32
	for sub := range pqSub {
		for k := range pqK {
			var s float32
			for d := range pqDim {
				x := float32(v[sub*pqDim+d]) - q.centres[sub][k][d]
				s += x * x
			}
			piece[sub][k] = s
		}
	}
	var t pqTable
	for b := range pqBytes {
		for v := range 256 {
			t[b][v] = piece[2*b][v&15] + piece[2*b+1][v>>4]
		}
	}
	return &t
}

// fineTable is v's pqFiner.
func (q *quantizer) fineTable(v []int8) *pqFiner {
	var t pqFiner
	for sub := range pqSub {
		for k := range pqK {
			for f := range pqK {
				var s float32
				for d := range pqDim {
					x := float32(v[sub*pqDim+d]) - q.centres[sub][k][d] - q.finer[sub][f][d]
					s += x * x
				}
				t[sub][k|f<<4] = s
			}
		}
	}
	return &t
}

// sum is the squared distance of the table's query from the finer code's embedding.
func (t *pqFiner) sum(c *pqCode) float32 {
	var s float32
	for b, coarse := range c[:pqBytes] {
		fine := c[pqBytes+1+b]
		s += t[2*b][coarse&15|fine<<4] + t[2*b+1][coarse>>4|fine&0xf0]
	}
	return s
}

// sum is the squared distance of the table's query from the code's embedding: written out, in
// four sums side by side, as it is most of a search's work.
func (t *pqTable) sum(c *pqCode) float32 {
	a := t[0][c[0]] + t[4][c[4]] + t[8][c[8]] + t[12][c[12]]
	b := t[1][c[1]] + t[5][c[5]] + t[9][c[9]] + t[13][c[13]]
	d := t[2][c[2]] + t[6][c[6]] + t[10][c[10]] + t[14][c[14]]
	e := t[3][c[3]] + t[7][c[7]] + t[11][c[11]] + t[15][c[15]]
	return (a + b) + (d + e)
}
