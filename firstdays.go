package waymark

import (
	"slices"
	"strings"
	"time"
)

// The first 72 hours after a child is found or arrives, when trafficked children most often go
// missing: a safety plan for a child placed with a trafficking concern, a strategy discussion
// between the agencies, and a checklist that shows what is done and what is overdue.

// SafetyPlan says how a child placed with a trafficking concern is kept safe: written within 24
// hours of the placement, reviewed at 72 hours and after every missing episode. Each save is a
// review, kept as a version.
type SafetyPlan struct {
	ID           string    `json:"id,omitempty"`
	ChildID      string    `json:"child_id,omitempty"`
	Supervision  string    `json:"supervision"`   // level of supervision, day and night
	Phones       string    `json:"phones"`        // phone, SIM and social media: allowed, held, checked
	Contacts     string    `json:"contacts"`      // who the child may see and call
	Traffickers  string    `json:"traffickers"`   // known or feared trafficker contacts, to keep away
	FirstAbsence string    `json:"first_absence"` // what the carer does at the first absence; when to call 999
	WhoIsTold    string    `json:"who_is_told"`   // who is told, and how
	Version      int       `json:"version,omitempty"`
	ReviewedBy   string    `json:"reviewed_by,omitempty"`
	ReviewedAt   time.Time `json:"reviewed_at,omitzero"`
}

// Safety plan deadlines.
const (
	SafetyPlanWithin      = 24 * time.Hour // of a placement, for a child with a trafficking concern
	SafetyPlanFirstReview = 72 * time.Hour // after the plan is first written
)

// Normalize trims the plan and validates it, naming each bad field.
func (s *SafetyPlan) Normalize() error {
	var p problems
	for _, f := range []struct {
		name string
		v    *string
		need string
	}{
		{"supervision", &s.Supervision, "Say how closely the child is supervised"},
		{"phones", &s.Phones, ""}, {"contacts", &s.Contacts, ""}, {"traffickers", &s.Traffickers, ""},
		{"first_absence", &s.FirstAbsence, "Say what the carer does the first time the child is absent, and when they call 999"},
		{"who_is_told", &s.WhoIsTold, ""},
	} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" && f.need != "" {
			p.add(f.name, "%s", f.need)
		}
		checkLen(&p, f.name, *f.v, 4000)
	}
	return p.err()
}

// Strategy is a strategy discussion between the agencies around a child: opened by a trafficking
// concern, an unaccompanied arrival or a second missing episode, and due within one working day.
type Strategy struct {
	ID         string            `json:"id"`
	ChildID    string            `json:"child_id"`
	OrgID      string            `json:"org_id"`
	Reason     string            `json:"reason"` // what opened it
	OpenedAt   time.Time         `json:"opened_at"`
	DueAt      time.Time         `json:"due_at"`
	HeldAt     time.Time         `json:"held_at,omitzero"`
	Attendees  []Attendee        `json:"attendees"`
	Shared     string            `json:"shared"`    // information shared
	Decisions  string            `json:"decisions"` // what was decided
	Actions    []*StrategyAction `json:"actions"`
	RecordedBy string            `json:"recorded_by,omitempty"`
}

// Attendee is one person at a strategy discussion.
type Attendee struct {
	Name         string `json:"name"`
	Agency       string `json:"agency"` // one of StrategyAgencies
	Organisation string `json:"organisation"`
}

// StrategyAgencies are those a strategy discussion draws on.
var StrategyAgencies = []string{"childrens_services", "police", "health", "home_office", "border_force", "ictg", "education", "other"}

// StrategyAction is something a strategy discussion asked of someone, by a date.
type StrategyAction struct {
	ID      string    `json:"id"`
	What    string    `json:"what"`
	OwnerID string    `json:"owner_id"`              // the user who does it
	Owner   string    `json:"owner,omitempty"`       // their name, read only
	Email   string    `json:"owner_email,omitempty"` // or, to name them, their e-mail address
	Due     string    `json:"due"`                   // YYYY-MM-DD
	DoneAt  time.Time `json:"done_at,omitzero"`
	DoneBy  string    `json:"done_by,omitempty"`
}

// Strategy reasons.
const (
	StrategyConcern       = "Trafficking concern"
	StrategyUnaccompanied = "Unaccompanied arrival"
	StrategyMissingAgain  = "A second missing episode"
	StrategyAsked         = "Asked for"
)

// StrategyWithin is how many working days after what opened it a strategy discussion is due.
const StrategyWithin = 1

// Normalize validates a strategy discussion as recorded (held).
func (s *Strategy) Normalize(now time.Time) error {
	var p problems
	s.Shared, s.Decisions = strings.TrimSpace(s.Shared), strings.TrimSpace(s.Decisions)
	if s.HeldAt.IsZero() {
		p.add("held_at", "Enter when the discussion was held")
	} else if s.HeldAt.After(now.Add(time.Hour)) {
		p.add("held_at", "The discussion cannot have been held in the future")
	}
	var people []Attendee
	for _, a := range s.Attendees {
		a.Name, a.Agency, a.Organisation = clean(a.Name), strings.TrimSpace(a.Agency), clean(a.Organisation)
		if a.Name == "" && a.Organisation == "" {
			continue
		}
		if a.Name == "" || !slices.Contains(StrategyAgencies, a.Agency) {
			p.add("attendees", "Give each attendee's name and agency")
		}
		people = append(people, a)
	}
	if s.Attendees = people; len(people) < 2 {
		p.add("attendees", "A strategy discussion is between agencies: name at least two attendees")
	}
	checkLen(&p, "shared", s.Shared, 8000)
	checkLen(&p, "decisions", s.Decisions, 8000)
	var actions []*StrategyAction
	for _, a := range s.Actions {
		a.What, a.Due = clean(a.What), strings.TrimSpace(a.Due)
		if a.What == "" && a.Due == "" && a.OwnerID == "" && a.Email == "" {
			continue
		}
		if _, err := time.Parse(DateLayout, a.Due); a.What == "" || err != nil || a.OwnerID == "" && a.Email == "" {
			p.add("actions", "Give each action what is to be done, who does it and the date it is due (YYYY-MM-DD)")
		}
		checkLen(&p, "actions", a.What, 1000)
		actions = append(actions, a)
	}
	s.Actions = actions
	return p.err()
}

// DueAt is when an action falls due (the start of its day in England) and when it is overdue
// (the day's end).
func (a *StrategyAction) DueAt() (due, overdue time.Time) {
	d, err := time.ParseInLocation(DateLayout, a.Due, england)
	if err != nil {
		return time.Time{}, time.Time{}
	}
	return d.UTC(), d.AddDate(0, 0, 1).UTC()
}

// Alert kinds of the first days.
const (
	AlertSafetyPlanDue    = "safety_plan_due"
	AlertSafetyPlanReview = "safety_plan_review_due"
	AlertStrategyDue      = "strategy_due"
	AlertActionDue        = "strategy_action_due"
	AlertActionOverdue    = "strategy_action_overdue"
)
