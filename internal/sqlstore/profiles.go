package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
)

// SaveProfile records a review of a child's Philomena profile as its new version.
func (tx *Tx) SaveProfile(p *waymark.Profile) error {
	return tx.saveVersion("child_profiles", p.ChildID, p.ReviewedBy, p, func(v version) { p.ID, p.ReviewedAt = v.ID, v.At })
}

// Profile returns a child's current Philomena profile, or nil if none has been written.
func (s *Store) Profile(ctx context.Context, childID string) (*waymark.Profile, error) {
	return current[waymark.Profile](ctx, s, "child_profiles", childID)
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
