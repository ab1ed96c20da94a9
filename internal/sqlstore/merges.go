package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waymark-org/waymark"
)

const mergeColumns = `m.id, m.survivor_id, m.merged_id, s.ref, x.ref, m.reason, m.status, m.requested_by, m.requested_org, m.other_org,
	m.requested_at, m.decided_by, m.decided_at, m.decline_reason, m.merged_at, m.undone_by, m.undone_at`

const mergeFrom = ` FROM merges m JOIN children s ON s.id = m.survivor_id JOIN children x ON x.id = m.merged_id`

func scanMerge(r scanner) (*waymark.Merge, error) {
	var m waymark.Merge
	err := r.Scan(&m.ID, &m.SurvivorID, &m.MergedID, &m.SurvivorRef, &m.MergedRef, &m.Reason, &m.Status, &m.RequestedBy,
		&m.RequestedOrgID, &m.OtherOrgID, &m.RequestedAt, &m.DecidedBy, nullable{&m.DecidedAt}, &m.DeclineReason,
		nullable{&m.MergedAt}, &m.UndoneBy, nullable{&m.UndoneAt})
	return &m, err
}

// ChildIDsByRef returns the ids of the children known by a reference, in any organisation.
func (s *Store) ChildIDsByRef(ctx context.Context, ref string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM children WHERE ref = $1`, ref)
	if err != nil {
		return nil, fmt.Errorf("find reference: %w", err)
	}
	return collect(rows, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
}

// CreateMerge records a merge asked for; one already waiting for the merged record is a conflict.
func (tx *Tx) CreateMerge(m *waymark.Merge) error {
	m.ID, m.Status, m.RequestedAt = NewID(), waymark.MergeRequested, tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO merges (id, survivor_id, merged_id, reason, status, requested_by, requested_org,
		other_org, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, m.SurvivorID, m.MergedID, m.Reason, m.Status, m.RequestedBy, m.RequestedOrgID, m.OtherOrgID, m.RequestedAt)
	if isUniqueViolation(err) {
		return waymark.Errorf(waymark.ECONFLICT, "A merge of this record is already waiting to be agreed.")
	}
	return wrap(err, "create merge")
}

// Merge returns one merge.
func (s *Store) Merge(ctx context.Context, id string) (*waymark.Merge, error) {
	m, err := scanMerge(s.db.QueryRowContext(ctx, `SELECT `+mergeColumns+mergeFrom+` WHERE m.id = $1`, id))
	return m, notFound(err, "merge")
}

// Merges lists the merges an organisation asked for or must agree to, in a status ("" for any).
func (s *Store) Merges(ctx context.Context, orgID, status string) ([]*waymark.Merge, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+mergeColumns+mergeFrom+` WHERE (m.requested_org = $1 OR m.other_org = $1)
		AND ($2 = '' OR m.status = $2) ORDER BY m.requested_at DESC LIMIT 500`, orgID, status)
	if err != nil {
		return nil, fmt.Errorf("list merges: %w", err)
	}
	return collect(rows, scanMerge)
}

// moved is what a merge changed, to undo it exactly: the survivor's identity facts before, the
// rows moved from the merged record, and the parts and versions the merge closed.
type moved struct {
	Survivor   *waymark.Child      `json:"survivor"`
	Rows       map[string][]string `json:"rows"`
	Ended      []string            `json:"ended"`      // team parts of someone already in the survivor's team
	Superseded map[string][]string `json:"superseded"` // the merged record's current versions, where the survivor had its own
	NRM        bool                `json:"nrm"`        // the merged record's NRM referral moved
}

// movable are the tables whose rows follow a child into the record it is merged into.
var movable = []string{"encounters", "photos", "placements", "screenings", "missing_episodes", "alerts", "handovers",
	"strategy_discussions", "strategy_actions", "team_members", "child_profiles", "safety_plans", "exploitation_seen", "links", "bureau_searches"}

// DoMerge merges the record m.MergedID into m.SurvivorID, whose identity facts are now survivor
// (before them, as they were): every row of the merged record moves to the survivor, the merged
// record is marked merged, and what changed is kept, sealed, for UndoMerge.
func (tx *Tx) DoMerge(m *waymark.Merge, survivor, before *waymark.Child) error {
	from, to := m.MergedID, m.SurvivorID
	mv := moved{Survivor: before, Rows: map[string][]string{}, Superseded: map[string][]string{}}
	now := tx.s.now()
	var err error
	if mv.Ended, err = tx.column(`SELECT a.id FROM team_members a JOIN team_members b ON b.user_id = a.user_id AND b.child_id = $2
		AND b.ended_at IS NULL WHERE a.child_id = $1 AND a.ended_at IS NULL`, from, to); err != nil {
		return err
	}
	if err := tx.execIn(`UPDATE team_members SET ended_at = $1, ended_by = 'merge' WHERE id IN (%s)`, mv.Ended, now); err != nil {
		return err
	}
	for _, t := range []string{"child_profiles", "safety_plans"} {
		ids, err := tx.column(`SELECT id FROM `+t+` WHERE child_id = $1 AND superseded_at IS NULL
			AND EXISTS (SELECT 1 FROM `+t+` s WHERE s.child_id = $2 AND s.superseded_at IS NULL)`, from, to)
		if err != nil {
			return err
		}
		mv.Superseded[t] = ids
		if err := tx.execIn(`UPDATE `+t+` SET superseded_at = $1 WHERE id IN (%s)`, ids, now); err != nil {
			return err
		}
	}
	for _, t := range movable {
		ids, err := tx.column(`SELECT id FROM `+t+` WHERE child_id = $1`, from)
		if err != nil {
			return err
		}
		mv.Rows[t] = ids
		if err := tx.execIn(`UPDATE `+t+` SET child_id = $1 WHERE id IN (%s)`, ids, to); err != nil {
			return err
		}
	}
	nrm, err := tx.column(`SELECT child_id FROM nrm_referrals WHERE child_id = $1 AND NOT EXISTS (SELECT 1 FROM nrm_referrals WHERE child_id = $2)`, from, to)
	if err != nil {
		return err
	}
	if mv.NRM = len(nrm) > 0; mv.NRM {
		if err := tx.exec(`UPDATE nrm_referrals SET child_id = $1 WHERE child_id = $2`, to, from); err != nil {
			return err
		}
	}
	if err := tx.UpdateChild(survivor); err != nil {
		return err
	}
	if err := tx.exec(`UPDATE children SET merged_into = $1, updated_at = $2 WHERE id = $3`, to, now, from); err != nil {
		return err
	}
	plain, err := json.Marshal(mv)
	if err != nil {
		return fmt.Errorf("encode merge: %w", err)
	}
	m.Status, m.MergedAt = waymark.MergeDone, now
	tx.childChanged = true
	return tx.exec(`UPDATE merges SET status = $1, merged_at = $2, sealed = $3 WHERE id = $4`,
		m.Status, now, tx.s.keys.Seal(plain, versionAAD("merges", m.ID)), m.ID)
}

// UndoMerge undoes a merge exactly: the rows it moved go back, the parts and versions it closed
// reopen, the survivor's identity facts are as they were, and the merged record is itself again.
func (tx *Tx) UndoMerge(m *waymark.Merge, by string) error {
	var sealed []byte
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT sealed FROM merges WHERE id = $1 AND status = 'merged'`, m.ID).Scan(&sealed); err != nil {
		return notFound(err, "merge to undo")
	}
	plain, err := tx.s.keys.Open(sealed, versionAAD("merges", m.ID))
	if err != nil {
		return fmt.Errorf("open merge %s: %w", m.ID, err)
	}
	var mv moved
	if err := json.Unmarshal(plain, &mv); err != nil {
		return fmt.Errorf("decode merge %s: %w", m.ID, err)
	}
	for _, t := range movable {
		if err := tx.execIn(`UPDATE `+t+` SET child_id = $1 WHERE id IN (%s)`, mv.Rows[t], m.MergedID); err != nil {
			return err
		}
	}
	for t, ids := range mv.Superseded {
		if err := tx.execIn(`UPDATE `+t+` SET superseded_at = NULL WHERE id IN (%s)`, ids); err != nil {
			return err
		}
	}
	if err := tx.execIn(`UPDATE team_members SET ended_at = NULL, ended_by = '' WHERE id IN (%s)`, mv.Ended); err != nil {
		return err
	}
	if mv.NRM {
		if err := tx.exec(`UPDATE nrm_referrals SET child_id = $1 WHERE child_id = $2`, m.MergedID, m.SurvivorID); err != nil {
			return err
		}
	}
	if err := tx.UpdateChild(mv.Survivor); err != nil {
		return err
	}
	now := tx.s.now()
	if err := tx.exec(`UPDATE children SET merged_into = '', updated_at = $1 WHERE id = $2`, now, m.MergedID); err != nil {
		return err
	}
	m.Status, m.UndoneBy, m.UndoneAt = waymark.MergeUndone, by, now
	tx.childChanged = true
	return tx.exec(`UPDATE merges SET status = $1, undone_by = $2, undone_at = $3, sealed = NULL WHERE id = $4`, m.Status, by, now, m.ID)
}

