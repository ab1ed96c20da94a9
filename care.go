package waymark

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Placement is where a looked-after child lives, from Start until End (zero while current).
type Placement struct {
	ID          string    `json:"id,omitempty"`
	ChildID     string    `json:"child_id,omitempty"`
	OrgID       string    `json:"org_id,omitempty"`
	Type        string    `json:"placement_type"`
	Provider    string    `json:"provider,omitempty"`
	Address     string    `json:"address,omitempty"`
	PoliceOrgID string    `json:"police_org_id,omitempty"` // the force covering the address
	Start       time.Time `json:"start"`
	End         time.Time `json:"end,omitzero"`
	EndReason   string    `json:"end_reason,omitempty"`
	// For the looked-after children return and the rules on unregulated accommodation.
	ProviderKind string `json:"provider_kind,omitempty"` // one of ProviderKinds
	Postcode     string `json:"postcode,omitempty"`
	OfstedURN    string `json:"ofsted_urn,omitempty"` // the provider's Ofsted registration (unique reference number)
	RecordedBy   string `json:"recorded_by,omitempty"`
}

// PlacementTypes are the kinds of placement, as in the child interchange.
var PlacementTypes = []string{"foster", "specialist_foster", "residential", "supported", "bnb_hostel", "hotel", "other"}

// ProviderKinds are who provides a placement, as the looked-after children return codes them.
var ProviderKinds = []string{"own_council", "other_council", "other_public", "private", "voluntary", "parent"}

// A placement's rules: each a reason it is unsuitable, or unlawful, for the child.
const (
	RuleBnBHostel     = "bnb_hostel"     // a B&B or hostel gives no supervision
	RuleHotel         = "hotel"          // a hotel is no placement for a looked-after child
	RuleUnder16       = "under_16"       // supported accommodation or other arrangements, under 16
	RuleNotRegistered = "not_registered" // supported accommodation not registered with Ofsted
)

// Rules are what each rule says, with the guidance or law it follows.
var Rules = map[string]string{
	RuleBnBHostel:     "B&B or hostel: unsuitable for any looked-after child (statutory guidance; traffickers find children there)",
	RuleHotel:         "Hotel: not a placement for a looked-after child (the High Court, 2023, on hotels for unaccompanied children)",
	RuleUnder16:       "Under 16 in supported accommodation or other arrangements: unlawful since 9 September 2021 (Care Planning, Placement and Case Review (England) (Amendment) Regulations 2021)",
	RuleNotRegistered: "Supported accommodation not registered with Ofsted: unlawful since 28 October 2023 (Supported Accommodation (England) Regulations 2023)",
}

var (
	under16Since       = time.Date(2021, 9, 9, 0, 0, 0, 0, time.UTC)
	registrationSince  = time.Date(2023, 10, 28, 0, 0, 0, 0, time.UTC)
	unregulatedAtUnder = []string{"supported", "bnb_hostel", "hotel", "other"}
)

// Breaks lists the rules the placement breaks for a child born on dob (YYYY-MM-DD, or "" when not
// known), judged at its start and at now while it lasts: the child's age on either day.
func (p *Placement) Breaks(dob string, now time.Time) []string {
	var out []string
	switch p.Type {
	case "bnb_hostel":
		out = append(out, RuleBnBHostel)
	case "hotel":
		out = append(out, RuleHotel)
	}
	at := now
	if !p.End.IsZero() && p.End.Before(now) {
		at = p.End
	}
	if slices.Contains(unregulatedAtUnder, p.Type) && at.After(under16Since) && under16(dob, at) {
		out = append(out, RuleUnder16)
	}
	if p.Type == "supported" && p.OfstedURN == "" && at.After(registrationSince) {
		out = append(out, RuleNotRegistered)
	}
	return out
}

// RuleWords says what the rules say, one after another.
func RuleWords(rules []string) string {
	words := make([]string, len(rules))
	for i, r := range rules {
		words[i] = Rules[r]
	}
	return strings.Join(words, "; ")
}

func under16(dob string, at time.Time) bool {
	born, err := time.Parse(DateLayout, dob)
	return err == nil && at.Before(born.AddDate(16, 0, 0))
}

// Current reports whether the placement is open at t.
func (p *Placement) Current(t time.Time) bool {
	return !p.Start.After(t) && (p.End.IsZero() || p.End.After(t))
}

