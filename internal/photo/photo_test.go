package photo_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/photo"
)

// picture is w×h with a red top-left pixel block, so rotations can be told apart.
func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{0, 0, 200, 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIF inserts an APP1 EXIF segment holding an orientation tag and a text tag (standing in for
// GPS coordinates and camera serials) right after the JPEG's start marker.
func withEXIF(jpg []byte, orientation uint16, secret string) []byte {
	bo := binary.LittleEndian
	tiff := []byte("II*\x00")
	tiff = bo.AppendUint32(tiff, 8)
	tiff = bo.AppendUint16(tiff, 2)
	tiff = bo.AppendUint16(tiff, 0x0112) // orientation, SHORT, 1
	tiff = bo.AppendUint16(tiff, 3)
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, orientation)
	tiff = bo.AppendUint16(tiff, 0)
	tiff = bo.AppendUint16(tiff, 0x010e) // image description, ASCII
	tiff = bo.AppendUint16(tiff, 2)
	tiff = bo.AppendUint32(tiff, uint32(len(secret)+1))
	tiff = bo.AppendUint32(tiff, uint32(8+2+24+4))
	tiff = bo.AppendUint32(tiff, 0)
	tiff = append(append(tiff, secret...), 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	return append(append(append([]byte{}, jpg[:2]...), app1...), jpg[2:]...)
}

func TestProcessStripsMetadataAndTurnsUpright(t *testing.T) {
	raw := withEXIF(encodeJPEG(t, picture(80, 40)), 6, "GPS 51.1279N 1.3134E SERIAL-XYZ")
	if photo.Orientation(raw) != 6 {
		t.Fatalf("orientation = %d, want 6", photo.Orientation(raw))
	}
	img, err := photo.Process(raw)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(img.Data, []byte("SERIAL-XYZ")) || bytes.Contains(img.Data, []byte("Exif")) {
		t.Fatal("metadata survived")
	}
	if img.Width != 40 || img.Height != 80 || img.ContentType != "image/jpeg" {
		t.Fatalf("got %dx%d %s, want 40x80 jpeg (rotated)", img.Width, img.Height, img.ContentType)
	}
	// Orientation 6 means "rotate 90° clockwise": the red top-left corner moves to the top right.
	out, _ := jpeg.Decode(bytes.NewReader(img.Data))
	if r, _, b, _ := out.At(35, 2).RGBA(); r < b {
		t.Fatal("image not turned upright")
	}
	thumb, err := jpeg.Decode(bytes.NewReader(img.Thumbnail))
	if err != nil || thumb.Bounds().Dx() > photo.ThumbnailMax || thumb.Bounds().Dy() > photo.ThumbnailMax {
		t.Fatalf("thumbnail: %v", err)
	}
}

func TestProcessPNGAndThumbnailSize(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, picture(1000, 500))
	img, err := photo.Process(b.Bytes())
	if err != nil || img.ContentType != "image/png" {
		t.Fatalf("png: %v", err)
	}
	thumb, _ := jpeg.Decode(bytes.NewReader(img.Thumbnail))
	if got := thumb.Bounds(); got.Dx() != 320 || got.Dy() != 160 {
		t.Fatalf("thumbnail %v, want 320x160", got)
	}
}

func TestProcessRejects(t *testing.T) {
	var g bytes.Buffer
	gif.Encode(&g, picture(4, 4), nil)
	huge := encodeJPEG(t, picture(8, 8))
	binary.BigEndian.PutUint16(huge[bytes.Index(huge, []byte{0xFF, 0xC0})+5:], 60000) // claim 60000 px high
	for name, data := range map[string][]byte{
		"empty": nil, "gif": g.Bytes(), "text": []byte("not a picture"), "truncated": encodeJPEG(t, picture(8, 8))[:40],
		"too large": make([]byte, photo.MaxBytes+1), "decompression bomb": huge,
	} {
		_, err := photo.Process(data)
		if waymark.ErrorCode(err) != waymark.EINVALID || len(waymark.ErrorFields(err)) == 0 || waymark.ErrorFields(err)[0].Field != "photo" {
			t.Errorf("%s: %v, want invalid photo", name, err)
		}
	}
}

// pngHeader is the start of a PNG claiming a picture of w×h, bit depth and colour type: all that
// is read of it before it is refused.
func pngHeader(w, h uint32, depth, colorType byte) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), binary.BigEndian.AppendUint32(nil, uint32(len(ihdr)-4))...)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// A picture too big to open is refused from its header, saying why, before any of it is decoded.
func TestProcessRefusesFromTheHeader(t *testing.T) {
	for name, tt := range map[string]struct {
		data []byte
		says string
	}{
		"16-bit PNG of 7070×7070 (388 KB on disk)": {pngHeader(7070, 7070, 16, 6), "at most 40 megapixels"},
		"16-bit PNG of 6000×6000":                  {pngHeader(6000, 6000, 16, 6), "would take 274 MB to open"},
		"8-bit grey PNG of 100000×1000":            {pngHeader(100_000, 1_000, 8, 0), "at most 40 megapixels"},
	} {
		_, err := photo.Process(tt.data)
		if waymark.ErrorCode(err) != waymark.EINVALID || !strings.Contains(waymark.ErrorMessage(err), tt.says) {
			t.Errorf("%s: %v, want it refused as %q", name, err, tt.says)
		}
	}
}

