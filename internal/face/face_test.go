package face

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/waymark-org/waymark/internal/face/facetest"
)

// pattern is a picture of stripes and a checker with a little hash noise, the same in every run:
// input for checking each network against face-api's own outputs on it.
func pattern(side int) *tensor {
	x := newTensor(side, side, 3)
	for y := range side {
		for col := range side {
			for c := range 3 {
				v := (col*7 + y*13 + c*50 + (col*y)%23) % 256
				if (col/16+y/16)%2 == 0 {
					v = 255 - v
				}
				x.d[(y*side+col)*3+c] = float32(v)
			}
		}
	}
	return x
}

// TestNetworksAgreeWithFaceAPI runs each network on a fixed picture and compares every output with
// what face-api 1.7.15 (TensorFlow.js, CPU backend) gave for it (testdata/reference.json), with the
// processor's loops and with the plain Go ones a processor without AVX2 runs.
func TestNetworksAgreeWithFaceAPI(t *testing.T) {
	dir := facetest.Dir(t)
	var ref struct{ Recognition, Landmarks, Detector []float32 }
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	rec, err := loadRecognizer(dir)
	if err != nil {
		t.Fatal(err)
	}
	mark, err := loadMarker(dir)
	if err != nil {
		t.Fatal(err)
	}
	det, err := loadDetector(dir)
	if err != nil {
		t.Fatal(err)
	}
	wide, wideMadd := axpy, madd
	defer func() { axpy, madd = wide, wideMadd }()
	for _, loops := range []string{"the processor's loops", "the plain Go loops"} {
		if loops == "the plain Go loops" { // where the processor has no AVX2
			axpy, madd = axpyGo, maddGo
		}
		for _, c := range []struct {
			name      string
			got, want []float32
			tolerance float64
		}{
			{"recognition", rec.run(pattern(150)), ref.Recognition, 1e-5},
			{"landmarks", mark.run(pattern(112)), ref.Landmarks, 1e-5},
			{"detector", det.run(pattern(416)).d, ref.Detector, 1e-3},
		} {
			if len(c.got) != len(c.want) {
				t.Fatalf("%s, %s: %d outputs, face-api gave %d", loops, c.name, len(c.got), len(c.want))
			}
			worst := 0.0
			for i := range c.got {
				worst = max(worst, math.Abs(float64(c.got[i]-c.want[i])))
			}
			if worst > c.tolerance {
				t.Errorf("%s, %s: differs from face-api by up to %g (tolerance %g)", loops, c.name, worst, c.tolerance)
			}
			t.Logf("%s, %s: %d outputs within %.2g of face-api's", loops, c.name, len(c.got), worst)
		}
	}
}

// BenchmarkFaces times the whole pipeline on the package's first sample photo (1920×1280, three
// faces): detection, landmarks and an embedding for each face.
func BenchmarkFaces(b *testing.B) {
	p, photos := samples(b)
	img := photos["sample1.jpg"]
	for b.Loop() {
		if len(p.Faces(img)) != 3 {
			b.Fatal("not three faces")
		}
	}
}

// BenchmarkLargest times what a photo is kept and searched by: the same photo's faces found and
// the largest alone described.
func BenchmarkLargest(b *testing.B) {
	p, photos := samples(b)
	img := photos["sample1.jpg"]
	for b.Loop() {
		if _, ok := p.Largest(img); !ok {
			b.Fatal("no face")
		}
	}
}

// BenchmarkEmbed times dlib's network alone on one 150×150 face.
func BenchmarkEmbed(b *testing.B) {
	rec, err := loadRecognizer(facetest.Dir(b))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rec.run(pattern(150))
	}
}
