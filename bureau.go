package waymark

import (
	"strings"
	"time"
)

// BureauSearch is a search of a child's fingerprints against a national bureau — the police's
// IDENT1 or the Home Office's IABS — and what it found. Waymark matches no prints itself: councils
// do not, and no matcher is to be had; it keeps the searches, so that prints taken and never
// searched show.
type BureauSearch struct {
	ID           string `json:"id,omitempty"`
	ChildID      string `json:"child_id,omitempty"`
	OrgID        string `json:"org_id,omitempty"`
	Bureau       string `json:"bureau"`                  // Bureaus
	PrintsRef    string `json:"prints_ref"`              // the reference of the prints searched (as the child's biometrics hold it)
	AskedOn      string `json:"asked_on"`                // YYYY-MM-DD
	AskedBy      string `json:"asked_by"`                // who asked the bureau
	Outcome      string `json:"outcome"`                 // BureauOutcomes
	IdentifiedAs string `json:"identified_as,omitempty"` // the bureau's record, when identified
	AnsweredOn   string `json:"answered_on,omitempty"`   // YYYY-MM-DD
	Note         string `json:"note,omitempty"`          // sealed
	RecordedBy   string `json:"recorded_by,omitempty"`
}

// Bureaus are the fingerprint bureaux searched.
var Bureaus = []string{"ident1", "iabs"}

// BureauOutcomes are what a bureau search gave: not yet answered, no trace, or a hit: one
// of its records matched (IdentifiedAs).
var BureauOutcomes = []string{"pending", "no_trace", "hit"}

// Normalize checks the search, naming each bad field.
func (b *BureauSearch) Normalize(now time.Time) error {
	var p problems
	b.Bureau, b.Outcome = strings.TrimSpace(b.Bureau), strings.TrimSpace(b.Outcome)
	b.PrintsRef, b.AskedBy, b.IdentifiedAs = clean(b.PrintsRef), clean(b.AskedBy), clean(b.IdentifiedAs)
	b.Note = strings.TrimSpace(b.Note)
	p.oneOf("bureau", "the bureau searched", b.Bureau, Bureaus)
	p.oneOf("outcome", "what the search gave", b.Outcome, BureauOutcomes)
	if b.PrintsRef == "" {
		p.add("prints_ref", "Enter the reference of the prints searched")
	}
	checkRef(&p, "prints_ref", b.PrintsRef)
	if b.AskedBy == "" {
		p.add("asked_by", "Enter who asked the bureau")
	}
	checkLen(&p, "asked_by", b.AskedBy, 200)
	today := now.Format(DateLayout)
	if strings.TrimSpace(b.AskedOn) == "" {
		p.add("asked_on", "Enter when the bureau was asked")
	} else if b.AskedOn = checkDate(&p, "asked_on", "The date asked", b.AskedOn); b.AskedOn > today {
		p.add("asked_on", "The date asked cannot be in the future")
	}
	switch b.AnsweredOn = checkDate(&p, "answered_on", "The date answered", b.AnsweredOn); {
	case b.Outcome == "pending" && (b.AnsweredOn != "" || b.IdentifiedAs != ""):
		p.add("outcome", "A search answered, or identifying a record, is not pending")
	case b.Outcome != "pending" && b.Outcome != "" && b.AnsweredOn == "":
		p.add("answered_on", "Enter when the bureau answered")
	case b.AnsweredOn != "" && (b.AnsweredOn < b.AskedOn || b.AnsweredOn > today):
		p.add("answered_on", "The date answered is between the date asked and today")
	}
	switch {
	case b.Outcome == "hit" && b.IdentifiedAs == "":
		p.add("identified_as", "Enter the bureau's record the prints were identified as")
	case b.Outcome == "no_trace" && b.IdentifiedAs != "":
		p.add("identified_as", "A search with no trace identifies no record")
	}
	checkRef(&p, "identified_as", b.IdentifiedAs)
	checkLen(&p, "note", b.Note, 8000)
	return p.err()
}

// UnsearchedPrints lists the references of the child's fingerprints that no bureau search names:
// prints taken and never searched are how a child already known to the police stays unknown.
func UnsearchedPrints(c *Child, searches []*BureauSearch) []string {
	var out []string
	for _, b := range c.Biometrics {
		if b.Kind != "fingerprint" {
			continue
		}
		searched := false
		for _, s := range searches {
			searched = searched || s.PrintsRef == b.Reference
		}
		if !searched {
			out = append(out, b.Reference)
		}
	}
	return out
}
