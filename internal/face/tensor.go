package face

import (
	"math"
	"runtime"
	"sync"
)

// tensor is one image's activations, height × width × channels, channels last (as TensorFlow's).
type tensor struct {
	h, w, c int
	d       []float32
}

func newTensor(h, w, c int) *tensor { return &tensor{h, w, c, make([]float32, h*w*c)} }

// padding is how a convolution or pooling treats the border, as TensorFlow's "same" and "valid".
type padding bool

const (
	same  padding = true
	valid padding = false
)

// outSize is an output's side and the padding before it, as TensorFlow computes them.
func outSize(in, k, stride int, p padding) (out, before int) {
	if p == valid {
		return (in-k)/stride + 1, 0
	}
	out = (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return out, total / 2
}

// conv is a convolution's filters, k × k × in × out (TensorFlow's HWIO), and its bias.
type conv struct {
	k, in, out int
	w, b       []float32
}

// apply convolves x: each output pixel's k×k×in patch gathered into a row, the rows multiplied
// by the filters at once.
func (f *conv) apply(x *tensor, stride int, p padding) *tensor {
	oh, top := outSize(x.h, f.k, stride, p)
	ow, left := outSize(x.w, f.k, stride, p)
	y := newTensor(oh, ow, f.out)
	if f.k == 1 && stride == 1 {
		matmul(y.d, x.d, f.w, f.b, oh*ow, f.in, f.out)
	} else {
		kk := f.k * f.k * f.in
		cols := make([]float32, oh*ow*kk)
		for oy := range oh {
			for ox := range ow {
				row := cols[(oy*ow+ox)*kk:]
				for ky := range f.k {
					iy, ix0 := oy*stride+ky-top, ox*stride-left
					if iy >= 0 && iy < x.h && ix0 >= 0 && ix0+f.k <= x.w { // the patch's row at once
						copy(row[ky*f.k*f.in:(ky+1)*f.k*f.in], x.d[(iy*x.w+ix0)*x.c:])
						continue
					}
					for kx := range f.k {
						ix := ix0 + kx
						dst := row[(ky*f.k+kx)*f.in : (ky*f.k+kx+1)*f.in]
						if iy < 0 || iy >= x.h || ix < 0 || ix >= x.w {
							clear(dst)
							continue
						}
						copy(dst, x.d[(iy*x.w+ix)*x.c:])
					}
				}
			}
		}
		matmul(y.d, cols, f.w, f.b, oh*ow, kk, f.out)
	}
	return y
}

// depthwise convolves each channel of x with its own k×k filter (TensorFlow's k × k × c × 1): for
// each of the filter's taps, the span of an output row whose inputs lie in the picture, at once.
func depthwise(x *tensor, w []float32, k, stride int, p padding) *tensor {
	oh, top := outSize(x.h, k, stride, p)
	ow, left := outSize(x.w, k, stride, p)
	c := x.c
	y := newTensor(oh, ow, c)
	for oy := range oh {
		row := y.d[oy*ow*c : (oy+1)*ow*c]
		for ky := range k {
			iy := oy*stride + ky - top
			if iy < 0 || iy >= x.h {
				continue
			}
			in := x.d[iy*x.w*c : (iy+1)*x.w*c]
			for kx := range k {
				tap := w[(ky*k+kx)*c : (ky*k+kx+1)*c]
				// the outputs whose input ox·stride + kx − left lies in 0 … x.w−1
				last := x.w - 1 + left - kx
				if last < 0 {
					continue
				}
				from, to := max(0, (left-kx+stride-1)/stride), min(ow, last/stride+1)
				if stride == 1 {
					ix := from + kx - left
					madd(row[from*c:to*c], in[ix*c:(ix+to-from)*c], tap)
					continue
				}
				for ox := from; ox < to; ox++ {
					ix := ox*stride + kx - left
					madd(row[ox*c:(ox+1)*c], in[ix*c:(ix+1)*c], tap)
				}
			}
		}
	}
	return y
}

// madd adds to out in times w, w repeated along them (each pixel's channels times a tap's).
var madd = maddGo

func maddGo(out, in, w []float32) {
	for i := 0; i < len(out); i += len(w) {
		o, v := out[i:i+len(w)], in[i:i+len(w)]
		for j, f := range w {
			o[j] += v[j] * f
		}
	}
}

// matmul sets c (m × n) to a (m × k) times b (k × n), plus bias (n, or nil) on every row, rows
// split among the processors.
func matmul(c, a, b, bias []float32, m, k, n int) {
	workers := min(runtime.GOMAXPROCS(0), max(m/16, 1))
	if workers == 1 {
		matmulRows(c, a, b, bias, 0, m, k, n)
		return
	}
	var wg sync.WaitGroup
	per := (m + workers - 1) / workers
	for lo := 0; lo < m; lo += per {
		hi := min(lo+per, m)
		wg.Go(func() { matmulRows(c, a, b, bias, lo, hi, k, n) })
	}
	wg.Wait()
}

// matmulRows computes rows lo to hi of c a block of b at a time (a block's rows × columns), so
// that the block stays in the cache while every row of c takes from it: a recognition layer's b
// is megabytes.
func matmulRows(c, a, b, bias []float32, lo, hi, k, n int) {
	for i := lo; i < hi; i++ {
		if bias == nil {
			clear(c[i*n : (i+1)*n])
		} else {
			copy(c[i*n:(i+1)*n], bias)
		}
	}
	for p0 := 0; p0 < k; p0 += matmulBlock {
		p1 := min(p0+matmulBlock, k)
		for j0 := 0; j0 < n; j0 += matmulBlock {
			j1 := min(j0+matmulBlock, n)
			for i := lo; i < hi; i++ {
				axpy(c[i*n+j0:i*n+j1], a[i*k+p0:i*k+p1], b[p0*n+j0:], n)
			}
		}
	}
}

// matmulBlock is the side of the blocks matmulRows takes of b: 64 × 64 numbers are 16 KiB.
const matmulBlock = 64

// axpy adds to c the sum of a[p] times b's row p (b's rows stride numbers apart): the one loop
// a convolution spends its time in, made wider where the processor can (axpy_amd64.go).
var axpy = axpyGo

// axpyGo takes four of a's numbers at a time, so that c is read and written a quarter as often,
// and passes over four zeros (padding, ReLU) at once.
func axpyGo(c, a, b []float32, stride int) {
	p := 0
	for ; p+4 <= len(a); p += 4 {
		a0, a1, a2, a3 := a[p], a[p+1], a[p+2], a[p+3]
		if a0 == 0 && a1 == 0 && a2 == 0 && a3 == 0 {
			continue
		}
		b0, b1, b2, b3 := b[p*stride:][:len(c)], b[(p+1)*stride:][:len(c)], b[(p+2)*stride:][:len(c)], b[(p+3)*stride:][:len(c)]
		for j := range c {
			c[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]
		}
	}
	for ; p < len(a); p++ {
		if av := a[p]; av != 0 {
			bp := b[p*stride:][:len(c)]
			for j := range c {
				c[j] += av * bp[j]
			}
		}
	}
}

// scale multiplies each channel by its weight and adds its bias (a batch norm folded).
func (x *tensor) scale(w, b []float32) {
	for i := 0; i < len(x.d); i += x.c {
		px := x.d[i : i+x.c]
		for c := range px {
			px[c] = px[c]*w[c] + b[c]
		}
	}
}

func (x *tensor) relu() {
	for i, v := range x.d {
		x.d[i] = max(v, 0)
	}
}

// leaky is the leaky rectifier of the detector, slope 0.1 below zero.
func (x *tensor) leaky() {
	for i, v := range x.d {
		x.d[i] = max(v, 0.1*v)
	}
}

func (x *tensor) add(y *tensor) {
	for i, v := range y.d {
		x.d[i] += v
	}
}

// maxPool takes each k×k window's largest value; the padding of "same" never wins.
func maxPool(x *tensor, k, stride int, p padding) *tensor {
	oh, top := outSize(x.h, k, stride, p)
	ow, left := outSize(x.w, k, stride, p)
	y := newTensor(oh, ow, x.c)
	for i := range y.d {
		y.d[i] = float32(math.Inf(-1))
	}
	for oy := range oh {
		for ox := range ow {
			out := y.d[(oy*ow+ox)*x.c : (oy*ow+ox+1)*x.c]
			for ky := range k {
				iy := oy*stride + ky - top
				for kx := range k {
					ix := ox*stride + kx - left
					if iy < 0 || iy >= x.h || ix < 0 || ix >= x.w {
						continue
					}
					in := x.d[(iy*x.w+ix)*x.c:]
					for c := range out {
						out[c] = max(out[c], in[c])
					}
				}
			}
		}
	}
	return y
}

// avgPool averages each k×k window, without padding.
func avgPool(x *tensor, k, stride int) *tensor {
	oh, _ := outSize(x.h, k, stride, valid)
	ow, _ := outSize(x.w, k, stride, valid)
	y := newTensor(oh, ow, x.c)
	inv := 1 / float32(k*k)
	for oy := range oh {
		for ox := range ow {
			out := y.d[(oy*ow+ox)*x.c : (oy*ow+ox+1)*x.c]
			for ky := range k {
				for kx := range k {
					in := x.d[((oy*stride+ky)*x.w+ox*stride+kx)*x.c:]
					for c := range out {
						out[c] += in[c]
					}
				}
			}
			for c := range out {
				out[c] *= inv
			}
		}
	}
	return y
}
