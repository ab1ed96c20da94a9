package report_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/report"
	"golang.org/x/text/unicode/norm"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a police officer copying from it would.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("WAYMARK_REQUIRE_PDFTOTEXT") != "" {
			t.Fatal("pdftotext is not installed (Debian's poppler-utils); the test command installs it")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "pack.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func jpegPhoto(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func samplePack() *registry.Pack {
	seen := time.Date(2026, 11, 20, 21, 30, 0, 0, time.UTC)
	return &registry.Pack{
		Child: &waymark.Child{
			Ref: "KNT-0042", GivenNames: "Selam", FamilyName: "Tesfay", Sex: "F", DateOfBirth: "2010-03-01", DOBEstimated: true,
			Nationality: "ER", Languages: []string{"Tigrinya", "Arabic"},
			Aliases: []waymark.Name{{GivenNames: "ሰላም", FamilyName: "ተስፋይ"}, {GivenNames: "سلام", FamilyName: "علی"},
				{GivenNames: "明", FamilyName: "王"}, {GivenNames: "Thị Mai", FamilyName: "Nguyễn"}},
			Description: "Slim, about 160 cm, short black hair", Marks: "Scar above the left eyebrow",
			Documents: []waymark.Document{{Type: "passport", Number: "P1234567", Country: "ER"}},
			Phones:    []string{"+447700900123"}, HealthNeeds: "Asthma: blue inhaler",
			Concerns: "Car wash on Station Road; a man called Dawit who collects her after school. " +
				strings.Repeat("Long notes wrap onto further lines and pages without losing a word. ", 60) + "END-OF-NOTES",
			Photos: []waymark.Photo{{ID: "p1", Width: 300, Height: 400}},
		},
		Episode: &waymark.MissingEpisode{ID: "e1", Kind: "missing", LastSeenAt: seen, ReportedAt: seen.Add(time.Hour), LastSeenPlace: "Ashford bus station",
			LastSeenWith: "Two older males in a grey car", Clothing: "Red hooded jacket", Risk: "high",
			RiskFactors: []string{"trafficking_concern", "previous_episodes"}, PoliceRef: "KENT-26-4411"},
		Owner: &waymark.Organisation{Name: "Kent County Council"},
		Care: &registry.Care{Episodes: []*waymark.MissingEpisode{{ID: "e0", LastSeenAt: seen.AddDate(0, -2, 0),
			FoundAt: seen.AddDate(0, -2, 3), FoundWhere: "cannabis_farm", FoundPlace: "Unit 7, Mill Lane"}},
			Links: []*waymark.Link{{Role: "collected_by", From: "2026-10-02", Confidence: "probable", Entity: &waymark.Entity{Kind: "vehicle", Value: "NS19KXR"}}}},
		Previous: 1,
	}
}

func TestPackPDF(t *testing.T) {
	p := samplePack()
	v := report.Pack(p, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), time.UTC)
	var pdf bytes.Buffer
	if err := report.PackPDF(&pdf, v, jpegPhoto(t, 300, 400), "printed 21 Nov 2026, 09:00 by PC Test"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf.Bytes()[:20])
	}
	text := pdfText(t, pdf.Bytes())
	// Poppler gives Arabic back as the presentation forms drawn (NFKC folds them to letters) and
	// runs Han characters together.
	flat := norm.NFKC.String(strings.Join(strings.Fields(text), " "))
	for _, want := range []string{
		"Missing-person pack", "Selam Tesfay", "ሰላም ተስፋይ", "سلام علی", "明王", "Thị Mai Nguyễn",
		"2010-03-01 (estimated) · age 16", "Eritrea", "Tigrinya, Arabic",
		"Ashford bus station", "Two older males in a grey car", "Red hooded jacket", "KENT-26-4411",
		"Missing · risk high", "Trafficking concern; Previous episodes", "found cannabis farm, Unit 7, Mill Lane",
		"Passport P1234567 (Eritrea)", "+447700900123", "Asthma: blue inhaler", "END-OF-NOTES",
		"Collected by: vehicle NS19KXR (from 2026-10-02, probable)",
		"OFFICIAL-SENSITIVE", "KNT-0042", "page 2",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if dir := os.Getenv("WAYMARK_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "pack.pdf"), pdf.Bytes(), 0o600)
	}
}

func BenchmarkPackPDF(b *testing.B) {
	v := report.Pack(samplePack(), time.Now(), time.UTC)
	photo := jpegPhoto(b, 300, 400)
	for b.Loop() {
		if err := report.PackPDF(io.Discard, v, photo, "printed now"); err != nil {
			b.Fatal(err)
		}
	}
}
