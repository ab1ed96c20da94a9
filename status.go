package waymark

import (
	"slices"
	"strings"
	"time"
)

// Status is what the looked-after children return and the child's immigration plan need to know:
// the legal basis on which the child is looked after, why, their ethnicity as the return codes it,
// and where their asylum claim and leave stand. Ethnicity and the Home Office reference are sealed.
type Status struct {
	LegalStatus       string `json:"legal_status,omitempty"`     // the return's code (LegalStatuses)
	CategoryOfNeed    string `json:"category_of_need,omitempty"` // N1 to N8
	Ethnicity         string `json:"ethnicity,omitempty"`        // the return's code (Ethnicities)
	HomeOfficeRef     string `json:"home_office_ref,omitempty"`
	ClaimDate         string `json:"asylum_claim_date,omitempty"`
	ImmigrationStatus string `json:"immigration_status,omitempty"` // ImmigrationStatuses
	LeaveExpiry       string `json:"leave_expiry,omitempty"`       // when the leave granted ends
}

// The codes of the looked-after children return (SSDA903) a child's status is written in.
var (
	LegalStatuses = []Option{{"C1", "Interim care order"}, {"C2", "Full care order"}, {"D1", "Freeing order granted"},
		{"E1", "Placement order granted"}, {"J1", "Remanded to local authority or youth detention accommodation"},
		{"J2", "Placed in local authority accommodation under PACE"}, {"J3", "Sentenced to a youth rehabilitation order with residence or intensive fostering"},
		{"L1", "Under police protection and in local authority accommodation"}, {"L2", "Emergency protection order"},
		{"L3", "Under a child assessment order and in local authority accommodation"}, {"V2", "Single period of accommodation under section 20"},
		{"V3", "Accommodated under an agreed series of short-term breaks, when individual episodes are recorded"},
		{"V4", "Accommodated under an agreed series of short-term breaks, when agreements are recorded"}}
	CategoriesOfNeed = []Option{{"N1", "Abuse or neglect"}, {"N2", "Child's disability"}, {"N3", "Parental illness or disability"},
		{"N4", "Family in acute stress"}, {"N5", "Family dysfunction"}, {"N6", "Socially unacceptable behaviour"}, {"N7", "Low income"},
		{"N8", "Absent parenting"}}
	Ethnicities = []Option{{"WBRI", "White British"}, {"WIRI", "White Irish"}, {"WIRT", "Traveller of Irish heritage"},
		{"WOTH", "Any other White background"}, {"WROM", "Gypsy/Roma"}, {"MWBC", "White and Black Caribbean"},
		{"MWBA", "White and Black African"}, {"MWAS", "White and Asian"}, {"MOTH", "Any other mixed background"},
		{"AIND", "Indian"}, {"APKN", "Pakistani"}, {"ABAN", "Bangladeshi"}, {"AOTH", "Any other Asian background"},
		{"BCRB", "Black Caribbean"}, {"BAFR", "Black African"}, {"BOTH", "Any other Black background"}, {"CHNE", "Chinese"},
		{"OOTH", "Any other ethnic group"}, {"REFU", "Refused"}, {"NOBT", "Information not yet obtained"}}
	ImmigrationStatuses = []string{"not_claimed", "awaiting_decision", "refugee_status", "humanitarian_protection", "uasc_leave",
		"other_leave", "refused", "appeal", "settled_or_british"}
)

// Codes lists the options' values.
func Codes(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

func (s *Status) normalize(p *problems) {
	s.LegalStatus, s.CategoryOfNeed = strings.ToUpper(clean(s.LegalStatus)), strings.ToUpper(clean(s.CategoryOfNeed))
	s.Ethnicity, s.HomeOfficeRef = strings.ToUpper(clean(s.Ethnicity)), clean(s.HomeOfficeRef)
	s.ImmigrationStatus = clean(s.ImmigrationStatus)
	for _, f := range []struct {
		field, value, what string
		codes              []string
	}{
		{"legal_status", s.LegalStatus, "Legal status", Codes(LegalStatuses)},
		{"category_of_need", s.CategoryOfNeed, "Category of need", Codes(CategoriesOfNeed)},
		{"ethnicity", s.Ethnicity, "Ethnicity", Codes(Ethnicities)},
		{"immigration_status", s.ImmigrationStatus, "Immigration status", ImmigrationStatuses},
	} {
		if f.value != "" && !slices.Contains(f.codes, f.value) {
			p.add(f.field, "%s must be one of %s", f.what, strings.Join(f.codes, ", "))
		}
	}
	checkLen(p, "home_office_ref", s.HomeOfficeRef, 50)
	s.ClaimDate, s.LeaveExpiry = checkDate(p, "asylum_claim_date", "The date of the asylum claim", s.ClaimDate),
		checkDate(p, "leave_expiry", "The date leave ends", s.LeaveExpiry)
}

// checkDate tidies a date written YYYY-MM-DD, naming the field if it is not one.
func checkDate(p *problems, field, what, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	t, err := time.Parse(DateLayout, v)
	if err != nil {
		p.add(field, "%s must be a real date written YYYY-MM-DD, not %q", what, v)
		return v
	}
	return t.Format(DateLayout)
}
