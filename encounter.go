package waymark

import (
	"slices"
	"strings"
	"time"
)

// Encounter is one contact with a child: first contact at a port, a referral, found by police.
// The first encounter starts the clock.
type Encounter struct {
	ID                 string    `json:"id,omitempty"`
	ChildID            string    `json:"child_id,omitempty"`
	OrgID              string    `json:"org_id,omitempty"`
	Kind               string    `json:"kind"`
	At                 time.Time `json:"at"`
	Place              string    `json:"place,omitempty"`
	Agency             string    `json:"agency,omitempty"`
	Circumstances      string    `json:"circumstances,omitempty"`
	AccompanyingAdults string    `json:"accompanying_adults,omitempty"`
	RecordedBy         string    `json:"recorded_by,omitempty"`
}

// Kinds of encounter and of the agency involved. "identified" is a child found and confirmed, by
// a person, to be a child already recorded.
var (
	EncounterKinds = []string{"first_contact", "referral", "found", "identified", "other"}
	Agencies       = []string{"border", "police", "council", "charity", "self", "other"}
)

// Normalize trims the encounter and validates it, naming each bad field.
func (e *Encounter) Normalize(now time.Time) error {
	var p problems
	e.Kind, e.Agency = strings.TrimSpace(e.Kind), strings.TrimSpace(e.Agency)
	e.Place, e.AccompanyingAdults = clean(e.Place), strings.TrimSpace(e.AccompanyingAdults)
	e.Circumstances = strings.TrimSpace(e.Circumstances)
	if !slices.Contains(EncounterKinds, e.Kind) {
		p.add("kind", "Kind of contact must be one of %s", strings.Join(EncounterKinds, ", "))
	}
	if e.Agency != "" && !slices.Contains(Agencies, e.Agency) {
		p.add("agency", "Agency must be one of %s", strings.Join(Agencies, ", "))
	}
	if e.At.IsZero() {
		p.add("at", "Enter when the contact happened")
	} else if e.At.After(now.Add(time.Hour)) {
		p.add("at", "The time of contact cannot be in the future")
	}
	checkLen(&p, "place", e.Place, 300)
	checkLen(&p, "circumstances", e.Circumstances, 8000)
	checkLen(&p, "accompanying_adults", e.AccompanyingAdults, 4000)
	return p.err()
}
