// Package face finds the faces in a photograph and turns each into 128 numbers that are close
// for photos of one person and far apart for different people: face-api's tiny face detector and
// 68-landmark network, and dlib's face recognition ResNet, run in Go from the weights the npm
// package @vladmandic/face-api ships (see Install).
package face

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
)

// Model names the weights and the pipeline an embedding was made with: embeddings of different
// models are never compared.
const Model = "face-api-1.7.15/dlib-resnet-150"

// Size is an embedding's length.
const Size = 128

// Face is one face found in a photo.
type Face struct {
	Box       image.Rectangle // in the photo's pixels
	Score     float64         // the detector's confidence, 0–1
	Landmarks [68]image.Point // in the photo's pixels
	Embedding []float32
}

// Pipeline runs the three networks. It is safe for concurrent use.
type Pipeline struct {
	det  *detector
	mark *marker
	rec  *recognizer
	// InputSize is the detector's input side, a multiple of 32: larger finds smaller faces, slower.
	InputSize int
	// MinScore is the detector confidence below which a face is not reported.
	MinScore float64
}

// Load reads the three networks from dir, the model folder of the face-api package.
func Load(dir string) (*Pipeline, error) {
	det, err := loadDetector(dir)
	if err != nil {
		return nil, err
	}
	mark, err := loadMarker(dir)
	if err != nil {
		return nil, err
	}
	rec, err := loadRecognizer(dir)
	if err != nil {
		return nil, err
	}
	return &Pipeline{det: det, mark: mark, rec: rec, InputSize: 416, MinScore: 0.5}, nil
}

// Faces finds every face in img, largest first, each with its landmarks and embedding.
func (p *Pipeline) Faces(img image.Image) []Face {
	src := newPicture(img)
	var out []Face
	for _, d := range p.find(src) {
		out = append(out, p.describe(src, d))
	}
	slices.SortStableFunc(out, func(a, b Face) int { return cmp.Compare(area(b.Box), area(a.Box)) })
	return out
}

// Largest is Faces' first face, the only one described: what a photo is kept and searched by.
func (p *Pipeline) Largest(img image.Image) (Face, bool) {
	src := newPicture(img)
	found := p.find(src)
	if len(found) == 0 {
		return Face{}, false
	}
	return p.describe(src, slices.MaxFunc(found, func(a, b box) int { return cmp.Compare(area(a.rect()), area(b.rect())) })), true
}

// find detects the faces in src; a face filling the picture can be too big for the detector, so
// when none is found it looks again with the picture smaller.
func (p *Pipeline) find(src *picture) []box {
	if found := p.detect(src, 0); len(found) > 0 {
		return found
	}
	return p.detect(src, 0.5)
}