func FuzzOrientation(f *testing.F) {
	f.Add(withEXIF([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 3, "x"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := photo.Orientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d out of range", o)
		}
	})
}

func FuzzProcess(f *testing.F) {
	f.Add(withEXIF(encodeJPEG(f, picture(8, 8)), 8, "x"))
	var b bytes.Buffer
	png.Encode(&b, picture(3, 5))
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := photo.Process(data)
		if err == nil && (img.Width <= 0 || len(img.Thumbnail) == 0) {
			t.Fatal("accepted photo without size or thumbnail")
		}
	})
}

// TestThumbnailReadsEveryKindAlike: a picture's thumbnail is the same, within rounding, whether
// the picture is read as a camera's JPEG decodes it (YCbCr), as RGBA or through At alone, and
// wherever its corner lies.
func TestThumbnailReadsEveryKindAlike(t *testing.T) {
	const w, h = 331, 207
	whole := image.Rect(0, 0, w+7, h+5)
	rgba, nrgba := image.NewRGBA(whole), image.NewNRGBA(whole)
	ycc := image.NewYCbCr(whole, image.YCbCrSubsampleRatio444)
	ycc420 := image.NewYCbCr(whole, image.YCbCrSubsampleRatio420) // a camera's
	for y := range whole.Dy() {
		for x := range whole.Dx() {
			c := color.RGBA{uint8(x * 255 / whole.Dx()), uint8(y * 255 / whole.Dy()), uint8((x + y) * 200 / (w + h)), 255}
			rgba.SetRGBA(x, y, c)
			nrgba.SetNRGBA(x, y, color.NRGBA(c))
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)], ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = yy, cb, cr
			ycc420.Y[ycc420.YOffset(x, y)], ycc420.Cb[ycc420.COffset(x, y)], ycc420.Cr[ycc420.COffset(x, y)] = yy, cb, cr
		}
	}
	part := image.Rect(7, 5, w+7, h+5)
	want := photo.Thumbnail(nrgba.SubImage(part), 64).(*image.RGBA)
	for _, tc := range []struct {
		name string
		img  image.Image
	}{{"RGBA", rgba.SubImage(part)}, {"YCbCr", ycc.SubImage(part)}, {"YCbCr 4:2:0", ycc420.SubImage(part)}} {
		got := photo.Thumbnail(tc.img, 64).(*image.RGBA)
		if got.Rect != want.Rect {
			t.Fatalf("%s: %v, want %v", tc.name, got.Rect, want.Rect)
		}
		for i := range got.Pix {
			if d := int(got.Pix[i]) - int(want.Pix[i]); d < -3 || d > 3 {
				t.Fatalf("%s: byte %d is %d, want %d", tc.name, i, got.Pix[i], want.Pix[i])
			}
		}
	}
}
