package sqlstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/waymark-org/waymark"
)

func faceAAD(id string) []byte { return []byte("face:" + id) }

// sealFace packs a face's numbers and seals them; nil when there is none.
func (s *Store) sealFace(id string, f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	b := make([]byte, 4*len(f))
	for i, v := range f {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return s.keys.Seal(b, faceAAD(id))
}

// openFace opens a sealed face.
func (s *Store) openFace(id string, sealed []byte) ([]float32, error) {
	if sealed == nil {
		return nil, nil
	}
	b, err := s.keys.Open(sealed, faceAAD(id))
	if err != nil || len(b)%4 != 0 {
		return nil, fmt.Errorf("face of photo %s: %w", id, cmp.Or(err, errors.New("not whole numbers")))
	}
	f := make([]float32, len(b)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return f, nil
}

func photoAAD(id string, thumb bool) []byte {
	if thumb {
		return []byte("thumbnail:" + id)
	}
	return []byte("photo:" + id)
}

// AddPhoto stores an image and its thumbnail, both sealed, and updates what the record lacks.
func (tx *Tx) AddPhoto(childID string, p *waymark.Photo, image, thumbnail []byte) error {
	p.ID, p.CreatedAt = NewID(), tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO photos (id, child_id, content_type, width, height, image, thumbnail, created_at, face, face_model)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, p.ID, childID, p.ContentType, p.Width, p.Height,
		tx.s.keys.Seal(image, photoAAD(p.ID, false)), tx.s.keys.Seal(thumbnail, photoAAD(p.ID, true)), p.CreatedAt,
		tx.s.sealFace(p.ID, p.Face), p.FaceModel)
	if err != nil {
		return fmt.Errorf("insert photo: %w", err)
	}
	if err := tx.relack(childID); err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `UPDATE children SET updated_at = $1 WHERE id = $2`, tx.s.now(), childID)
	return wrap(err, "update child after photo")
}

// photos lists the photos' descriptions of each of the children, newest first, in one statement.
func (s *Store) photos(ctx context.Context, q querier, childIDs ...string) (map[string][]waymark.Photo, error) {
	in, args := inList(childIDs, 1)
	rows, err := q.QueryContext(ctx, `SELECT child_id, id, content_type, width, height, created_at, face, face_model FROM photos
		WHERE child_id IN (`+in+`) ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list photos: %w", err)
	}
	defer rows.Close()
	out := map[string][]waymark.Photo{}
	for rows.Next() {
		var p waymark.Photo
		var childID string
		var face []byte
		if err := rows.Scan(&childID, &p.ID, &p.ContentType, &p.Width, &p.Height, &p.CreatedAt, &face, &p.FaceModel); err != nil {
			return nil, fmt.Errorf("list photos: %w", err)
		}
		if p.Face, err = s.openFace(p.ID, face); err != nil {
			return nil, err
		}
		out[childID] = append(out[childID], p)
	}
	return out, wrap(rows.Err(), "list photos")
}

// PhotoChild returns the child a photo belongs to, so access can be checked before anything is decrypted.
func (s *Store) PhotoChild(ctx context.Context, photoID string) (string, error) {
	var childID string
	err := s.db.QueryRowContext(ctx, `SELECT child_id FROM photos WHERE id = $1`, photoID).Scan(&childID)
	return childID, notFound(err, "photo")
}

// PhotoData returns the decrypted image (or thumbnail) of a photo, its content type and its child.
func (s *Store) PhotoData(ctx context.Context, photoID string, thumb bool) (childID, contentType string, data []byte, err error) {
	col := "image"
	if thumb {
		col = "thumbnail"
	}
	var sealed []byte
	err = s.db.QueryRowContext(ctx, `SELECT child_id, content_type, `+col+` FROM photos WHERE id = $1`, photoID).Scan(&childID, &contentType, &sealed)
	if err != nil {
		return "", "", nil, notFound(err, "photo")
	}
	if thumb {
		contentType = "image/jpeg"
	}
	data, err = s.keys.Open(sealed, photoAAD(photoID, thumb))
	if err != nil {
		return "", "", nil, fmt.Errorf("photo %s: %w", photoID, err)
	}
	return childID, contentType, data, nil
}

// SetPhotoFace records what the face networks model found in a photo: face, or nil for none.
func (tx *Tx) SetPhotoFace(photoID string, face []float32, model string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE photos SET face = $1, face_model = $2 WHERE id = $3`, tx.s.sealFace(photoID, face), model, photoID)
	return wrap(err, "set photo face")
}

// PhotosUnlooked lists up to limit photos the face networks model has not looked at, with their
// children: the ones made before face matching, or by other networks.
func (s *Store) PhotosUnlooked(ctx context.Context, model string, limit int) (photoIDs, childIDs []string, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, child_id FROM photos WHERE face_model <> $1 ORDER BY id LIMIT $2`, model, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("photos unlooked: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, child string
		if err := rows.Scan(&id, &child); err != nil {
			return nil, nil, fmt.Errorf("photos unlooked: %w", err)
		}
		photoIDs, childIDs = append(photoIDs, id), append(childIDs, child)
	}
	return photoIDs, childIDs, wrap(rows.Err(), "photos unlooked")
}

// AllFaces calls fn with every photo that has a face (its Face and CreatedAt), by child: what the
// identification index needs of photos, without their images.
func (s *Store) AllFaces(ctx context.Context, fn func(childID string, p waymark.Photo) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT child_id, id, created_at, face, face_model FROM photos WHERE face IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("read faces: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p waymark.Photo
		var childID string
		var face []byte
		if err := rows.Scan(&childID, &p.ID, &p.CreatedAt, &face, &p.FaceModel); err != nil {
			return fmt.Errorf("read faces: %w", err)
		}
		if p.Face, err = s.openFace(p.ID, face); err != nil {
			return err
		}
		if err := fn(childID, p); err != nil {
			return err
		}
	}
	return wrap(rows.Err(), "read faces")
}

// DeletePhotos deletes every photo of a child (their faces with them).
func (tx *Tx) DeletePhotos(childID string) error {
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM photos WHERE child_id = $1`, childID); err != nil {
		return fmt.Errorf("delete photos: %w", err)
	}
	return tx.relack(childID)
}
