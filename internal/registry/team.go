package registry

import (
	"context"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// AddTeamMember gives a person, of any organisation, a part in the team around a child: a manager
// of the responsible organisation decides. The person is named by user id, or else by e-mail
// address. From then on they see and do what the part needs, for this child only.
func (r *Registry) AddTeamMember(ctx context.Context, a waymark.Actor, m *waymark.Member) error {
	sc, err := r.childScope(ctx, a, waymark.ManageTeam, m.ChildID)
	if err != nil {
		return err
	}
	u, err := r.teamUser(ctx, m)
	if err != nil {
		return err
	}
	if err := m.Normalize(u.Role, r.store.Now().Format(waymark.DateLayout)); err != nil {
		return err
	}
	m.AddedBy, m.Name, m.Email, m.Phone, m.OrgID = a.Name, u.Name, u.Email, u.Phone, u.OrgID
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.AddTeamMember(m); err != nil {
			return err
		}
		e := entry(a, "team.add", "child", m.ChildID, sc.OrgID)
		e.Reason = string(m.Role) + ": " + u.Name + " <" + u.Email + ">, from " + m.From
		return tx.Audit(e)
	})
}

// teamUser finds the person a part is asked for; one not found, or disabled, is a bad field.
func (r *Registry) teamUser(ctx context.Context, m *waymark.Member) (*waymark.User, error) {
	var u *waymark.User
	var err error
	field := "user_id"
	switch m.UserID = strings.TrimSpace(m.UserID); {
	case m.UserID != "":
		u, err = r.store.User(ctx, m.UserID)
	case strings.TrimSpace(m.Email) != "":
		field = "email"
		u, err = r.store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(m.Email)))
	default:
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "No one was added to the team.",
			Fields: []waymark.FieldError{{Field: "user_id", Message: "Name the person by their Waymark user id or e-mail address"}}}
	}
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || err == nil && u.Disabled {
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "No one was added to the team.",
			Fields: []waymark.FieldError{{Field: field, Message: "No one who can sign in to Waymark has this " + strings.ReplaceAll(field, "_", " ")}}}
	}
	if err != nil {
		return nil, err
	}
	m.UserID = u.ID
	return u, nil
}

// EndTeamMember ends a person's part in the team around a child, and returns it ended: they no
// longer see the child through it. The part stays in the team's history.
func (r *Registry) EndTeamMember(ctx context.Context, a waymark.Actor, childID, memberID string) (*waymark.Member, error) {
	sc, err := r.childScope(ctx, a, waymark.ManageTeam, childID)
	if err != nil {
		return nil, err
	}
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.EndTeamMember(childID, memberID, a.Name); err != nil {
			return err
		}
		return tx.Audit(entry(a, "team.end", "team_member", memberID, sc.OrgID))
	})
	if err != nil {
		return nil, err
	}
	team, err := r.store.Team(ctx, childID)
	for _, m := range team {
		if m.ID == memberID {
			return m, err
		}
	}
	return nil, err
}
