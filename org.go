package waymark

import (
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Organisation is a local authority, police force, border agency or charity.
type Organisation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// MFARoles are the roles whose users must pass a second factor to sign in (nil at creation:
	// DefaultMFARoles; empty: none).
	MFARoles []Role `json:"mfa_roles"`
	// Completeness is what a child's identification record must hold (nil: DefaultCompleteness).
	Completeness []string `json:"completeness,omitempty"`
	// OfflineOff turns off offline capture for the organisation's users.
	OfflineOff bool `json:"offline_off,omitempty"`
}

// DefaultMFARoles are every role but the analyst's, who sees aggregates only.
func DefaultMFARoles() []Role {
	return slices.DeleteFunc(slices.Clone(Roles), func(r Role) bool { return r == RoleAnalyst })
}

// NeedsSecondFactor reports whether the organisation requires a second factor of role.
func (o *Organisation) NeedsSecondFactor(r Role) bool { return slices.Contains(o.MFARoles, r) }

// JoinRoles writes roles as ParseRoles reads them.
func JoinRoles(rs []Role) string {
	if len(rs) == 0 {
		return "none"
	}
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// ParseRoles reads a comma-separated list of roles, "none" or "default".
func ParseRoles(s string) ([]Role, error) {
	switch s = strings.TrimSpace(s); s {
	case "default":
		return DefaultMFARoles(), nil
	case "none", "":
		return []Role{}, nil
	}
	var out []Role
	for f := range strings.SplitSeq(s, ",") {
		r := Role(strings.TrimSpace(f))
		if !r.Valid() {
			return nil, Errorf(EINVALID, "Role must be one of %s, not %q", strings.Join(roleNames(), ", "), r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
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
	for _, f := range o.Completeness {
		if !slices.Contains(IdentificationFacts, f) {
			p.add("completeness", "Each fact required must be one of %s, not %q", strings.Join(IdentificationFacts, ", "), f)
			break
		}
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
	Phone        string    `json:"phone,omitempty"` // for the team around a child to reach them
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	MustChange   bool      `json:"must_change_password"` // set by an admin's reset: choose one's own at sign-in
	TOTP         bool      `json:"second_factor"`        // an authenticator app is set up
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
	if u.Phone = clean(u.Phone); u.Phone != "" {
		if _, err := NormalizePhone(u.Phone); err != nil {
			p.add("phone", "Enter a telephone number with its area or country code, such as 01632 960123")
		}
	}
	return p.err()
}

// Channel is where an organisation's alerts are sent beyond Waymark's own pages: an e-mail address
// (a duty team's mailbox) or a webhook (a force's control-room system). What is sent names the kind
// of alert and the child's reference only; the details stay behind Waymark's sign-in.
type Channel struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Kind      string    `json:"kind"`   // email or webhook
	Target    string    `json:"target"` // the address or URL
	Secret    []byte    `json:"-"`      // signs webhook bodies
	CreatedAt time.Time `json:"created_at"`
}

// Channel kinds.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Normalize validates a channel: a plain e-mail address, or an https URL (http only to this
// machine, for a receiver alongside).
func (c *Channel) Normalize() error {
	var p problems
	c.Target = strings.TrimSpace(c.Target)
	switch c.Kind {
	case ChannelEmail:
		if a, err := mail.ParseAddress(c.Target); err != nil || a.Address != c.Target {
			p.add("email", "Enter a valid e-mail address such as duty-team@example.org")
		}
	case ChannelWebhook:
		u, err := url.Parse(c.Target)
		switch {
		case err != nil || u.Host == "" || u.User != nil:
			p.add("webhook", "Enter the receiver's full URL, such as https://alerts.example.org/waymark")
		case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
			p.add("webhook", "Use https: alerts must not cross the network unencrypted")
		}
	default:
		p.add("kind", "Kind must be %s or %s, not %q", ChannelEmail, ChannelWebhook, c.Kind)
	}
	checkLen(&p, c.Kind, c.Target, 500)
	return p.err()
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}
