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

// teamUser finds the person a part is asked for.
func (r *Registry) teamUser(ctx context.Context, m *waymark.Member) (*waymark.User, error) {
	field := "user_id"
	if strings.TrimSpace(m.UserID) == "" && strings.TrimSpace(m.Email) != "" {
		field = "email"
	}
	u, err := r.userNamed(ctx, m.UserID, m.Email, field)
	if err != nil {
		return nil, err
	}
	m.UserID = u.ID
	return u, nil
}

// userNamed finds a person by user id or, failing that, e-mail address; one not found, or
// disabled, is a bad field.
func (r *Registry) userNamed(ctx context.Context, id, email, field string) (*waymark.User, error) {
	var u *waymark.User
	var err error
	switch id, email = strings.TrimSpace(id), strings.ToLower(strings.TrimSpace(email)); {
	case id != "":
		u, err = r.store.User(ctx, id)
	case email != "":
		u, err = r.store.UserByEmail(ctx, email)
	default:
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "No one was named.",
			Fields: []waymark.FieldError{{Field: field, Message: "Name the person by their Waymark user id or e-mail address"}}}
	}
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || err == nil && u.Disabled {
		return nil, &waymark.Error{Code: waymark.EINVALID, Message: "No one was named who can sign in to Waymark.",
			Fields: []waymark.FieldError{{Field: field, Message: "No one who can sign in to Waymark has this user id or e-mail address"}}}
	}
	return u, err
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
