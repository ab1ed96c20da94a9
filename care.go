package waymark

import (
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
	RecordedBy  string    `json:"recorded_by,omitempty"`
}

// PlacementTypes are the kinds of placement, as in the child interchange. A B&B or hostel gives no
// supervision: guidance calls it unsuitable for a looked-after child, and traffickers find children there.
var PlacementTypes = []string{"foster", "specialist_foster", "residential", "supported", "bnb_hostel", "other"}

// Unsuitable reports whether the placement is of a kind guidance calls unsuitable.
func (p *Placement) Unsuitable() bool { return p.Type == "bnb_hostel" }

// Current reports whether the placement is open at t.
func (p *Placement) Current(t time.Time) bool {
	return !p.Start.After(t) && (p.End.IsZero() || p.End.After(t))
}

// Normalize trims and validates the placement, naming each bad field.
func (p *Placement) Normalize(now time.Time) error {
	var pr problems
	p.Type, p.Provider, p.Address = strings.TrimSpace(p.Type), clean(p.Provider), strings.TrimSpace(p.Address)
	p.EndReason = strings.TrimSpace(p.EndReason)
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

// Screening records whether a child shows indicators of trafficking, and which exploitation.
type Screening struct {
	ID           string    `json:"id,omitempty"`
	ChildID      string    `json:"child_id,omitempty"`
	OrgID        string    `json:"org_id,omitempty"`
	Date         time.Time `json:"date"`
	Outcome      string    `json:"outcome"`
	Exploitation []string  `json:"exploitation,omitempty"`
	RecordedBy   string    `json:"recorded_by,omitempty"`
}

// Screening outcomes and exploitation types, as in the child interchange.
var (
	ScreeningOutcomes = []string{"trafficking_concern", "no_concern"}
	ExploitationTypes = []string{"labour", "sexual", "criminal", "cannabis", "domestic_servitude", "benefit_fraud", "street_crime", "forced_marriage"}
)

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
	return p.err()
}
