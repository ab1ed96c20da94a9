package waymark

import (
	"slices"
	"strings"
	"time"
)

// MissingEpisode is one time a child was missing (whereabouts unknown) or absent (whereabouts known,
// but not where they should be), from the report to the return interview.
type MissingEpisode struct {
	ID            string    `json:"id,omitempty"`
	ChildID       string    `json:"child_id,omitempty"`
	OrgID         string    `json:"org_id,omitempty"`
	Kind          string    `json:"kind"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	LastSeenPlace string    `json:"last_seen_place,omitempty"`
	LastSeenWith  string    `json:"last_seen_with,omitempty"`
	Clothing      string    `json:"clothing,omitempty"`
	Circumstances string    `json:"circumstances,omitempty"`
	ReportedAt    time.Time `json:"reported_at,omitzero"`
	PoliceRef     string    `json:"police_ref,omitempty"`
	PoliceOrgID   string    `json:"police_org_id,omitempty"`
	Risk          string    `json:"risk"`
	RiskFactors   []string  `json:"risk_factors,omitempty"`
	PlacementType string    `json:"placement_type,omitempty"` // where the child was living when they went
	FoundAt       time.Time `json:"found_at,omitzero"`
	FoundPlace    string    `json:"found_place,omitempty"`
	FoundBy       string    `json:"found_by,omitempty"`
	FoundWhere    string    `json:"found_circumstances,omitempty"` // one of FoundCircumstances
	FoundDetail   string    `json:"found_detail,omitempty"`
	ReturnedAt    time.Time `json:"returned_at,omitzero"`
	Interview
	PreventionAt   time.Time      `json:"prevention_at,omitzero"`
	PreventionBy   string         `json:"prevention_by,omitempty"`
	PreventionNote string         `json:"prevention_note,omitempty"`
	FollowedBy     string         `json:"followed_by,omitempty"` // the episode that continued this one in the other kind
	History        []StatusChange `json:"history,omitempty"`
	RecordedBy     string         `json:"recorded_by,omitempty"`
}

// Interview is the independent return interview offered after a child is found or comes back: when
// it was offered, whether the child accepted, when it was held, by whom, and what was learnt.
type Interview struct {
	OfferedAt   time.Time `json:"interview_offered_at,omitzero"`
	Declined    bool      `json:"interview_declined,omitempty"`
	InterviewAt time.Time `json:"interview_at,omitzero"` // when held
	InterviewBy string    `json:"interview_by,omitempty"`
	ByRole      string    `json:"interview_by_role,omitempty"` // their role and organisation
	Independent bool      `json:"interview_independent,omitempty"`
	Learnt      Learnt    `json:"interview_learnt,omitzero"`
}

// Learnt is what a return interview found out: what police and the safety plan need.
type Learnt struct {
	PushPull     string `json:"push_pull,omitempty"` // why they went, what drew them
	Where        string `json:"where,omitempty"`
	WithWhom     string `json:"with_whom,omitempty"`
	Exploitation string `json:"exploitation,omitempty"` // exploitation or harm disclosed
	Risks        string `json:"risks,omitempty"`
	Actions      string `json:"actions,omitempty"`
}

// RiskReview is one grading of a missing child's risk: the report's, then each review.
type RiskReview struct {
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Risk string    `json:"risk"`
	Note string    `json:"note,omitempty"`
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
	FoundCircumstances = []string{"cannabis_farm", "brothel", "other_exploitation", "with_adult_of_concern", "another_town", "friends_or_family",
		"in_custody", "in_hospital", "new_placement", "returned_alone", "other"}
)

// KindChanged is how an episode ends when the child goes from missing to absent or back: the
// episode that follows it carries on.
const KindChanged = "kind_changed"

// ReturnInterviewWithin is how soon after the child is found or comes back an independent return
// interview is due (DfE statutory guidance, 2014: within 72 hours of the child's return).
const ReturnInterviewWithin = 72 * time.Hour

// How often a missing child's risk is reviewed by default, by grade, until LongTermAfter; then
// monthly. The APP asks for reviews at intervals set by the grade and whenever anything is learnt;
// these are Waymark's defaults (docs/care.md).
var (
	RiskReviewEvery = map[string]time.Duration{"high": 2 * time.Hour, "medium": 6 * time.Hour, "low": 12 * time.Hour, "very_low": 24 * time.Hour}
	LongTermAfter   = 28 * 24 * time.Hour
)

// NextReview is when the risk is next to be reviewed after the review at last, and whether that is
// a long-term missing child's monthly review.
func (e *MissingEpisode) NextReview(last RiskReview) (time.Time, bool) {
	longTerm := e.LastSeenAt.Add(LongTermAfter)
	if last.At.Before(longTerm) {
		every, ok := RiskReviewEvery[last.Risk]
		if !ok {
			every = RiskReviewEvery["high"]
		}
		if at := last.At.Add(every); at.Before(longTerm) {
			return at, false
		}
		return longTerm, true
	}
	return last.At.AddDate(0, 1, 0), true
}

// LongTerm reports whether the child has been missing longer than LongTermAfter at now.
func (e *MissingEpisode) LongTerm(now time.Time) bool {
	return e.Open() && now.Sub(e.LastSeenAt) > LongTermAfter
}

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

// Ended is when the episode ended: the child found, or back (whichever came first); zero while open.
func (e *MissingEpisode) Ended() time.Time { return e.FoundAt }

// InterviewDue is when the return interview is due: 72 hours after the child was found or came back
// (found in custody, in hospital or moved to a new placement counts); zero while missing, or when
// the episode only turned into one of the other kind.
func (e *MissingEpisode) InterviewDue() time.Time {
	if e.FoundAt.IsZero() || e.FoundWhere == KindChanged {
		return time.Time{}
	}
	return e.FoundAt.Add(ReturnInterviewWithin)
}

// InterviewPending reports whether the return interview is still to be held (or declined).
func (e *MissingEpisode) InterviewPending() bool {
	return !e.InterviewDue().IsZero() && e.InterviewAt.IsZero() && !e.Declined
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
	checkWhen(&p, "last_seen_at", e.LastSeenAt, time.Time{}, now, "the child was last seen", "")
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
	if !e.FoundAt.IsZero() {
		p.add("found_at", "This episode already records a find")
	} else {
		checkWhen(&p, "found_at", f.At, e.LastSeenAt, now, "the child was found", "the child was last seen")
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
	if !e.ReturnedAt.IsZero() {
		p.add("returned_at", "This episode already records a return")
	} else {
		checkWhen(&p, "returned_at", at, latest(e.LastSeenAt, e.FoundAt), now, "the child came back", "the child was last seen, and found")
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

// RecordInterview validates and applies the return interview: offered, then held or declined.
func (e *MissingEpisode) RecordInterview(iv Interview, now time.Time) error {
	var p problems
	iv.InterviewBy, iv.ByRole = clean(iv.InterviewBy), clean(iv.ByRole)
	l := &iv.Learnt
	l.PushPull, l.Where, l.WithWhom = strings.TrimSpace(l.PushPull), strings.TrimSpace(l.Where), strings.TrimSpace(l.WithWhom)
	l.Exploitation, l.Risks, l.Actions = strings.TrimSpace(l.Exploitation), strings.TrimSpace(l.Risks), strings.TrimSpace(l.Actions)
	if e.InterviewDue().IsZero() {
		p.add("interview_offered_at", "Record that the child was found or came back first")
	} else {
		checkWhen(&p, "interview_offered_at", iv.OfferedAt, e.FoundAt, now, "the interview was offered", "the child was found or came back")
	}
	if !iv.Declined {
		checkWhen(&p, "interview_at", iv.InterviewAt, iv.OfferedAt, now, "the interview was held (or say the child declined it)", "it was offered")
		if iv.InterviewBy == "" {
			p.add("interview_by", "Enter who held the interview")
		}
	} else {
		iv.InterviewAt, iv.Learnt = time.Time{}, Learnt{}
	}
	checkLen(&p, "interview_by", iv.InterviewBy, 300)
	checkLen(&p, "interview_by_role", iv.ByRole, 300)
	for f, v := range map[string]string{"push_pull": l.PushPull, "learnt_where": l.Where, "learnt_with_whom": l.WithWhom,
		"exploitation_disclosed": l.Exploitation, "learnt_risks": l.Risks, "learnt_actions": l.Actions} {
		checkLen(&p, f, v, 8000)
	}
	if err := p.err(); err != nil {
		return err
	}
	e.Interview = iv
	return nil
}

// RecordPrevention validates and applies the police prevention interview (safe and well check).
func (e *MissingEpisode) RecordPrevention(at time.Time, by, note string, now time.Time) error {
	var p problems
	by, note = clean(by), strings.TrimSpace(note)
	if e.FoundAt.IsZero() {
		p.add("prevention_at", "Record that the child was found or came back first")
	} else {
		checkWhen(&p, "prevention_at", at, e.LastSeenAt, now, "the prevention interview was held", "the child was last seen")
	}
	if by == "" {
		p.add("prevention_by", "Enter the officer who held it")
	}
	checkLen(&p, "prevention_by", by, 300)
	checkLen(&p, "prevention_note", note, 8000)
	if err := p.err(); err != nil {
		return err
	}
	e.PreventionAt, e.PreventionBy, e.PreventionNote = at, by, note
	return nil
}

// ReviewRisk validates a review of the risk of a missing child and applies its grade.
func (e *MissingEpisode) ReviewRisk(rv *RiskReview) error {
	var p problems
	rv.Risk, rv.Note = strings.TrimSpace(rv.Risk), strings.TrimSpace(rv.Note)
	if !e.Open() {
		p.add("risk", "The child is no longer missing: there is no risk to review")
	}
	if !slices.Contains(RiskGrades, rv.Risk) {
		p.add("risk", "Choose the risk: high, medium, low or very low")
	}
	if rv.Note == "" {
		p.add("note", "Say what the review found: what is new, and why the grade stays or changes")
	}
	checkLen(&p, "note", rv.Note, 8000)
	if err := p.err(); err != nil {
		return err
	}
	e.Risk = rv.Risk
	return nil
}

// ChangeKind ends the episode at at because the child went from missing to absent or back, and
// returns the episode that carries on in the other kind (the return counts them apart).
func (e *MissingEpisode) ChangeKind(kind string, at time.Time, note string, now time.Time) (*MissingEpisode, error) {
	var p problems
	note = strings.TrimSpace(note)
	switch {
	case !e.Open():
		p.add("new_kind", "The child is no longer missing or absent")
	case !slices.Contains(MissingKinds, kind) || kind == e.Kind:
		p.add("new_kind", "Choose the other kind: missing (whereabouts unknown) or absent (whereabouts known)")
	}
	checkWhen(&p, "changed_at", at, e.LastSeenAt, now, "the child's whereabouts became known or were lost", "the child was last seen")
	checkLen(&p, "change_note", note, 8000)
	if err := p.err(); err != nil {
		return nil, err
	}
	next := *e
	next.ID, next.Kind, next.LastSeenAt, next.ReportedAt, next.History = "", kind, at, now, nil
	next.Interview, next.PreventionAt, next.PreventionBy, next.PreventionNote = Interview{}, time.Time{}, "", ""
	e.FoundAt, e.FoundWhere, e.FoundDetail = at, KindChanged, note
	return &next, nil
}

// checkWhen names field when at is not given, is in the future (beyond an hour's grace for clocks
// that differ), or comes before after (when that is known): what says what happened then.
func checkWhen(p *problems, field string, at, after, now time.Time, what, afterWhat string) {
	switch {
	case at.IsZero():
		p.add(field, "Enter when %s", what)
	case at.After(now.Add(time.Hour)):
		p.add(field, "The time when %s cannot be in the future", what)
	case !after.IsZero() && at.Before(after):
		p.add(field, "The time when %s must be after %s", what, afterWhat)
	}
}

// latest is the later of two times.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
