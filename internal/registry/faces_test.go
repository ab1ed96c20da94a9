package registry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/face"
	"github.com/waymark-org/waymark/internal/face/facetest"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Faces of the package's sample photos, each cropped wide around one face: one photo to record,
// another framing of it to search with.
var (
	faceOne      = image.Rect(900, 150, 1450, 650) // sample3.jpg, the middle face
	faceOneAgain = image.Rect(950, 200, 1400, 620) // the same face, framed closer
	faceTwo      = image.Rect(200, 780, 750, 1300) // sample5.jpg
	faceThree    = image.Rect(450, 200, 1050, 800) // sample6.jpg, the second face from the left
)

// A photo added is looked at for a face at once; photos held from before are looked at on start
// (audited); a search by a photo of the face alone finds the child first, by the face.
func TestFaceMatching(t *testing.T) {
	p := pipeline(t)
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			reg.UseFaces(p)
			ctx := context.Background()
			a := staff(t, reg, waymark.RoleSocialWorker)
			record := func(name string, photo []byte) *waymark.Child {
				c := &waymark.Child{GivenNames: name, FamilyName: "Testface", Sex: "F", Nationality: "AL"}
				if err := reg.CreateChild(ctx, a, c, nil); err != nil {
					t.Fatal(err)
				}
				if photo != nil {
					ph, err := reg.AddPhoto(ctx, a, c.ID, photo)
					if err != nil || ph.FaceModel == "" || len(ph.Face) != 128 {
						t.Fatalf("photo of %s: %+v %v", name, ph, err)
					}
				}
				return c
			}
			one := record("Ana", facetest.Crop(t, "sample3.jpg", faceOne))
			record("Besa", facetest.Crop(t, "sample5.jpg", faceTwo))
			held := record("Dea", nil)
			if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.AddPhoto(held.ID, &waymark.Photo{ContentType: "image/jpeg", Width: 500, Height: 500}, facetest.Crop(t, "sample6.jpg", faceThree), []byte("thumb"))
			}); err != nil {
				t.Fatal(err)
			}
			if n, err := reg.LookAtHeldPhotos(ctx); err != nil || n != 1 {
				t.Fatalf("looked at %d photos held, %v; want 1", n, err)
			}
			if es, err := registry.StoreOf(reg).AuditEntries(ctx, sqlstore.AuditFilter{Action: "photo.face"}); err != nil || len(es) != 1 || es[0].ActorName == "" {
				t.Fatalf("looking at a photo held is audited once, naming who looked: %+v %v", es, err)
			}
			search := func(photo []byte) []identify.Candidate {
				f, err := reg.QueryFace(photo)
				if err != nil {
					t.Fatal(err)
				}
				found, err := reg.Identify(ctx, a, &waymark.Child{Photos: []waymark.Photo{{Face: f, CreatedAt: reg.Now()}}}, 5)
				if err != nil || len(found.Candidates) == 0 {
					t.Fatalf("search by a face: %+v %v", found, err)
				}
				return found.Candidates
			}
			got := search(facetest.Crop(t, "sample3.jpg", faceOneAgain))
			if got[0].ChildID != one.ID || got[0].Evidence[0].Field != identify.FieldFace {
				t.Fatalf("search by another framing of Ana's face: %+v", got)
			}
			t.Logf("Ana's face, framed again: %s %s %.2f; probability %.3f", got[0].Evidence[0].Level, got[0].Evidence[0].Detail, got[0].Evidence[0].Weight, got[0].Probability)
			if got := search(facetest.Crop(t, "sample6.jpg", faceThree)); got[0].ChildID != held.ID {
				t.Fatalf("search by the face of a photo held from before: %+v", got)
			}
			var blank bytes.Buffer
			img := image.NewGray(image.Rect(0, 0, 200, 200))
			for i := range img.Pix {
				img.Pix[i] = uint8(i % 200)
			}
			png.Encode(&blank, img)
			_, err := reg.QueryFace(blank.Bytes())
			if fe := waymark.ErrorFields(err); len(fe) != 1 || fe[0].Field != "photo" || !strings.Contains(fe[0].Message, "No face") {
				t.Fatalf("a photo with no face: %v", err)
			}
			c, err := reg.Child(ctx, a, one.ID)
			if err != nil {
				t.Fatal(err)
			}
			js, _ := json.Marshal(c)
			if !strings.Contains(string(js), `"face_model"`) || strings.Contains(string(js), `"face":`) {
				t.Fatalf("a child's JSON must name the face model and never hold the face: %s", js)
			}
		})
	}
}

// pipeline is the face networks, or skips the test without them.
func pipeline(t testing.TB) *face.Pipeline {
	p, err := face.Load(facetest.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkPhotoWithAFace times a photo of a child recorded as the service records it — read,
// scaled, its largest face found, aligned and described, photo and face sealed and written — and
// a search by another photo of that face end to end (its face described, the registry searched,
// the search audited), on SQLite. The photo is a sample photo's 1920×1280 with three faces.
func BenchmarkPhotoWithAFace(b *testing.B) {
	reg := instance(b, storetest.DSN(b, sqlstore.SQLite), storetest.Keys(b))
	reg.UseFaces(pipeline(b))
	reg.SearchRate = registry.SearchesPerHour(0, nil) // timed, not limited
	ctx := context.Background()
	a := staff(b, reg, waymark.RoleSocialWorker)
	c := &waymark.Child{GivenNames: "Ana", FamilyName: "Testface", Sex: "F", Nationality: "AL"}
	if err := reg.CreateChild(ctx, a, c, nil); err != nil {
		b.Fatal(err)
	}
	photo, again := facetest.Crop(b, "sample1.jpg", image.Rect(0, 0, 1920, 1280)), facetest.Crop(b, "sample1.jpg", image.Rect(40, 30, 1880, 1250))
	timed(b, "record", func() {
		if ph, err := reg.AddPhoto(ctx, a, c.ID, photo); err != nil || len(ph.Face) != 128 {
			b.Fatalf("%+v %v", ph, err)
		}
	})
	timed(b, "search", func() {
		f, err := reg.QueryFace(again)
		if err != nil {
			b.Fatal(err)
		}
		if found, err := reg.Identify(ctx, a, &waymark.Child{Photos: []waymark.Photo{{Face: f, CreatedAt: reg.Now()}}}, 10); err != nil || len(found.Candidates) == 0 || found.Candidates[0].ChildID != c.ID {
			b.Fatalf("%+v %v", found, err)
		}
	})
}

// timed runs do as a sub-benchmark and reports its median and 99th percentile.
func timed(b *testing.B, name string, do func()) {
	b.Run(name, func(b *testing.B) {
		var lat []time.Duration
		for b.Loop() {
			t0 := time.Now()
			do()
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
}
