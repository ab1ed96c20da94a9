package waymark

import (
	"slices"
	"strings"
	"time"
)

// MissingEpisode is one time a child was missing (whereabouts unknown) or absent (whereabouts known,
// but not where they should be), from the report to the return interview.
type MissingEpisode struct {
	ID            string         `json:"id,omitempty"`
	ChildID       string         `json:"child_id,omitempty"`
	OrgID         string         `json:"org_id,omitempty"`
	Kind          string         `json:"kind"`
	LastSeenAt    time.Time      `json:"last_seen_at"`
	LastSeenPlace string         `json:"last_seen_place,omitempty"`
	LastSeenWith  string         `json:"last_seen_with,omitempty"`
	Clothing      string         `json:"clothing,omitempty"`
	Circumstances string         `json:"circumstances,omitempty"`
	ReportedAt    time.Time      `json:"reported_at,omitzero"`
	PoliceRef     string         `json:"police_ref,omitempty"`
	PoliceOrgID   string         `json:"police_org_id,omitempty"`
	Risk          string         `json:"risk"`
	RiskFactors   []string       `json:"risk_factors,omitempty"`
	PlacementType string         `json:"placement_type,omitempty"` // where the child was living when they went
	FoundAt       time.Time      `json:"found_at,omitzero"`
	FoundPlace    string         `json:"found_place,omitempty"`
	FoundBy       string         `json:"found_by,omitempty"`
	FoundWhere    string         `json:"found_circumstances,omitempty"` // one of FoundCircumstances
	FoundDetail   string         `json:"found_detail,omitempty"`
	ReturnedAt    time.Time      `json:"returned_at,omitzero"`
	InterviewAt   time.Time      `json:"interview_at,omitzero"`
	InterviewBy   string         `json:"interview_by,omitempty"`
	Declined      bool           `json:"interview_declined,omitempty"`
	History       []StatusChange `json:"history,omitempty"`
	RecordedBy    string         `json:"recorded_by,omitempty"`
}

// StatusChange is one step of an episode, with who recorded it.
type StatusChange struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// Episode kinds, risk grades, the factors that raise risk, and where children are found.
var (
	MissingKinds       = []string{"missing", "absent"}
	RiskGrades         = []string{"high", "medium", "low", "very_low"} // the College of Policing's grades
	RiskFactors        = []string{"trafficking_concern", "age", "no_identification_record", "previous_episodes", "first_days_in_care", "adult_of_concern"}
	FoundCircumstances = []string{"cannabis_farm", "brothel", "other_exploitation", "with_adult_of_concern", "another_town", "friends_or_family", "returned_alone", "other"}
)

// ReturnInterviewWithin is how soon after return an independent return interview is due.
const ReturnInterviewWithin = 72 * time.Hour

// Status is where the episode stands: "missing" or "absent" until found, then "found", then "returned".
func (e *MissingEpisode) Status() string {
	switch {
	case !e.ReturnedAt.IsZero():
		return "returned"
	case !e.FoundAt.IsZero():
		return "found"
	}
	return e.Kind
}

// Open reports whether the child is still missing or absent.
func (e *MissingEpisode) Open() bool { return e.FoundAt.IsZero() && e.ReturnedAt.IsZero() }

// InterviewDue is when the return interview is due; zero before the child returns.
func (e *MissingEpisode) InterviewDue() time.Time {
	if e.ReturnedAt.IsZero() {
		return time.Time{}
	}
	return e.ReturnedAt.Add(ReturnInterviewWithin)
}

// InterviewPending reports whether the return interview is still to be done.
func (e *MissingEpisode) InterviewPending() bool {
	return !e.ReturnedAt.IsZero() && e.InterviewAt.IsZero() && !e.Declined
}

