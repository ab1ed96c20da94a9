// Package photo accepts children's photographs: JPEG or PNG only, limited in size, re-encoded so
// that no metadata (EXIF, GPS, camera serials) survives, turned upright, with a thumbnail.
package photo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"runtime"

	"github.com/waymark-org/waymark"
)

// Limits on what is accepted. A small file can claim a huge picture (a PNG of a few hundred
// kilobytes decodes to gigabytes), so the header's size is checked before anything is decoded.
const (
	MaxBytes     = 12 << 20
	MaxPixels    = 40_000_000
	MaxDecoded   = 192 << 20 // bytes the decoded picture may take in memory
	ThumbnailMax = 320
)

// decoding bounds how many photos are decoded at once: each may take MaxDecoded and a processor.
var decoding = make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))

// Image is a processed photograph.
type Image struct {
	ContentType   string
	Width, Height int
	Data          []byte
	Thumbnail     []byte
	Picture       image.Image // decoded and upright, for the face networks
}

// Process checks and cleans an uploaded photograph.
func Process(data []byte) (*Image, error) {
	img, err := Open(data)
	if err != nil {
		return nil, err
	}
	return img, img.Encode()
}

// Open checks an uploaded photograph and decodes it upright (Picture), without writing it again:
// what checking it and looking at its face need.
func Open(data []byte) (*Image, error) {
	if len(data) == 0 {
		return nil, invalid("Choose a photo to upload")
	}
	if len(data) > MaxBytes {
		return nil, invalid("The photo is larger than %d MB; take it again at a lower resolution", MaxBytes>>20)
	}
	ct := http.DetectContentType(data)
	if ct != "image/jpeg" && ct != "image/png" {
		return nil, invalid("The photo must be a JPEG or PNG image, not %s", ct)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("The photo could not be read; it may be damaged")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxPixels/cfg.Height {
		return nil, invalid("The photo is %d×%d pixels; at most %d megapixels are accepted", cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	if n := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel); n > MaxDecoded {
		return nil, invalid("The photo would take %d MB to open (%d×%d pixels of %d bytes); save it as an ordinary JPEG and try again",
			n>>20, cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel))
	}
	decoding <- struct{}{}
	defer func() { <-decoding }()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("The photo could not be read; it may be damaged")
	}
	if ct == "image/jpeg" {
		img = orient(img, Orientation(data))
	}
	b := img.Bounds()
	return &Image{ContentType: ct, Width: b.Dx(), Height: b.Dy(), Picture: img}, nil
}

// Encode writes the opened picture again (Data), leaving behind whatever else the upload carried
// (EXIF, a location), and its thumbnail.
func (img *Image) Encode() error {
	var out bytes.Buffer
	var err error
	if img.ContentType == "image/png" {
		err = png.Encode(&out, img.Picture)
	} else {
		err = jpeg.Encode(&out, img.Picture, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		return err
	}
	var thumb bytes.Buffer
	if err := jpeg.Encode(&thumb, Thumbnail(img.Picture, ThumbnailMax), &jpeg.Options{Quality: 82}); err != nil {
		return err
	}
	img.Data, img.Thumbnail = out.Bytes(), thumb.Bytes()
	return nil
}

// bytesPerPixel is what one pixel of a picture of the colour model takes once decoded.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel, color.NYCbCrAModel, color.CMYKModel, color.RGBAModel, color.NRGBAModel:
		return 4
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	return 4 // a palette's pictures take one byte a pixel; erring high costs nothing here
}

func invalid(format string, args ...any) error {
	e := waymark.Errorf(waymark.EINVALID, format, args...)
	e.Fields = []waymark.FieldError{{Field: "photo", Message: e.Message}}
	return e
}

// Thumbnail scales img to fit within max×max pixels, averaging each box of source pixels.
func Thumbnail(img image.Image, max int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	scale := float64(max) / float64(w)
	if s := float64(max) / float64(h); s < scale {
		scale = s
	}
	if scale >= 1 {
		scale = 1
	}
	tw, th := int(float64(w)*scale+0.5), int(float64(h)*scale+0.5)
	tw, th = maxInt(tw, 1), maxInt(th, 1)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	average := averager(img)
	for y := range th {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+maxInt((y+1)*h/th, y*h/th+1)
		for x := range tw {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+maxInt((x+1)*w/tw, x*w/tw+1)
			dst.SetRGBA(x, y, average(image.Rect(x0, y0, x1, y1)))
		}
	}
	return dst
}

// averager is the mean colour of a box of img's pixels, read straight from the pixels of the
// kinds photos decode to (a camera's JPEG is YCbCr: through At it costs tens of milliseconds).
func averager(img image.Image) func(image.Rectangle) color.RGBA {
	switch m := img.(type) {
	case *image.YCbCr:
		// each row's run of luma, and of the colour samples its pixels share
		return func(r image.Rectangle) color.RGBA {
			var y, cb, cr, ny, nc int
			for sy := r.Min.Y; sy < r.Max.Y; sy++ {
				for _, v := range m.Y[m.YOffset(r.Min.X, sy) : m.YOffset(r.Max.X-1, sy)+1] {
					y += int(v)
				}
				c0, c1 := m.COffset(r.Min.X, sy), m.COffset(r.Max.X-1, sy)+1
				for i := c0; i < c1; i++ {
					cb, cr = cb+int(m.Cb[i]), cr+int(m.Cr[i])
				}
				ny, nc = ny+r.Dx(), nc+c1-c0
			}
			rr, gg, bb := color.YCbCrToRGB(uint8(y/ny), uint8(cb/nc), uint8(cr/nc))
			return color.RGBA{rr, gg, bb, 255}
		}
	case *image.RGBA:
		return func(r image.Rectangle) color.RGBA {
			var sum [4]int
			n := r.Dx() * r.Dy()
			for sy := r.Min.Y; sy < r.Max.Y; sy++ {
				row := m.Pix[m.PixOffset(r.Min.X, sy):m.PixOffset(r.Max.X, sy)]
				for i, v := range row {
					sum[i&3] += int(v)
				}
			}
			return color.RGBA{uint8(sum[0] / n), uint8(sum[1] / n), uint8(sum[2] / n), uint8(sum[3] / n)}
		}
	}
	return func(r image.Rectangle) color.RGBA {
		var sum [4]uint64
		n := uint64(r.Dx() * r.Dy())
		for sy := r.Min.Y; sy < r.Max.Y; sy++ {
			for sx := r.Min.X; sx < r.Max.X; sx++ {
				cr, cg, cb, ca := img.At(sx, sy).RGBA()
				sum = [4]uint64{sum[0] + uint64(cr), sum[1] + uint64(cg), sum[2] + uint64(cb), sum[3] + uint64(ca)}
			}
		}
		return color.RGBA{uint8(sum[0] / n >> 8), uint8(sum[1] / n >> 8), uint8(sum[2] / n >> 8), uint8(sum[3] / n >> 8)}
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// orient turns an image as its EXIF orientation (1–8) says, so that it stands upright once the
// metadata is gone.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}
