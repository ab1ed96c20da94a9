package sqlstore_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A photo's face is sealed, read back with the child and by AllFaces, and a photo not looked at by
// the current networks is listed until it is.
func TestPhotoFaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Border", "border")
		c := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Selam", FamilyName: "Tesfay"})
		face := make([]float32, 128)
		for i := range face {
			face[i] = float32(i)/1000 - 0.05
		}
		with := &waymark.Photo{ContentType: "image/png", Width: 1, Height: 1, Face: face, FaceModel: "m1"}
		without := &waymark.Photo{ContentType: "image/png", Width: 1, Height: 1}
		for _, p := range []*waymark.Photo{with, without} {
			if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.AddPhoto(c.ID, p, []byte("IMAGE"), []byte("THUMB")) }); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Child(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(got.Photos, func(p waymark.Photo) bool { return p.ID == with.ID })
		if i < 0 || !slices.Equal(got.Photos[i].Face, face) || got.Photos[i].FaceModel != "m1" {
			t.Fatalf("photos read back: %+v", got.Photos)
		}
		var raw []byte
		if err := s.DB().QueryRow(`SELECT face FROM photos WHERE id = $1`, with.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		plain := make([]byte, 4*len(face))
		for i, v := range face {
			binary.LittleEndian.PutUint32(plain[4*i:], math.Float32bits(v))
		}
		if len(raw) == 0 || bytes.Contains(raw, plain[:64]) {
			t.Fatal("a face is stored in clear")
		}
		ids, children, err := s.PhotosUnlooked(ctx, "m1", 10)
		if err != nil || !slices.Equal(ids, []string{without.ID}) || children[0] != c.ID {
			t.Fatalf("unlooked by m1: %v %v %v", ids, children, err)
		}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.SetPhotoFace(without.ID, nil, "m1") }); err != nil {
			t.Fatal(err)
		}
		if ids, _, err := s.PhotosUnlooked(ctx, "m1", 10); err != nil || len(ids) != 0 {
			t.Fatalf("a photo looked at with no face found is still unlooked: %v %v", ids, err)
		}
		if ids, _, _ := s.PhotosUnlooked(ctx, "m2", 10); len(ids) != 2 {
			t.Fatalf("new networks have %d photos to look at, want 2", len(ids))
		}
		var faces []string
		if err := s.AllFaces(ctx, func(childID string, p waymark.Photo) error {
			if childID != c.ID || !slices.Equal(p.Face, face) {
				t.Errorf("AllFaces gave %s %+v", childID, p)
			}
			faces = append(faces, p.ID)
			return nil
		}); err != nil || !slices.Equal(faces, []string{with.ID}) {
			t.Fatalf("AllFaces: %v %v", faces, err)
		}
	})
}
