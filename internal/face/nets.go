package face

import "fmt"

// The three networks of face-api's models: a detector (a tiny YOLOv2 of separable convolutions),
// 68 landmarks (a tiny network of dense blocks) and dlib's ResNet that turns a face into 128
// numbers. Each runs as face-api runs it, layer for layer.

// convScale is a convolution followed by a per-channel scale (a batch norm folded in).
type convScale struct {
	conv     *conv
	sw, sb   []float32
	stride   int
	pad      padding
	withRelu bool
}

func (l *convScale) apply(x *tensor) *tensor {
	y := l.conv.apply(x, l.stride, l.pad)
	y.scale(l.sw, l.sb)
	if l.withRelu {
		y.relu()
	}
	return y
}

// residual is two convolutions and the shortcut around them; a down block halves the size with
// its first convolution and the shortcut with an average pool (zero channels added).
type residual struct {
	c1, c2 *convScale
	down   bool
}

func (r *residual) apply(x *tensor) *tensor {
	y := r.c2.apply(r.c1.apply(x))
	short := x
	if r.down {
		short = avgPool(x, 2, 2)
		if short.c != y.c || short.h != y.h {
			short = padTo(short, max(short.h, y.h), max(short.w, y.w), y.c)
		}
		if y.h != short.h || y.w != short.w {
			y = padTo(y, short.h, short.w, y.c)
		}
	}
	y.add(short)
	y.relu()
	return y
}

// padTo returns x with zero rows, columns and channels added after its own.
func padTo(x *tensor, h, w, c int) *tensor {
	y := newTensor(h, w, c)
	for r := range x.h {
		for col := range x.w {
			copy(y.d[(r*w+col)*c:], x.d[(r*x.w+col)*x.c:(r*x.w+col+1)*x.c])
		}
	}
	return y
}

// recognizer is dlib's face recognition ResNet (29 convolutions), 150×150 in, 128 numbers out.
type recognizer struct {
	first  *convScale
	blocks []*residual
	fc     []float32 // 256 × 128
}

func loadRecognizer(dir string) (*recognizer, error) {
	w, err := loadWeights(dir, "face_recognition_model")
	if err != nil {
		return nil, err
	}
	var missing []string
	layer := func(prefix string, k, in, out, stride int, pad padding, withRelu bool) *convScale {
		return &convScale{conv: w.conv(prefix+"/conv/", k, in, out, &missing), sw: w.take(prefix+"/scale/weights", out, &missing),
			sb: w.take(prefix+"/scale/biases", out, &missing), stride: stride, pad: pad, withRelu: withRelu}
	}
	n := &recognizer{first: layer("conv32_down", 7, 3, 32, 2, valid, true)}
	block := func(name string, in, out int, down bool) {
		stride, pad := 1, same
		if down {
			stride, pad = 2, valid
		}
		n.blocks = append(n.blocks, &residual{c1: layer(name+"/conv1", 3, in, out, stride, pad, true),
			c2: layer(name+"/conv2", 3, out, out, 1, same, false), down: down})
	}
	for _, b := range []struct {
		name    string
		in, out int
		down    bool
	}{
		{"conv32_1", 32, 32, false}, {"conv32_2", 32, 32, false}, {"conv32_3", 32, 32, false},
		{"conv64_down", 32, 64, true}, {"conv64_1", 64, 64, false}, {"conv64_2", 64, 64, false}, {"conv64_3", 64, 64, false},
		{"conv128_down", 64, 128, true}, {"conv128_1", 128, 128, false}, {"conv128_2", 128, 128, false},
		{"conv256_down", 128, 256, true}, {"conv256_1", 256, 256, false}, {"conv256_2", 256, 256, false},
		{"conv256_down_out", 256, 256, true},
	} {
		block(b.name, b.in, b.out, b.down)
	}
	n.fc = w.take("fc", 256*128, &missing)
	return n, checked("face_recognition_model", missing)
}

// run embeds a 150×150 face, its pixels 0–255 RGB.
func (n *recognizer) run(x *tensor) []float32 {
	normalize(x, [3]float32{122.782, 117.001, 104.298})
	x = maxPool(n.first.apply(x), 3, 2, valid)
	for _, b := range n.blocks {
		x = b.apply(x)
	}
	mean := make([]float32, x.c)
	for i := 0; i < len(x.d); i += x.c {
		for c := range mean {
			mean[c] += x.d[i+c]
		}
	}
	for c := range mean {
		mean[c] /= float32(x.h * x.w)
	}
	out := make([]float32, 128)
	matmul(out, mean, n.fc, nil, 1, 256, 128)
	return out
}

