package waymark

import (
	"strings"
	"time"
)

// Profile is part one of the Philomena Protocol: what the police need the moment a child is
// reported missing, written before it happens and kept current by the child's carer and social
// worker. Each save is a review; the profile is due for another a month later.
type Profile struct {
	ID              string    `json:"id,omitempty"`
	ChildID         string    `json:"child_id,omitempty"`
	Appearance      string    `json:"appearance"`      // how the child looks now: height, build, hair
	Clothing        string    `json:"clothing"`        // what they usually wear, and carry
	Places          string    `json:"places"`          // places and addresses they go to
	People          string    `json:"people"`          // friends and associates, people they go to
	Online          string    `json:"online"`          // phones, SIMs, social media accounts
	Transport       string    `json:"transport"`       // how they get about, tickets, money
	Vulnerabilities string    `json:"vulnerabilities"` // what puts them at risk; what to say to them when found
	ReviewedBy      string    `json:"reviewed_by,omitempty"`
	ReviewedAt      time.Time `json:"reviewed_at,omitzero"`
}

// ReviewDue is when the profile should next be reviewed: a month after the last.
func (p *Profile) ReviewDue() time.Time { return p.ReviewedAt.AddDate(0, 1, 0) }

// Normalize trims the profile and validates it, naming each bad field.
func (p *Profile) Normalize() error {
	var pr problems
	fields := p.fields()
	empty := true
	for _, f := range fields {
		*f.v = strings.TrimSpace(*f.v)
		checkLen(&pr, f.name, *f.v, 4000)
		empty = empty && *f.v == ""
	}
	if empty {
		pr.add("appearance", "Write at least how the child looks now, so that the police can recognise them")
	}
	return pr.err()
}

func (p *Profile) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"appearance", &p.Appearance}, {"clothing", &p.Clothing}, {"places", &p.Places}, {"people", &p.People},
		{"online", &p.Online}, {"transport", &p.Transport}, {"vulnerabilities", &p.Vulnerabilities}}
}

// AlertProfileReview is raised a month after a profile was last reviewed.
const AlertProfileReview = "profile_review_due"
