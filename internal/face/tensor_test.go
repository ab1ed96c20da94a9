package face

import (
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMatmulAgreesWithTheTextbook: the blocked product, with whichever axpy this processor
// runs, gives what three plain loops give, for shapes that leave parts of blocks and strips over.
func TestMatmulAgreesWithTheTextbook(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct{ m, k, n int }{
		{1, 1, 1}, {3, 27, 16}, {5, 9, 25}, {17, 64, 8}, {2, 65, 7}, {33, 130, 136}, {4, 300, 256}, {1, 256, 128}, {9, 2304, 33},
	} {
		a, b := make([]float32, s.m*s.k), make([]float32, s.k*s.n)
		for i := range a {
			if rnd.IntN(3) > 0 { // a third zero, as after a rectifier
				a[i] = rnd.Float32()*2 - 1
			}
		}
		for i := range b {
			b[i] = rnd.Float32()*2 - 1
		}
		c, bias := make([]float32, s.m*s.n), make([]float32, s.n)
		for i := range c {
			c[i] = 99 // matmul sets c, whatever it held
		}
		for i := range bias {
			bias[i] = float32(i)
		}
		matmul(c, a, b, bias, s.m, s.k, s.n)
		for i := range s.m {
			for j := range s.n {
				want := float64(bias[j])
				for p := range s.k {
					want += float64(a[i*s.k+p]) * float64(b[p*s.n+j])
				}
				if got := float64(c[i*s.n+j]); math.Abs(got-want) > 1e-5*float64(s.k) {
					t.Fatalf("%v: c[%d][%d] = %v, want %v", s, i, j, got, want)
				}
			}
		}
	}
}

// TestAxpyKernelsAgree: the processor's wide axpy and madd and the plain ones give the same sums
// on every length: strips of 32 and 8 and the numbers left over; channels not a multiple of 8.
func TestAxpyKernelsAgree(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, c := range []int{3, 8, 16, 24, 32, 136} {
		for tiles := 1; tiles <= 5; tiles++ {
			w, in, out := make([]float32, c), make([]float32, c*tiles), make([]float32, c*tiles)
			for i := range in {
				in[i], out[i] = rnd.Float32()*2-1, rnd.Float32()
			}
			for i := range w {
				w[i] = rnd.Float32()*2 - 1
			}
			want := append([]float32(nil), out...)
			maddGo(want, in, w)
			madd(out, in, w)
			for i := range out {
				if math.Abs(float64(out[i]-want[i])) > 1e-6 {
					t.Fatalf("madd c %d tiles %d: out[%d] = %v, want %v", c, tiles, i, out[i], want[i])
				}
			}
		}
	}
	for n := 1; n <= 80; n++ {
		for _, k := range []int{1, 3, 4, 5, 64} {
			stride := n + rnd.IntN(5)
			a, b := make([]float32, k), make([]float32, (k-1)*stride+n)
			for i := range a {
				a[i] = rnd.Float32()*2 - 1
			}
			for i := range b {
				b[i] = rnd.Float32()*2 - 1
			}
			c0 := make([]float32, n)
			for i := range c0 {
				c0[i] = rnd.Float32()
			}
			want, got := append([]float32(nil), c0...), append([]float32(nil), c0...)
			axpyGo(want, a, b, stride)
			axpy(got, a, b, stride)
			for j := range got {
				if math.Abs(float64(got[j]-want[j])) > 1e-5*float64(k) {
					t.Fatalf("n %d k %d: c[%d] = %v, want %v", n, k, j, got[j], want[j])
				}
			}
		}
	}
}

// TestDepthwiseAgreesWithTheTextbook: the depthwise convolution, a tap's span of a row at a time,
// gives what the definition gives, every output pixel summed over the taps inside the picture.
func TestDepthwiseAgreesWithTheTextbook(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, s := range []struct {
		h, w, c, k, stride int
		p                  padding
	}{
		{7, 9, 8, 3, 1, same}, {7, 9, 8, 3, 2, same}, {8, 8, 16, 3, 2, same}, {5, 6, 3, 3, 1, same},
		{6, 5, 24, 3, 1, valid}, {2, 2, 8, 3, 1, same}, {1, 1, 8, 3, 2, same}, {11, 4, 12, 3, 2, valid},
	} {
		x := newTensor(s.h, s.w, s.c)
		for i := range x.d {
			x.d[i] = rnd.Float32()*2 - 1
		}
		w := make([]float32, s.k*s.k*s.c)
		for i := range w {
			w[i] = rnd.Float32()*2 - 1
		}
		y := depthwise(x, w, s.k, s.stride, s.p)
		oh, top := outSize(s.h, s.k, s.stride, s.p)
		ow, left := outSize(s.w, s.k, s.stride, s.p)
		if y.h != oh || y.w != ow || y.c != s.c {
			t.Fatalf("%+v: %d×%d×%d", s, y.h, y.w, y.c)
		}
		for oy := range oh {
			for ox := range ow {
				for ch := range s.c {
					var want float64
					for ky := range s.k {
						for kx := range s.k {
							iy, ix := oy*s.stride+ky-top, ox*s.stride+kx-left
							if iy >= 0 && iy < s.h && ix >= 0 && ix < s.w {
								want += float64(x.d[(iy*s.w+ix)*s.c+ch]) * float64(w[(ky*s.k+kx)*s.c+ch])
							}
						}
					}
					if got := float64(y.d[(oy*ow+ox)*s.c+ch]); math.Abs(got-want) > 1e-5 {
						t.Fatalf("%+v: y[%d][%d][%d] = %v, want %v", s, oy, ox, ch, got, want)
					}
				}
			}
		}
	}
}

// TestPictureReadsYCbCrAsRGBA: a camera's JPEG sampled as it is gives exactly what it gives
// converted to RGBA first, wherever the picture's corner lies and however its colour is
// subsampled.
func TestPictureReadsYCbCrAsRGBA(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio444} {
		whole := image.NewYCbCr(image.Rect(0, 0, 67, 45), ratio)
		for _, b := range [][]byte{whole.Y, whole.Cb, whole.Cr} {
			for i := range b {
				b[i] = byte(rnd.IntN(256))
			}
		}
		m := whole.SubImage(image.Rect(5, 3, 61, 44)).(*image.YCbCr)
		converted := image.NewRGBA(image.Rect(0, 0, m.Rect.Dx(), m.Rect.Dy()))
		draw.Draw(converted, converted.Rect, m, m.Rect.Min, draw.Src)
		for _, at := range [][6]float64{{0, 0, 1, 0, 0, 1}, {-3.5, 2.25, 0.7, 0.3, -0.3, 0.7}, {10.1, 40.7, 1.3, 0, 0, 1.3}} {
			got := sample(newPicture(m), 31, 29, at[0], at[1], at[2], at[3], at[4], at[5])
			want := sample(newPicture(converted), 31, 29, at[0], at[1], at[2], at[3], at[4], at[5])
			if !slices.Equal(got.d, want.d) {
				t.Fatalf("%v at %v: sampled as YCbCr differs from RGBA", ratio, at)
			}
		}
	}
}
