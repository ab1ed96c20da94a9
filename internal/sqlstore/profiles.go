package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
)

func profileAAD(id string) []byte { return []byte("profile:" + id) }

// SaveProfile records a review of a child's Philomena profile as its new version; the version
// before is kept, superseded.
func (tx *Tx) SaveProfile(p *waymark.Profile) error {
	now := tx.s.now()
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE child_profiles SET superseded_at = $1 WHERE child_id = $2 AND superseded_at IS NULL`,
		now, p.ChildID); err != nil {
		return fmt.Errorf("supersede profile: %w", err)
	}
	p.ID, p.ReviewedAt = NewID(), now
	plain, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode profile: %w", err)
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO child_profiles (id, child_id, sealed, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5)`,
		p.ID, p.ChildID, tx.s.keys.Seal(plain, profileAAD(p.ID)), p.ReviewedBy, p.ReviewedAt)
	return wrap(err, "save profile")
}

// Profile returns a child's current Philomena profile, or nil if none has been written.
func (s *Store) Profile(ctx context.Context, childID string) (*waymark.Profile, error) {
	var id string
	var sealed []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, sealed FROM child_profiles WHERE child_id = $1 AND superseded_at IS NULL`, childID).Scan(&id, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	plain, err := s.keys.Open(sealed, profileAAD(id))
	if err != nil {
		return nil, fmt.Errorf("open profile %s: %w", id, err)
	}
	var p waymark.Profile
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("decode profile %s: %w", id, err)
	}
	p.ReviewedAt = p.ReviewedAt.UTC()
	return &p, nil
}

// ProfileReview is a current profile's last review, for the alert sweep.
type ProfileReview struct {
	ID, ChildID, OrgID string
	ReviewedAt         time.Time
}

// ProfilesReviewedBetween lists the current profiles last reviewed in [from, to).
func (s *Store) ProfilesReviewedBetween(ctx context.Context, from, to time.Time) ([]ProfileReview, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.child_id, c.org_id, p.reviewed_at FROM child_profiles p JOIN children c ON c.id = p.child_id
		WHERE p.superseded_at IS NULL AND p.reviewed_at >= $1 AND p.reviewed_at < $2`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("list profiles due: %w", err)
	}
	return collect(rows, func(r scanner) (ProfileReview, error) {
		var p ProfileReview
		return p, r.Scan(&p.ID, &p.ChildID, &p.OrgID, &p.ReviewedAt)
	})
}
