package waymark

import (
	"slices"
	"strings"
	"time"
)

// TeamRole is what a person does for one child: the team around the child is drawn from any
// organisation, and each member sees and does what their part needs, for that child only.
type TeamRole string

// The parts in the team around the child.
const (
	TeamSocialWorker TeamRole = "social_worker"
	TeamICTG         TeamRole = "ictg"           // Independent Child Trafficking Guardian (statutory)
	TeamKeyWorker    TeamRole = "key_worker"     // a charity's worker who is not the ICTG
	TeamCarer        TeamRole = "carer"          // foster carer, residential key worker
	TeamPolice       TeamRole = "police_officer" // the officer in the case
	TeamIRO          TeamRole = "iro"            // independent reviewing officer
)

// TeamRoles lists the parts, in the order the child's page shows them.
var TeamRoles = []TeamRole{TeamSocialWorker, TeamICTG, TeamKeyWorker, TeamCarer, TeamPolice, TeamIRO}

// parts says, for each part, who may hold it (by their role) and what it lets them do for the child.
var parts = map[TeamRole]struct {
	holders []Role
	may     []Action
}{
	TeamSocialWorker: {[]Role{RoleSocialWorker, RoleManager}, []Action{ViewChild, AddEncounter, RecordCare, ReportMissing, UpdateMissing, ViewPack, EditProfile, ScreenChild, RecordNetwork, RecordBureau}},
	TeamICTG:         {[]Role{RoleICTG}, []Action{ViewChild, ViewPack}},
	TeamKeyWorker:    {[]Role{RoleKeyWorker}, []Action{ViewChild, ViewPack}},
	TeamCarer:        {[]Role{RoleCarer}, []Action{ViewChild, ReportMissing, ViewPack, EditProfile}},
	TeamPolice:       {[]Role{RolePolice}, []Action{ViewChild, AddEncounter, UpdateMissing, ViewPack, ScreenChild, RecordNetwork, RecordBureau}},
	TeamIRO:          {[]Role{RoleSocialWorker, RoleManager}, []Action{ViewChild}},
}

// Label is the part's name for people.
func (t TeamRole) Label() string {
	switch t {
	case TeamICTG:
		return "Independent Child Trafficking Guardian"
	case TeamIRO:
		return "Independent reviewing officer"
	case TeamPolice:
		return "Police officer in the case"
	}
	return Role(t).Label()
}

// HeldBy reports whether a user of role r may take the part.
func (t TeamRole) HeldBy(r Role) bool { return slices.Contains(parts[t].holders, r) }

// Member is one person's part in the team around a child, from a date until ended.
type Member struct {
	ID      string    `json:"id"`
	ChildID string    `json:"child_id"`
	UserID  string    `json:"user_id"`
	Role    TeamRole  `json:"role"`
	From    string    `json:"from"` // the date the part began
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
	EndedAt time.Time `json:"ended_at,omitzero"`
	EndedBy string    `json:"ended_by,omitempty"`
	Name    string    `json:"name,omitempty"` // the member's contact details, read only
	Email   string    `json:"email,omitempty"`
	Phone   string    `json:"phone,omitempty"`
	OrgID   string    `json:"org_id,omitempty"`
	OrgName string    `json:"org_name,omitempty"`
}

// Dial is the member's telephone number as a tel: link wants it (E.164), or "".
func (m *Member) Dial() string {
	d, _ := NormalizePhone(m.Phone)
	return d
}

// Current reports whether the part has not ended.
func (m *Member) Current() bool { return m.EndedAt.IsZero() }

// Normalize validates a part asked for, given the role of the user named; from defaults to today.
func (m *Member) Normalize(holder Role, today string) error {
	var p problems
	m.UserID, m.Role, m.From = strings.TrimSpace(m.UserID), TeamRole(strings.TrimSpace(string(m.Role))), strings.TrimSpace(m.From)
	if m.UserID == "" {
		p.add("user_id", "Choose the person")
	}
	if _, ok := parts[m.Role]; !ok {
		p.add("role", "Choose their part: one of %s", teamRoleNames())
	} else if m.UserID != "" && !m.Role.HeldBy(holder) {
		p.add("role", "A %s cannot be the child's %s", strings.ToLower(holder.Label()), strings.ToLower(m.Role.Label()))
	}
	if m.From == "" {
		m.From = today
	} else if _, err := time.Parse(DateLayout, m.From); err != nil {
		p.add("from", "Enter the date the part began as YYYY-MM-DD")
	}
	return p.err()
}

func teamRoleNames() string {
	s := make([]string, len(TeamRoles))
	for i, t := range TeamRoles {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}
