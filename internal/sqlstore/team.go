package sqlstore

import (
	"context"
	"fmt"

	"github.com/waymark-org/waymark"
)

// AddTeamMember gives a user a part in a child's team; one already in it is a conflict.
func (tx *Tx) AddTeamMember(m *waymark.Member) error {
	m.ID, m.AddedAt = NewID(), tx.s.now()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO team_members (id, child_id, user_id, role, from_date, added_by, added_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ID, m.ChildID, m.UserID, string(m.Role), m.From, m.AddedBy, m.AddedAt)
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "This person is already in the child's team.",
			Fields: []waymark.FieldError{{Field: "user_id", Message: "End their present part first to give them another"}}}
	}
	return wrap(err, "add team member")
}

// EndTeamMember ends a current part in a child's team.
func (tx *Tx) EndTeamMember(childID, id, by string) error {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE team_members SET ended_at = $1, ended_by = $2
		WHERE id = $3 AND child_id = $4 AND ended_at IS NULL`, tx.s.now(), by, id, childID)
	if err != nil {
		return fmt.Errorf("end team member: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return waymark.Errorf(waymark.ENOTFOUND, "No current part in this child's team was found.")
	}
	return nil
}

// Team lists a child's team, current parts first, each with the member's contact details.
func (s *Store) Team(ctx context.Context, childID string) ([]*waymark.Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.child_id, t.user_id, t.role, t.from_date, t.added_by, t.added_at,
		t.ended_at, t.ended_by, u.name, u.email, u.phone, u.org_id, o.name
		FROM team_members t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id
		WHERE t.child_id = $1 ORDER BY t.ended_at IS NOT NULL, t.added_at`, childID)
	if err != nil {
		return nil, fmt.Errorf("list team: %w", err)
	}
	return collect(rows, func(r scanner) (*waymark.Member, error) {
		var m waymark.Member
		var role string
		err := r.Scan(&m.ID, &m.ChildID, &m.UserID, &role, &m.From, &m.AddedBy, &m.AddedAt, nullable{&m.EndedAt}, &m.EndedBy,
			&m.Name, &m.Email, &m.Phone, &m.OrgID, &m.OrgName)
		m.Role = waymark.TeamRole(role)
		return &m, err
	})
}
