package report

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/signintech/gopdf"
	"github.com/signintech/gopdf/fontmaker/core"
	"github.com/waymark-org/waymark"
)

// Fonts are embedded so that a name renders in its own script wherever Waymark runs: Noto Sans
// (Latin, Greek, Cyrillic, Vietnamese), Noto Sans Arabic and Ethiopic (SIL Open Font Licence) and
// Droid Sans Fallback for Han (Apache 2.0). Licences are beside them in fonts/.
//
//go:embed fonts/*.ttf
var fontFS embed.FS

// face is a font tried, in order, for each character; bold applies to the first only.
type face struct{ name, file string }

var (
	regular = face{"latin", "NotoSans-Regular.ttf"}
	bold    = face{"latin-bold", "NotoSans-Bold.ttf"}
	scripts = []face{{"arabic", "NotoSansArabic-Regular.ttf"}, {"ethiopic", "NotoSansEthiopic-Regular.ttf"}, {"han", "DroidSansFallbackFull.ttf"}}
	faces   = append([]face{regular, bold}, scripts...)
)

// coverage maps each font to the characters it has, read once from its cmap table.
var coverage = sync.OnceValues(func() (map[string]map[int]uint, error) {
	out := map[string]map[int]uint{}
	for _, f := range faces {
		data, err := fontFS.ReadFile("fonts/" + f.file)
		if err != nil {
			return nil, err
		}
		var p core.TTFParser
		if err := p.ParseFontData(data); err != nil {
			return nil, fmt.Errorf("font %s: %w", f.file, err)
		}
		out[f.name] = p.Chars()
	}
	return out, nil
})

// run is text drawn in one font.
type run struct{ face, text string }