// DeclineMerge records a merge the other organisation does not agree to.
func (tx *Tx) DeclineMerge(m *waymark.Merge, by, why string) error {
	m.Status, m.DecidedBy, m.DecidedAt, m.DeclineReason = waymark.MergeDeclined, by, tx.s.now(), why
	return tx.exec(`UPDATE merges SET status = $1, decided_by = $2, decided_at = $3, decline_reason = $4 WHERE id = $5 AND status = 'requested'`,
		m.Status, by, m.DecidedAt, why, m.ID)
}

// AgreeMerge records the other organisation's agreement (DoMerge follows).
func (tx *Tx) AgreeMerge(m *waymark.Merge, by string) error {
	m.DecidedBy, m.DecidedAt = by, tx.s.now()
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE merges SET decided_by = $1, decided_at = $2 WHERE id = $3 AND status = 'requested'`, by, m.DecidedAt, m.ID)
	if err != nil {
		return fmt.Errorf("agree merge: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return waymark.Errorf(waymark.ECONFLICT, "This merge was already agreed or declined.")
	}
	return nil
}

func (tx *Tx) exec(q string, args ...any) error {
	_, err := tx.tx.ExecContext(tx.ctx, q, args...)
	return wrap(err, "merge")
}

// execIn runs q for the rows whose ids are given, its %s the list of their placeholders after args.
func (tx *Tx) execIn(q string, ids []string, args ...any) error {
	if len(ids) == 0 {
		return nil
	}
	for _, id := range ids {
		args = append(args, id)
	}
	return tx.exec(fmt.Sprintf(q, placeholders(len(args)-len(ids)+1, len(ids))), args...)
}

func (tx *Tx) column(q string, args ...any) ([]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return collect(rows, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}
