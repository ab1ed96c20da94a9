package sqlstore

import (
	"context"
	"fmt"

	"github.com/waymark-org/waymark"
)

func photoAAD(id string, thumb bool) []byte {
	if thumb {
		return []byte("thumbnail:" + id)
	}
	return []byte("photo:" + id)
}

// AddPhoto stores an image and its thumbnail, both sealed, and updates what the record lacks.
func (tx *Tx) AddPhoto(childID string, p *waymark.Photo, image, thumbnail []byte) error {
	p.ID, p.CreatedAt = NewID(), tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO photos (id, child_id, content_type, width, height, image, thumbnail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, childID, p.ContentType, p.Width, p.Height,
		tx.s.keys.Seal(image, photoAAD(p.ID, false)), tx.s.keys.Seal(thumbnail, photoAAD(p.ID, true)), p.CreatedAt)
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
func photos(ctx context.Context, q querier, childIDs ...string) (map[string][]waymark.Photo, error) {
	in, args := inList(childIDs, 1)
	rows, err := q.QueryContext(ctx, `SELECT child_id, id, content_type, width, height, created_at FROM photos
		WHERE child_id IN (`+in+`) ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list photos: %w", err)
	}
	defer rows.Close()
	out := map[string][]waymark.Photo{}
	for rows.Next() {
		var p waymark.Photo
		var childID string
		if err := rows.Scan(&childID, &p.ID, &p.ContentType, &p.Width, &p.Height, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("list photos: %w", err)
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
