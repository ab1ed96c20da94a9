package registry

import (
	"context"
	"image"
	"runtime"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/face"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// UseFaces turns on face matching: a photo added is looked at for a face, and a search may give a
// photo. Set before serving; nil leaves face matching off.
func (r *Registry) UseFaces(p *face.Pipeline) {
	r.faces = p
	r.faceTurns = make(chan struct{}, max(runtime.GOMAXPROCS(0)/2, 1))
}

// FacesOn reports whether face matching is on.
func (r *Registry) FacesOn() bool { return r.faces != nil }

// faceOf describes the largest face in img, with the model's name; no face and no model when face
// matching is off, no face and the model's name when none was found.
func (r *Registry) faceOf(img image.Image) ([]float32, string) {
	if r.faces == nil || img == nil {
		return nil, ""
	}
	r.faceTurns <- struct{}{} // each look takes a core for about a tenth of a second, and tens of MB
	defer func() { <-r.faceTurns }()
	f, ok := r.faces.Largest(img)
	if !ok {
		return nil, face.Model
	}
	return f.Embedding, face.Model
}

// QueryFace describes the face in a found child's photo, to search by; the photo is not kept.
func (r *Registry) QueryFace(data []byte) ([]float32, error) {
	if r.faces == nil {
		return nil, waymark.Invalid("photo", "Face matching is off on this service, so a photo cannot be searched by; give what else the child gives.")
	}
	img, err := photo.Open(data)
	if err != nil {
		return nil, err
	}
	f, _ := r.faceOf(img.Picture)
	if f == nil {
		return nil, waymark.Invalid("photo", "No face was found in the photo: take it again with the child facing the camera, in good light, the face filling a good part of the picture.")
	}
	return f, nil
}

// faceLooker is the actor the audit names for looking at photos already held.
var faceLooker = waymark.Actor{Name: "Waymark: face matching"}

// LookAtHeldPhotos looks for a face in every photo the current networks have not looked at (those
// recorded before face matching was turned on), a batch at a time, each audited, and puts the
// children whose photos gained a face back into the index. It returns how many it looked at.
func (r *Registry) LookAtHeldPhotos(ctx context.Context) (int, error) {
	if r.faces == nil {
		return 0, nil
	}
	n := 0
	for ctx.Err() == nil {
		ids, children, err := r.store.PhotosUnlooked(ctx, face.Model, 50)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		for i, id := range ids {
			if err := r.lookAt(ctx, id, children[i]); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, ctx.Err()
}

func (r *Registry) lookAt(ctx context.Context, photoID, childID string) error {
	_, _, data, err := r.store.PhotoData(ctx, photoID, false)
	if err != nil {
		return err
	}
	var f []float32
	model := face.Model
	if img, err := photo.Open(data); err == nil {
		f, model = r.faceOf(img.Picture)
	}
	sc, err := r.store.ChildScope(ctx, childID)
	if err != nil {
		return err
	}
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetPhotoFace(photoID, f, model); err != nil {
			return err
		}
		return tx.Audit(entry(faceLooker, "photo.face", "photo", photoID, sc.OrgID))
	})
	if err != nil || f == nil {
		return err
	}
	c, err := r.store.Child(ctx, childID)
	if err == nil {
		r.index(c)
	}
	return err
}
