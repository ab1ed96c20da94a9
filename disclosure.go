package waymark

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// LawfulBases are the grounds a sharing relies on: the UK GDPR article and, for special-category
// data, the Data Protection Act 2018 schedule condition (or Part 3, for law enforcement).
var LawfulBases = map[string]string{
	"safeguarding":     "UK GDPR Art. 6(1)(e) public task; Art. 9(2)(g) substantial public interest, DPA 2018 Sch. 1 para. 18 (safeguarding of children and of individuals at risk)",
	"law_enforcement":  "DPA 2018 Part 3, s. 35 (law enforcement processing by a competent authority)",
	"legal_obligation": "UK GDPR Art. 6(1)(c) legal obligation; Art. 9(2)(g), DPA 2018 Sch. 1 para. 6 (statutory and government purposes)",
	"vital_interests":  "UK GDPR Art. 6(1)(d) vital interests; Art. 9(2)(c) (a person unable to consent)",
	"subject_access":   "UK GDPR Art. 15 (the right of access)",
}

// LawfulBasisCodes are LawfulBases' codes, sorted.
func LawfulBasisCodes() []string {
	var out []string
	for c := range LawfulBases {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Disclosure is one sharing of a child's data (or of many children's: an export) outside the
// organisation that holds it.
type Disclosure struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	OrgID       string    `json:"org_id"`             // who disclosed: the record's owner
	ChildID     string    `json:"child_id,omitempty"` // none: many children (an export)
	Kind        string    `json:"kind"`               // pack, export, webhook, email, handover, opened, subject_access
	Recipient   string    `json:"recipient"`
	Purpose     string    `json:"purpose"`
	LawfulBasis string    `json:"lawful_basis"` // a LawfulBases code
	AgreementID string    `json:"agreement_id,omitempty"`
	Actor       string    `json:"actor"` // who made the sharing happen
}

// Agreement is an information-sharing agreement between organisations.
type Agreement struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	OrgIDs      []string `json:"org_ids"`
	Purpose     string   `json:"purpose"`
	LawfulBasis string   `json:"lawful_basis"`
	StartsOn    string   `json:"starts_on"`
	EndsOn      string   `json:"ends_on,omitempty"` // none: until ended
}

// InForce reports whether the agreement holds on day (YYYY-MM-DD).
func (a *Agreement) InForce(day string) bool {
	return a.StartsOn <= day && (a.EndsOn == "" || day <= a.EndsOn)
}

// Normalize checks an agreement, naming each field at fault.
func (a *Agreement) Normalize() error {
	var p problems
	a.Name, a.Purpose, a.StartsOn, a.EndsOn = strings.TrimSpace(a.Name), strings.TrimSpace(a.Purpose), strings.TrimSpace(a.StartsOn), strings.TrimSpace(a.EndsOn)
	if a.Name == "" {
		p.add("name", "Give the agreement's name")
	}
	if a.Purpose == "" {
		p.add("purpose", "Say what the sharing is for")
	}
	if _, ok := LawfulBases[a.LawfulBasis]; !ok {
		p.add("lawful_basis", "Lawful basis must be one of %s", strings.Join(LawfulBasisCodes(), ", "))
	}
	slices.Sort(a.OrgIDs)
	if a.OrgIDs = slices.Compact(a.OrgIDs); len(a.OrgIDs) < 2 {
		p.add("orgs", "An agreement is between two organisations or more")
	}
	for _, d := range []struct{ field, v string }{{"starts_on", a.StartsOn}, {"ends_on", a.EndsOn}} {
		if _, err := time.Parse(DateLayout, d.v); err != nil && (d.v != "" || d.field == "starts_on") {
			p.add(d.field, "Give the date as YYYY-MM-DD, not %q", d.v)
		}
	}
	if a.EndsOn != "" && a.EndsOn < a.StartsOn {
		p.add("ends_on", "The agreement ends (%s) before it starts (%s)", a.EndsOn, a.StartsOn)
	}
	return p.err()
}

// Between reports whether the agreement binds both organisations.
func (a *Agreement) Between(x, y string) bool {
	return slices.Contains(a.OrgIDs, x) && slices.Contains(a.OrgIDs, y)
}

// String is how a disclosure names the agreement.
func (a *Agreement) String() string { return fmt.Sprintf("%s (%s)", a.Name, a.ID) }
