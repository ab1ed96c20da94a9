package waymark

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Organisation is a local authority, police force, border agency or charity.
type Organisation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// OrgKinds are the kinds of organisation Waymark serves.
var OrgKinds = []string{"council", "police", "border", "charity"}

// Normalize validates an organisation.
func (o *Organisation) Normalize() error {
	var p problems
	o.Name, o.Kind = clean(o.Name), strings.TrimSpace(o.Kind)
	if o.Name == "" {
		p.add("name", "Enter the organisation's name")
	}
	checkLen(&p, "name", o.Name, 200)
	if !slices.Contains(OrgKinds, o.Kind) {
		p.add("kind", "Kind must be one of %s, not %q", strings.Join(OrgKinds, ", "), o.Kind)
	}
	return p.err()
}

// User is a person who signs in.
type User struct {
	ID           string    `json:"id"`
	OrgID        string    `json:"org_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	FailedLogins int       `json:"-"`
	LockedUntil  time.Time `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Normalize validates a user.
func (u *User) Normalize() error {
	var p problems
	u.Email, u.Name = strings.ToLower(strings.TrimSpace(u.Email)), clean(u.Name)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		p.add("email", "Enter a valid e-mail address such as name@example.org")
	}
	if !u.Role.Valid() {
		p.add("role", "Role must be one of %s, not %q", strings.Join(roleNames(), ", "), u.Role)
	}
	checkLen(&p, "name", u.Name, 200)
	return p.err()
}
