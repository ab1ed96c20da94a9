// Package facetest gives tests the face networks' folder and the face-api package's sample photos,
// from WAYMARK_FACE_MODELS (`waymark face install` prints it). A test without them is skipped,
// unless WAYMARK_REQUIRE_FACE is set (as the test command sets it). It does not import package
// face, so that face's own tests use it too.
package facetest

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// Dir is the networks' folder, or skips (or fails) the test when there is none.
func Dir(t testing.TB) string {
	dir := os.Getenv("WAYMARK_FACE_MODELS")
	if dir == "" {
		if os.Getenv("WAYMARK_REQUIRE_FACE") != "" {
			t.Fatal("WAYMARK_FACE_MODELS is not set: run `waymark face install`")
		}
		t.Skip("no face networks: set WAYMARK_FACE_MODELS (`waymark face install` prints it)")
	}
	return dir
}

// Crop is part of one of the package's sample photos (sample1.jpg … sample6.jpg) as a JPEG.
func Crop(t testing.TB, sample string, r image.Rectangle) []byte {
	f, err := os.Open(filepath.Join(Dir(t), "..", "demo", sample))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		t.Fatalf("%s cannot be cropped", sample)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, sub.SubImage(r), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