// Normalize trims and validates a new report, naming each bad field.
func (e *MissingEpisode) Normalize(now time.Time) error {
	var p problems
	e.Kind, e.Risk, e.PoliceRef = strings.TrimSpace(e.Kind), strings.TrimSpace(e.Risk), clean(e.PoliceRef)
	e.LastSeenPlace, e.LastSeenWith = clean(e.LastSeenPlace), strings.TrimSpace(e.LastSeenWith)
	e.Clothing, e.Circumstances = strings.TrimSpace(e.Clothing), strings.TrimSpace(e.Circumstances)
	if !slices.Contains(MissingKinds, e.Kind) {
		p.add("kind", "Choose missing (whereabouts unknown) or absent (whereabouts known)")
	}
	if !slices.Contains(RiskGrades, e.Risk) {
		p.add("risk", "Choose the risk: high, medium, low or very low")
	}
	if e.LastSeenAt.IsZero() {
		p.add("last_seen_at", "Enter when the child was last seen")
	} else if e.LastSeenAt.After(now.Add(time.Hour)) {
		p.add("last_seen_at", "Last seen cannot be in the future")
	}
	e.RiskFactors = cleanList(e.RiskFactors)
	for _, f := range e.RiskFactors {
		if !slices.Contains(RiskFactors, f) {
			p.add("risk_factors", "Unknown risk factor %q", f)
			break
		}
	}
	checkLen(&p, "last_seen_place", e.LastSeenPlace, 500)
	checkLen(&p, "last_seen_with", e.LastSeenWith, 2000)
	checkLen(&p, "clothing", e.Clothing, 2000)
	checkLen(&p, "circumstances", e.Circumstances, 8000)
	checkLen(&p, "police_ref", e.PoliceRef, 100)
	return p.err()
}

// Found is what is recorded when a missing child is found.
type Found struct {
	At     time.Time
	Place  string
	By     string
	Where  string // one of FoundCircumstances
	Detail string
}

// RecordFound validates and applies a find.
func (e *MissingEpisode) RecordFound(f Found, now time.Time) error {
	var p problems
	f.Place, f.By, f.Where, f.Detail = clean(f.Place), clean(f.By), strings.TrimSpace(f.Where), strings.TrimSpace(f.Detail)
	switch {
	case !e.FoundAt.IsZero():
		p.add("found_at", "This episode already records a find")
	case f.At.IsZero():
		p.add("found_at", "Enter when the child was found")
	case f.At.After(now.Add(time.Hour)):
		p.add("found_at", "Found cannot be in the future")
	case f.At.Before(e.LastSeenAt):
		p.add("found_at", "Found must be after the child was last seen")
	}
	if !slices.Contains(FoundCircumstances, f.Where) {
		p.add("found_circumstances", "Choose where or how the child was found")
	}
	checkLen(&p, "found_place", f.Place, 500)
	checkLen(&p, "found_by", f.By, 300)
	checkLen(&p, "found_detail", f.Detail, 8000)
	if err := p.err(); err != nil {
		return err
	}
	e.FoundAt, e.FoundPlace, e.FoundBy, e.FoundWhere, e.FoundDetail = f.At, f.Place, f.By, f.Where, f.Detail
	return nil
}

// RecordReturned validates and applies the child's return to placement.
func (e *MissingEpisode) RecordReturned(at, now time.Time) error {
	var p problems
	switch {
	case !e.ReturnedAt.IsZero():
		p.add("returned_at", "This episode already records a return")
	case at.IsZero():
		p.add("returned_at", "Enter when the child returned")
	case at.After(now.Add(time.Hour)):
		p.add("returned_at", "Returned cannot be in the future")
	case at.Before(e.LastSeenAt) || (!e.FoundAt.IsZero() && at.Before(e.FoundAt)):
		p.add("returned_at", "Returned must be after last seen and after found")
	}
	if err := p.err(); err != nil {
		return err
	}
	if e.FoundAt.IsZero() { // came back alone
		e.FoundAt, e.FoundWhere = at, "returned_alone"
	}
	e.ReturnedAt = at
	return nil
}

// RecordInterview validates and applies the return interview (or its refusal).
func (e *MissingEpisode) RecordInterview(at time.Time, by string, declined bool, now time.Time) error {
	var p problems
	by = clean(by)
	switch {
	case e.ReturnedAt.IsZero():
		p.add("interview_at", "Record the child's return first")
	case at.IsZero():
		p.add("interview_at", "Enter when the interview was held or offered")
	case at.After(now.Add(time.Hour)):
		p.add("interview_at", "The interview cannot be in the future")
	case at.Before(e.ReturnedAt):
		p.add("interview_at", "The interview must be after the return")
	}
	if by == "" && !declined {
		p.add("interview_by", "Enter who held the interview")
	}
	checkLen(&p, "interview_by", by, 300)
	if err := p.err(); err != nil {
		return err
	}
	e.InterviewAt, e.InterviewBy, e.Declined = at, by, declined
	return nil
}