// Normalize trims and validates the placement, naming each bad field.
func (p *Placement) Normalize(now time.Time) error {
	var pr problems
	p.Type, p.Provider, p.Address = strings.TrimSpace(p.Type), clean(p.Provider), strings.TrimSpace(p.Address)
	p.EndReason, p.ProviderKind = strings.TrimSpace(p.EndReason), strings.TrimSpace(p.ProviderKind)
	p.Postcode, p.OfstedURN = strings.ToUpper(clean(p.Postcode)), strings.ToUpper(clean(p.OfstedURN))
	if p.ProviderKind != "" && !slices.Contains(ProviderKinds, p.ProviderKind) {
		pr.add("provider_kind", "Who provides the placement must be one of %s", strings.Join(ProviderKinds, ", "))
	}
	if p.Postcode != "" && !postcode.MatchString(p.Postcode) {
		pr.add("postcode", "Enter a UK postcode such as NE1 4ST")
	}
	checkLen(&pr, "ofsted_urn", p.OfstedURN, 30)
	if !slices.Contains(PlacementTypes, p.Type) {
		pr.add("placement_type", "Type of placement must be one of %s", strings.Join(PlacementTypes, ", "))
	}
	if p.Start.IsZero() {
		pr.add("start", "Enter when the placement started")
	} else if p.Start.After(now.AddDate(0, 0, 60)) {
		pr.add("start", "The start is more than 60 days ahead")
	}
	if !p.End.IsZero() && p.End.Before(p.Start) {
		pr.add("end", "The end must not be before the start")
	}
	if p.Provider == "" && p.Address == "" {
		pr.add("provider", "Name the carer, home or provider, or give the address")
	}
	checkLen(&pr, "provider", p.Provider, 300)
	checkLen(&pr, "address", p.Address, 1000)
	checkLen(&pr, "end_reason", p.EndReason, 2000)
	return pr.err()
}

// postcode is a UK postcode's shape, with or without its space.
var postcode = regexp.MustCompile(`^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$`)

// Screening records whether a child shows indicators of trafficking, and which exploitation.
type Screening struct {
	ID           string    `json:"id,omitempty"`
	ChildID      string    `json:"child_id,omitempty"`
	OrgID        string    `json:"org_id,omitempty"`
	Date         time.Time `json:"date"`
	Outcome      string    `json:"outcome"`
	Exploitation []string  `json:"exploitation,omitempty"`
	// Indicators are the catalogue's codes ticked, from its version Catalogue.
	Indicators []string `json:"indicators,omitempty"`
	Catalogue  string   `json:"catalogue_version,omitempty"`
	// Account is the child's own account, and Judgement the screener's: both sealed.
	Account   string `json:"child_account,omitempty"`
	Judgement string `json:"judgement,omitempty"`
	// InterpreterLanguage and InterpreterMode say whether, and how, an interpreter was used.
	InterpreterLanguage string `json:"interpreter_language,omitempty"`
	InterpreterMode     string `json:"interpreter_mode,omitempty"` // InterpreterModes
	RecordedBy          string `json:"recorded_by,omitempty"`
}

// Screening outcomes and exploitation types, as in the child interchange.
var (
	ScreeningOutcomes = []string{"trafficking_concern", "no_concern"}
	// ExploitationTypes are the NRM's, with county lines apart from other criminal exploitation.
	ExploitationTypes = []string{"labour", "sexual", "criminal", "county_lines", "cannabis", "domestic_servitude", "organ_harvesting",
		"benefit_fraud", "street_crime", "forced_marriage"}
	InterpreterModes = []string{"in_person", "by_phone", "by_video"}
)

// NRMReferralWithin is how many working days after a screening finds a concern the child's NRM
// referral is due.
const NRMReferralWithin = 2

// Concern reports whether the screening found indicators of trafficking.
func (s *Screening) Concern() bool { return s.Outcome == "trafficking_concern" }

// Normalize validates the screening, naming each bad field.
func (s *Screening) Normalize(now time.Time) error {
	var p problems
	s.Outcome = strings.TrimSpace(s.Outcome)
	if !slices.Contains(ScreeningOutcomes, s.Outcome) {
		p.add("outcome", "Outcome must be one of %s", strings.Join(ScreeningOutcomes, ", "))
	}
	if s.Date.IsZero() {
		p.add("date", "Enter the date of the screening")
	} else if s.Date.After(now.Add(24 * time.Hour)) {
		p.add("date", "The date cannot be in the future")
	}
	s.Exploitation = cleanList(s.Exploitation)
	for _, e := range s.Exploitation {
		if !slices.Contains(ExploitationTypes, e) {
			p.add("exploitation", "Unknown exploitation type %q: use %s", e, strings.Join(ExploitationTypes, ", "))
			break
		}
	}
	slices.Sort(s.Exploitation)
	s.Exploitation = slices.Compact(s.Exploitation)
	s.Indicators = cleanList(s.Indicators)
	slices.Sort(s.Indicators)
	s.Indicators = slices.Compact(s.Indicators)
	s.Account, s.Judgement = strings.TrimSpace(s.Account), strings.TrimSpace(s.Judgement)
	s.InterpreterLanguage, s.InterpreterMode = clean(s.InterpreterLanguage), strings.TrimSpace(s.InterpreterMode)
	if s.InterpreterMode != "" && !slices.Contains(InterpreterModes, s.InterpreterMode) {
		p.add("interpreter_mode", "How the interpreter took part must be one of %s", strings.Join(InterpreterModes, ", "))
	}
	if s.InterpreterMode != "" && s.InterpreterLanguage == "" {
		p.add("interpreter_language", "Name the language interpreted")
	}
	checkLen(&p, "child_account", s.Account, 20000)
	checkLen(&p, "judgement", s.Judgement, 8000)
	checkLen(&p, "interpreter_language", s.InterpreterLanguage, 100)
	return p.err()
}