// runs splits text (already in visual order) into runs of the first font that has each character;
// spaces and punctuation stay in the font of the run they are in when it has them.
func runs(text string, strong bool, cov map[string]map[int]uint) []run {
	first := regular
	if strong {
		first = bold
	}
	order := append([]face{first}, scripts...)
	var out []run
	var b strings.Builder
	cur := ""
	for _, r := range text {
		pick := first.name
		if cur != "" && cov[cur][int(r)] != 0 {
			pick = cur
		} else {
			for _, f := range order {
				if cov[f.name][int(r)] != 0 {
					pick = f.name
					break
				}
			}
		}
		if pick != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = pick
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

// A4 in points, and the page's margins.
const (
	pageW, pageH = 595.28, 841.89
	margin       = 42.0
	labelW       = 150.0
	bottom       = pageH - 56
)

// style of a piece of text.
type style struct {
	size   float64
	strong bool
	grey   bool
}

var (
	body    = style{size: 10}
	small   = style{size: 8, grey: true}
	heading = style{size: 13, strong: true}
	title   = style{size: 20, strong: true}
)

// doc writes a PDF top to bottom, with fonts loaded as their characters are first met. The first
// error stops all further drawing and is returned by write.
type doc struct {
	pdf    *gopdf.GoPdf
	cov    map[string]map[int]uint
	loaded map[string]bool
	y      float64
	right  float64 // where text stops on the right
	err    error
}

func newDoc(titleText, footer string) (*doc, error) {
	cov, err := coverage()
	if err != nil {
		return nil, err
	}
	d := &doc{pdf: &gopdf.GoPdf{}, cov: cov, loaded: map[string]bool{}, right: pageW - margin}
	d.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	d.pdf.SetInfo(gopdf.PdfInfo{Title: titleText, Creator: "Waymark"})
	page := 0
	d.pdf.AddFooter(func() {
		page++
		d.line(margin, pageH-36, fmt.Sprintf("%s · page %d", footer, page), small)
	})
	d.pdf.AddPage()
	d.y = margin
	return d, nil
}

// setFont selects a font, embedding it in the document the first time.
func (d *doc) setFont(name string, size float64) {
	if d.err != nil {
		return
	}
	if !d.loaded[name] {
		i := slices.IndexFunc(faces, func(f face) bool { return f.name == name })
		file := faces[max(i, 0)].file
		data, err := fontFS.ReadFile("fonts/" + file)
		if err == nil {
			err = d.pdf.AddTTFFontData(name, data)
		}
		if err != nil {
			d.err = fmt.Errorf("load font %s: %w", name, err)
			return
		}
		d.loaded[name] = true
	}
	if err := d.pdf.SetFont(name, "", size); err != nil {
		d.err = fmt.Errorf("set font %s: %w", name, err)
	}
}

// width measures text (in visual order) in a style.
func (d *doc) width(text string, st style) float64 {
	w := 0.0
	for _, r := range runs(text, st.strong, d.cov) {
		d.setFont(r.face, st.size)
		if d.err != nil {
			return 0
		}
		rw, err := d.pdf.MeasureTextWidth(r.text)
		if err != nil {
			d.err = fmt.Errorf("measure %q: %w", r.text, err)
			return 0
		}
		w += rw
	}
	return w
}

// line draws one line of text (in visual order) with its top at x, y.
func (d *doc) line(x, y float64, text string, st style) {
	if st.grey {
		d.pdf.SetTextColor(90, 90, 90)
	} else {
		d.pdf.SetTextColor(0, 0, 0)
	}
	for _, r := range runs(text, st.strong, d.cov) {
		d.setFont(r.face, st.size)
		if d.err != nil {
			return
		}
		// Fonts differ in ascent: runs share a baseline, not a top.
		d.pdf.SetXY(x, y+st.size)
		w, err := d.pdf.MeasureTextWidth(r.text)
		if err == nil {
			err = d.pdf.Text(r.text)
		}
		if err != nil {
			d.err = fmt.Errorf("draw %q: %w", r.text, err)
			return
		}
		x += w
	}
}

// wrap breaks text into lines no wider than w: at spaces, or inside a word longer than a line.
func (d *doc) wrap(text string, w float64, st style) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(visual(text)) {
		try := strings.TrimSpace(cur + " " + word)
		if d.width(try, st) <= w {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = ""
		for _, r := range word {
			if cur != "" && d.width(cur+string(r), st) > w {
				lines = append(lines, cur)
				cur = ""
			}
			cur += string(r)
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

func lineHeight(st style) float64 { return st.size * 1.45 }

// need starts a new page unless h points are left on this one.
func (d *doc) need(h float64) {
	if d.y+h > bottom {
		d.pdf.AddPage()
		d.y = margin
	}
}

// text writes a wrapped paragraph from x to the right edge.
func (d *doc) text(x float64, s string, st style) {
	for _, l := range d.wrap(s, d.right-x, st) {
		d.need(lineHeight(st))
		d.line(x, d.y, l, st)
		d.y += lineHeight(st)
	}
}

// field writes a label in the left column and its lines beside it.
func (d *doc) field(f Field) {
	if len(f.Lines) == 0 {
		return
	}
	d.need(lineHeight(body))
	d.line(margin, d.y, f.Label, style{size: body.size, grey: true})
	for _, l := range f.Lines {
		d.text(margin+labelW, l, body)
	}
	d.y += 3
}

func (d *doc) heading(s string) {
	d.need(3 * lineHeight(heading))
	d.y += 8
	d.text(margin, s, heading)
	d.pdf.SetStrokeColor(180, 180, 180)
	d.pdf.Line(margin, d.y, pageW-margin, d.y)
	d.y += 5
}

func (d *doc) write(w io.Writer) error {
	if d.err != nil {
		return d.err
	}
	_, err := d.pdf.WriteTo(w)
	return err
}

// PackPDF writes the pack as an A4 PDF: photo beside the names at the top, then each section.
// photo is the image of v.Photo (nil when there is none); printed says by whom and when.
func PackPDF(w io.Writer, v *PackView, photo []byte, printed string) error {
	d, err := newDoc("Missing-person pack: "+v.Name,
		"OFFICIAL-SENSITIVE · missing-person pack · child reference "+v.Ref+" · "+printed)
	if err != nil {
		return err
	}
	d.text(margin, "Missing-person pack", title)
	d.text(margin, "Prepared from Waymark for the police · "+v.Owner+" · child reference "+v.Ref, small)
	d.y += 10
	photoBottom := d.photo(v.Photo, photo)
	d.right = pageW - margin - photoW - 14
	d.text(margin, v.Name, style{size: 16, strong: true})
	d.y += 4
	for _, f := range v.Head {
		d.field(f)
	}
	d.right = pageW - margin
	d.y = max(d.y, photoBottom) + 6
	for _, s := range v.Sections {
		d.heading(s.Title)
		for _, f := range s.Fields {
			d.field(f)
		}
	}
	return d.write(w)
}

const photoW = 130.0

// photo places the child's photo at the top right and returns where it ends.
func (d *doc) photo(p *waymark.Photo, data []byte) float64 {
	x, h := pageW-margin-photoW, photoW*4/3
	if p != nil && data != nil {
		if p.Width > 0 && p.Height > 0 {
			h = min(photoW*float64(p.Height)/float64(p.Width), 200)
		}
		img, err := gopdf.ImageHolderByBytes(data)
		if err == nil {
			err = d.pdf.ImageByHolder(img, x, d.y, &gopdf.Rect{W: photoW, H: h})
		}
		if err != nil && d.err == nil {
			d.err = fmt.Errorf("place photo: %w", err)
		}
		return d.y + h
	}
	d.pdf.SetStrokeColor(150, 150, 150)
	d.pdf.RectFromUpperLeft(x, d.y, photoW, h)
	d.line(x+12, d.y+h/2-6, "No photo recorded", small)
	return d.y + h
}