// normalize subtracts the mean colour and scales to about ±1, as every network here expects.
func normalize(x *tensor, mean [3]float32) {
	for i := 0; i < len(x.d); i += 3 {
		for c := range 3 {
			x.d[i+c] = (x.d[i+c] - mean[c]) / 255
		}
	}
}

// separable is a depthwise then pointwise convolution with a bias.
type separable struct {
	dw []float32
	pw *conv
}

func (s *separable) apply(x *tensor, stride int) *tensor {
	return s.pw.apply(depthwise(x, s.dw, 3, stride, same), 1, same)
}

func loadSeparable(w weights, prefix string, in, out int, missing *[]string) *separable {
	return &separable{dw: w.take(prefix+"/depthwise_filter", 9*in, missing),
		pw: &conv{k: 1, in: in, out: out, w: w.take(prefix+"/pointwise_filter", in*out, missing), b: w.take(prefix+"/bias", out, missing)}}
}

// detector is face-api's tiny face detector: 13×13 cells of 5 anchor boxes from a 416 input.
type detector struct {
	first *conv
	sep   []*separable
	last  *conv
}

// anchors are the detector's box shapes, in cells.
var anchors = [5][2]float64{{1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061}, {4.266906, 5.178857}, {9.041765, 10.66308}}

func loadDetector(dir string) (*detector, error) {
	w, err := loadWeights(dir, "tiny_face_detector_model")
	if err != nil {
		return nil, err
	}
	var missing []string
	n := &detector{first: w.conv("conv0/", 3, 3, 16, &missing), last: w.conv("conv8/", 1, 512, 25, &missing)}
	for i, ch := range []int{16, 32, 64, 128, 256, 512} {
		if i > 0 {
			n.sep = append(n.sep, loadSeparable(w, fmt.Sprintf("conv%d", i), ch/2, ch, &missing))
		}
	}
	return n, checked("tiny_face_detector_model", missing)
}

// run returns the detector's raw output for a square input whose side is a multiple of 32.
func (n *detector) run(x *tensor) *tensor {
	normalize(x, [3]float32{117.001, 114.697, 97.404})
	x = n.first.apply(x, 1, valid)
	x.leaky()
	for _, s := range n.sep {
		x = s.apply(maxPool(x, 2, 2, same), 1)
		x.leaky()
	}
	x = maxPool(x, 2, 1, same)
	return n.last.apply(x, 1, valid)
}

// marker is face-api's tiny 68-landmark network, 112×112 in.
type marker struct {
	first  *conv
	blocks [3][3]*separable // block 0's first is nil: the first convolution stands for it
	fc     *conv
}

func loadMarker(dir string) (*marker, error) {
	w, err := loadWeights(dir, "face_landmark_68_tiny_model")
	if err != nil {
		return nil, err
	}
	var missing []string
	n := &marker{first: w.conv("dense0/conv0/", 3, 3, 32, &missing)}
	in := 32
	for b, ch := range []int{32, 64, 128} {
		for i := range 3 {
			if b == 0 && i == 0 {
				continue
			}
			from := ch
			if i == 0 {
				from = in
			}
			n.blocks[b][i] = loadSeparable(w, fmt.Sprintf("dense%d/conv%d", b, i), from, ch, &missing)
		}
		in = ch
	}
	n.fc = &conv{k: 1, in: 128, out: 136, w: w.take("fc/weights", 128*136, &missing), b: w.take("fc/bias", 136, &missing)}
	return n, checked("face_landmark_68_tiny_model", missing)
}

// run returns 68 (x, y) points, each in 0–1 of the 112×112 input's side.
func (n *marker) run(x *tensor) []float32 {
	normalize(x, [3]float32{122.782, 117.001, 104.298})
	for b := range n.blocks {
		var out1 *tensor
		if b == 0 {
			out1 = n.first.apply(x, 2, same)
		} else {
			out1 = n.blocks[b][0].apply(x, 2)
		}
		out1.relu()
		out2 := n.blocks[b][1].apply(out1, 1)
		in3 := sum(out1, out2)
		in3.relu()
		out3 := n.blocks[b][2].apply(in3, 1)
		out2.add(out3)
		out1.add(out2)
		out1.relu()
		x = out1
	}
	x = avgPool(x, 14, 2)
	return n.fc.apply(x, 1, same).d
}

func sum(a, b *tensor) *tensor {
	y := &tensor{a.h, a.w, a.c, append([]float32(nil), a.d...)}
	y.add(b)
	return y
}
