package sqlstore

import (
	"context"
	"fmt"

	"github.com/waymark-org/waymark"
)

const handoverColumns = `id, child_id, from_org_id, to_org_id, kind, reason, note, status, requested_by, requested_at,
	decided_by, decided_at, decline_reason`

func scanHandover(r scanner) (*waymark.Handover, error) {
	var h waymark.Handover
	err := r.Scan(&h.ID, &h.ChildID, &h.FromOrgID, &h.ToOrgID, &h.Kind, &h.Reason, &h.Note, &h.Status, &h.RequestedBy,
		&h.RequestedAt, &h.DecidedBy, nullable{&h.DecidedAt}, &h.DeclineReason)
	h.DueAt = h.Due()
	return &h, err
}

// CreateHandover records a handover asked for; one already waiting for the child is a conflict.
func (tx *Tx) CreateHandover(h *waymark.Handover) error {
	h.ID, h.Status, h.RequestedAt = NewID(), waymark.HandoverOpen, tx.s.now()
	h.DueAt = h.Due()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO handovers (`+handoverColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', NULL, '')`,
		h.ID, h.ChildID, h.FromOrgID, h.ToOrgID, h.Kind, h.Reason, h.Note, h.Status, h.RequestedBy, h.RequestedAt)
	if isUniqueViolation(err) {
		return waymark.Errorf(waymark.ECONFLICT, "A handover of this child is already waiting to be accepted.")
	}
	return wrap(err, "create handover")
}

// Handover returns one handover.
func (s *Store) Handover(ctx context.Context, id string) (*waymark.Handover, error) {
	h, err := scanHandover(s.db.QueryRowContext(ctx, `SELECT `+handoverColumns+` FROM handovers WHERE id = $1`, id))
	return h, notFound(err, "handover")
}

// Handovers lists the handovers to or from an organisation, in a status ("" for any), newest first.
func (s *Store) Handovers(ctx context.Context, orgID, status string) ([]*waymark.Handover, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+handoverColumns+` FROM handovers WHERE (to_org_id = $1 OR from_org_id = $1)
		AND ($2 = '' OR status = $2) ORDER BY requested_at DESC LIMIT 500`, orgID, status)
	if err != nil {
		return nil, fmt.Errorf("list handovers: %w", err)
	}
	return collect(rows, scanHandover)
}

// ChildHandovers lists a child's handovers, newest first: who was responsible, and since when.
func (s *Store) ChildHandovers(ctx context.Context, childID string) ([]*waymark.Handover, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+handoverColumns+` FROM handovers WHERE child_id = $1 ORDER BY requested_at DESC`, childID)
	if err != nil {
		return nil, fmt.Errorf("list a child's handovers: %w", err)
	}
	return collect(rows, scanHandover)
}

// OpenHandovers lists every handover still waiting, for the alert sweep.
func (s *Store) OpenHandovers(ctx context.Context) ([]*waymark.Handover, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+handoverColumns+` FROM handovers WHERE status = 'open'`)
	if err != nil {
		return nil, fmt.Errorf("list open handovers: %w", err)
	}
	return collect(rows, scanHandover)
}

// DecideHandover accepts or declines a waiting handover, by a user of the receiving organisation;
// accepted, the child's responsible organisation becomes the receiving one (who recorded the child
// is kept). A handover no longer waiting is a conflict. Its alerts are cleared.
func (tx *Tx) DecideHandover(h *waymark.Handover, accept bool, by, why string) error {
	h.Status, h.DecidedBy, h.DecidedAt, h.DeclineReason = waymark.HandoverDeclined, by, tx.s.now(), why
	if accept {
		h.Status, h.DeclineReason = waymark.HandoverAccepted, ""
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE handovers SET status = $1, decided_by = $2, decided_at = $3, decline_reason = $4
		WHERE id = $5 AND status = 'open'`, h.Status, h.DecidedBy, h.DecidedAt, h.DeclineReason, h.ID)
	if err != nil {
		return fmt.Errorf("decide handover: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return waymark.Errorf(waymark.ECONFLICT, "This handover was already accepted or declined.")
	}
	if accept {
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE children SET recorded_by_org_id = CASE WHEN recorded_by_org_id = '' THEN org_id
			ELSE recorded_by_org_id END, org_id = $1, updated_at = $2 WHERE id = $3 AND org_id = $4`, h.ToOrgID, h.DecidedAt, h.ChildID, h.FromOrgID); err != nil {
			return fmt.Errorf("hand over child: %w", err)
		}
		tx.childChanged = true
	}
	_, err = tx.tx.ExecContext(tx.ctx, `UPDATE alerts SET cleared_at = $1, cleared_by = 'resolved' WHERE cleared_at IS NULL
		AND subject = $2 AND kind IN (`+waitingHandover+`)`, h.DecidedAt, h.ID)
	return wrap(err, "clear handover alerts")
}
