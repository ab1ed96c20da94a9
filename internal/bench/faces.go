package bench

import (
	"math/rand/v2"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/synth"
)

// addFaces gives a share (World.Faces) of the recorded children a photo of their face, taken up to
// three years before, and the same share of the probes a photo of the found child's. The faces are
// random — 128 numbers of standard deviation 0.0625, two at random 1.0 apart, as dlib's network
// puts different people 0.6–1.0 apart — a sibling's 0.5–0.8 from the child it was drawn from
// (siblings look alike: dlib puts some under 0.6), and a found child's 0.1–0.5 from their recorded
// one (the capture changes of docs/identification.md move a face 0.06–0.18; how far children's
// faces move over years is not known), or a face of no one recorded when the record has no photo.
// They are this benchmark's assumptions, not measurements, and are drawn from a source of their
// own: every other fact stays as without faces.
func (d *Data) addFaces() {
	rnd := rand.New(rand.NewPCG(d.seed, 0xface))
	byID := map[string]*waymark.Child{}
	for _, c := range d.Children {
		byID[c.ID] = c
		if rnd.Float64() < d.world.Faces {
			c.Photos = []waymark.Photo{{ID: "p" + c.ID, Face: synth.Face(rnd), CreatedAt: benchNow.AddDate(0, -rnd.IntN(36), 0)}}
		}
	}
	for _, s := range d.siblings {
		if c, sib := d.Children[s[0]], d.Children[s[1]]; len(c.Photos) > 0 && len(sib.Photos) > 0 {
			sib.Photos[0].Face = synth.Moved(rnd, c.Photos[0].Face, 0.5+0.3*rnd.Float64())
		}
	}
	for i := range d.Probes {
		p := &d.Probes[i]
		if rnd.Float64() >= d.world.Faces {
			continue
		}
		f := synth.Face(rnd)
		if c := byID[p.Truth]; c != nil && len(c.Photos) > 0 {
			f, p.Linkable = synth.Moved(rnd, c.Photos[0].Face, 0.1+0.4*rnd.Float64()), true
		}
		p.Query.Photos = []waymark.Photo{{Face: f, CreatedAt: benchNow}}
	}
}
