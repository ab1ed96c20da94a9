package face

import (
	"math"
	"math/rand/v2"
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

// TestAxpyKernelsAgree: the processor's wide axpy and the plain one give the same sums on every
// length, strips of 32 and 8 and the numbers left over.
func TestAxpyKernelsAgree(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
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
