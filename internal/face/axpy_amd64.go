package face

import "golang.org/x/sys/cpu"

// axpyFMA is axpyGo with AVX2's fused multiply-adds, eight numbers at a time; len(c) must be a
// multiple of 8.
//
//go:noescape
func axpyFMA(c, a, b []float32, stride int)

// maddFMA is maddGo eight numbers at a time; len(w) must be a multiple of 8.
//
//go:noescape
func maddFMA(out, in, w []float32)

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		axpy, madd = axpyWide, maddWide
	}
}

func maddWide(out, in, w []float32) {
	if len(w)%8 != 0 || len(w) == 0 {
		maddGo(out, in, w)
		return
	}
	if len(in) != len(out) || len(out)%len(w) != 0 {
		panic("face: madd: lengths")
	}
	maddFMA(out, in, w)
}

// axpyWide leaves the last len(c) mod 8 numbers to axpyGo.
func axpyWide(c, a, b []float32, stride int) {
	w := len(c) &^ 7
	if len(a) > 0 && (len(a)-1)*stride+len(c) > len(b) {
		panic("face: axpy: b too short")
	}
	if w > 0 {
		axpyFMA(c[:w], a, b, stride)
	}
	if w < len(c) {
		axpyGo(c[w:], a, b[w:], stride)
	}
}