// describe places the landmarks of the face in d and embeds the face aligned by them.
func (p *Pipeline) describe(src *picture, d box) Face {
	f := Face{Box: d.rect(), Score: d.score}
	marks := p.landmarks(src, d)
	for i := range f.Landmarks {
		f.Landmarks[i] = image.Pt(int(math.Round(marks[i][0])), int(math.Round(marks[i][1])))
	}
	f.Embedding = p.rec.run(chip(src, marks))
	return f
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// Distance is the Euclidean distance between two embeddings: dlib's networks put photos of one
// person within 0.6 of each other (99.38 % right on adult faces in LFW).
func Distance(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

// picture is a photo as the networks' inputs are sampled from it: a camera's JPEG (YCbCr) read as
// it is, any other converted to RGBA once (converting a 1920×1280 JPEG took 17 ms; the inputs read
// a fraction of its pixels).
type picture struct {
	w, h int
	ycc  *image.YCbCr
	rgba *image.RGBA
}

func newPicture(img image.Image) *picture {
	b := img.Bounds()
	p := &picture{w: b.Dx(), h: b.Dy()}
	switch m := img.(type) {
	case *image.YCbCr:
		p.ycc = m
	case *image.RGBA:
		p.rgba = m
	default:
		p.rgba = image.NewRGBA(b)
		draw.Draw(p.rgba, b, img, b.Min, draw.Src)
	}
	return p
}

// at is the colour of pixel (x, y) counted from the picture's corner, black outside it.
func (p *picture) at(x, y int) (r, g, b float64) {
	if x < 0 || y < 0 || x >= p.w || y >= p.h {
		return 0, 0, 0
	}
	if m := p.ycc; m != nil {
		x, y = x+m.Rect.Min.X, y+m.Rect.Min.Y
		ci := m.COffset(x, y)
		r, g, b := color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[ci], m.Cr[ci])
		return float64(r), float64(g), float64(b)
	}
	px := p.rgba.Pix[p.rgba.PixOffset(x+p.rgba.Rect.Min.X, y+p.rgba.Rect.Min.Y):]
	return float64(px[0]), float64(px[1]), float64(px[2])
}

// sample fills a width×height input by bilinear sampling of src at (x0 + ox·ax + oy·bx,
// y0 + ox·ay + oy·by) for output pixel (ox, oy): zero outside the picture.
func sample(src *picture, width, height int, x0, y0, ax, ay, bx, by float64) *tensor {
	t := newTensor(height, width, 3)
	for oy := range height {
		for ox := range width {
			sx := x0 + float64(ox)*ax + float64(oy)*bx
			sy := y0 + float64(ox)*ay + float64(oy)*by
			fx, fy := math.Floor(sx), math.Floor(sy)
			dx, dy := sx-fx, sy-fy
			ix, iy := int(fx), int(fy)
			r00, g00, b00 := src.at(ix, iy)
			r10, g10, b10 := src.at(ix+1, iy)
			r01, g01, b01 := src.at(ix, iy+1)
			r11, g11, b11 := src.at(ix+1, iy+1)
			px := t.d[(oy*width+ox)*3:]
			for c, v := range [3][4]float64{{r00, r10, r01, r11}, {g00, g10, g01, g11}, {b00, b10, b01, b11}} {
				top := v[0]*(1-dx) + v[1]*dx
				bottom := v[2]*(1-dx) + v[3]*dx
				px[c] = float32(top*(1-dy) + bottom*dy)
			}
		}
	}
	return t
}

// box is a detection, in the photo's pixels.
type box struct {
	x0, y0, x1, y1, score float64
}

func (b box) rect() image.Rectangle {
	return image.Rect(int(math.Round(b.x0)), int(math.Round(b.y0)), int(math.Round(b.x1)), int(math.Round(b.y1)))
}

func (b box) iou(o box) float64 {
	w := min(b.x1, o.x1) - max(b.x0, o.x0)
	h := min(b.y1, o.y1) - max(b.y0, o.y0)
	if w <= 0 || h <= 0 {
		return 0
	}
	inter := w * h
	return inter / ((b.x1-b.x0)*(b.y1-b.y0) + (o.x1-o.x0)*(o.y1-o.y0) - inter)
}

// detect finds faces as face-api does: the photo padded to a square (below and right), scaled to
// the input, cells' boxes over the score kept, overlaps (IoU over 0.4) suppressed. A margin
// (a share of the side) pads the square all round.
func (p *Pipeline) detect(src *picture, margin float64) []box {
	side := float64(max(src.w, src.h))
	origin := -margin * side
	side *= 1 + 2*margin
	in := p.InputSize
	step := side / float64(in)
	out := p.det.run(sample(src, in, in, origin, origin, step, 0, 0, step))
	cells := float64(out.h)
	var found []box
	for row := range out.h {
		for col := range out.w {
			cell := out.d[(row*out.w+col)*out.c:]
			for a, anchor := range anchors {
				v := cell[a*5 : a*5+5]
				score := sigmoid(v[4])
				if score <= p.MinScore {
					continue
				}
				cx := origin + (float64(col)+sigmoid(v[0]))/cells*side
				cy := origin + (float64(row)+sigmoid(v[1]))/cells*side
				w := math.Exp(float64(v[2])) * anchor[0] / cells * side
				h := math.Exp(float64(v[3])) * anchor[1] / cells * side
				found = append(found, box{cx - w/2, cy - h/2, cx + w/2, cy + h/2, score})
			}
		}
	}
	slices.SortStableFunc(found, func(a, b box) int { return cmp.Compare(b.score, a.score) })
	var kept []box
	for _, b := range found {
		if !slices.ContainsFunc(kept, func(k box) bool { return k.iou(b) > 0.4 }) {
			kept = append(kept, b)
		}
	}
	return kept
}

func sigmoid(v float32) float64 { return 1 / (1 + math.Exp(-float64(v))) }

// landmarks places the 68 points in the face the box holds: the box made square about its
// centre, scaled to 112×112.
func (p *Pipeline) landmarks(src *picture, b box) [68][2]float64 {
	side := max(b.x1-b.x0, b.y1-b.y0)
	x0, y0 := (b.x0+b.x1)/2-side/2, (b.y0+b.y1)/2-side/2
	step := side / 112
	raw := p.mark.run(sample(src, 112, 112, x0, y0, step, 0, 0, step))
	var out [68][2]float64
	for i := range out {
		out[i] = [2]float64{x0 + float64(raw[2*i])*side, y0 + float64(raw[2*i+1])*side}
	}
	return out
}

// chip is the face turned upright and scaled as dlib's get_face_chip_details(shape, 150, 0.25)
// makes the chips its network learned from: the similarity that best carries dlib's mean face
// (its eyes, nose and upper mouth) onto the landmarks.
func chip(src *picture, marks [68][2]float64) *tensor {
	const size, pad = 150.0, 0.25
	var from, to [][2]float64
	for i := 17; i < 68; i++ {
		if (i >= 17 && i <= 26) || (i >= 55 && i <= 59) || i >= 65 {
			continue // eyebrows and the lower lip, as dlib leaves them out
		}
		from = append(from, [2]float64{(pad + meanFace[i-17][0]) / (2*pad + 1) * size, (pad + meanFace[i-17][1]) / (2*pad + 1) * size})
		to = append(to, marks[i])
	}
	a, b, tx, ty := similarity(from, to)
	return sample(src, size, size, tx, ty, a, b, -b, a)
}

// similarity is the least-squares x' = a·x − b·y + tx, y' = b·x + a·y + ty carrying from onto to.
func similarity(from, to [][2]float64) (a, b, tx, ty float64) {
	n := float64(len(from))
	var mfx, mfy, mtx, mty float64
	for i := range from {
		mfx, mfy, mtx, mty = mfx+from[i][0], mfy+from[i][1], mtx+to[i][0], mty+to[i][1]
	}
	mfx, mfy, mtx, mty = mfx/n, mfy/n, mtx/n, mty/n
	var num1, num2, den float64
	for i := range from {
		fx, fy := from[i][0]-mfx, from[i][1]-mfy
		gx, gy := to[i][0]-mtx, to[i][1]-mty
		num1 += fx*gx + fy*gy
		num2 += fx*gy - fy*gx
		den += fx*fx + fy*fy
	}
	if den == 0 {
		return 1, 0, mtx - mfx, mty - mfy
	}
	a, b = num1/den, num2/den
	return a, b, mtx - (a*mfx - b*mfy), mty - (b*mfx + a*mfy)
}

// meanFace is dlib's mean positions of the 68-point landmarks 17–67, in 0–1 of the face.
var meanFace = [51][2]float64{
	{0.000213256, 0.106454}, {0.0752622, 0.038915}, {0.18113, 0.0187482}, {0.29077, 0.0344891}, {0.393397, 0.0773906},
	{0.586856, 0.0773906}, {0.689483, 0.0344891}, {0.799124, 0.0187482}, {0.904991, 0.038915}, {0.98004, 0.106454},
	{0.490127, 0.203352}, {0.490127, 0.307009}, {0.490127, 0.409805}, {0.490127, 0.515625}, {0.36688, 0.587326},
	{0.426036, 0.609345}, {0.490127, 0.628106}, {0.554217, 0.609345}, {0.613373, 0.587326}, {0.121737, 0.216423},
	{0.187122, 0.178758}, {0.265825, 0.179852}, {0.334606, 0.231733}, {0.260918, 0.245099}, {0.182743, 0.244077},
	{0.645647, 0.231733}, {0.714428, 0.179852}, {0.793132, 0.178758}, {0.858516, 0.216423}, {0.79751, 0.244077},
	{0.719335, 0.245099}, {0.254149, 0.780233}, {0.340985, 0.745405}, {0.428858, 0.727388}, {0.490127, 0.742578},
	{0.551395, 0.727388}, {0.639268, 0.745405}, {0.726104, 0.780233}, {0.642159, 0.864805}, {0.556721, 0.902192},
	{0.490127, 0.909281}, {0.423532, 0.902192}, {0.338094, 0.864805}, {0.290379, 0.784792}, {0.428096, 0.778746},
	{0.490127, 0.785343}, {0.552157, 0.778746}, {0.689874, 0.784792}, {0.553364, 0.824182}, {0.490127, 0.831803},
	{0.42689, 0.824182},
}

// Check reports whether an embedding is one this package could have made.
func Check(e []float32) error {
	if len(e) != Size {
		return fmt.Errorf("a face embedding has %d numbers, not %d", Size, len(e))
	}
	for _, v := range e {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("a face embedding holds a number that is not finite")
		}
	}
	return nil
}
