package waymark

import (
	"slices"
	"strings"
	"time"
)

// Alert is a deadline that has come due for a child: missing, still missing, a return interview
// due or overdue, a birthday that changes the plan, an incomplete identification record, an
// unsuitable placement. It stays open until what raised it is resolved (or someone marks it done).
type Alert struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Subject     string    `json:"subject"` // the episode, placement or child that raised it
	ChildID     string    `json:"child_id"`
	ChildRef    string    `json:"child_ref"`
	ChildName   string    `json:"-"` // for Waymark's own pages only: never sent by e-mail or webhook
	OrgID       string    `json:"org_id"`
	PoliceOrgID string    `json:"police_org_id,omitempty"`
	DueAt       time.Time `json:"due_at"`
	RaisedAt    time.Time `json:"raised_at"`
	ClearedAt   time.Time `json:"cleared_at,omitzero"`
	ClearedBy   string    `json:"cleared_by,omitempty"`
	Detail      string    `json:"detail,omitempty"` // what it is about, naming no one (the rules a placement breaks)
	// Acknowledged is the latest acknowledgement by the reader's organisation, if any.
	Acknowledged *Acknowledgement `json:"acknowledged,omitempty"`
}

// Acknowledgement says that someone has seen an alert that stays, and what they have done.
type Acknowledgement struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// Alert kinds.
const (
	AlertMissing             = "missing"
	AlertMissing24h          = "missing_24h"
	AlertMissing72h          = "missing_72h"
	AlertMissing7d           = "missing_7d"
	AlertMissing28d          = "missing_28d"
	AlertInterviewDue        = "return_interview_due"
	AlertInterviewOverdue    = "return_interview_overdue"
	AlertTurning17Half       = "turning_17_5"
	AlertTurning18           = "turning_18"
	AlertIdentification      = "identification_incomplete"
	AlertUnsuitablePlacement = "unsuitable_placement"
	AlertRecordsOpened       = "records_opened" // one person opened many of the organisation's records with a reason
	AlertRiskReview          = "missing_risk_review"
	AlertMonthlyReview       = "missing_monthly_review"
	AlertNRMDue              = "nrm_referral_due"
	AlertICTGDue             = "ictg_referral_due"
	AlertRGOverdue           = "nrm_rg_overdue"
	AlertFound               = "missing_found"
	AlertReturned            = "missing_returned"
	AlertLeaveEnding         = "leave_ending"
	AlertLeaveEnds           = "leave_ends"
	AlertNetworkOverlap      = "network_overlap" // OverlapChildren children linked to one entity within OverlapWindow
)

// LeaveWarning is how long before a child's immigration leave ends the team is alerted: an
// application to extend it must be made before it ends.
const LeaveWarning = 3 // months

// OpenedAlertAfter is how many of an organisation's records one person of another may open with a
// reason in a day before the organisation's admins and managers are alerted.
const OpenedAlertAfter = 5

// Escalations are how long after last seen a still-missing child raises each alert.
var Escalations = []struct {
	Kind  string
	After time.Duration
}{
	{AlertMissing, 0}, {AlertMissing24h, 24 * time.Hour}, {AlertMissing72h, 72 * time.Hour},
	{AlertMissing7d, 7 * 24 * time.Hour}, {AlertMissing28d, 28 * 24 * time.Hour},
}

// IdentificationGrace is how long after first contact an incomplete identification record alerts.
const IdentificationGrace = 24 * time.Hour

// StaleAfter bounds catching up: a deadline older than this when first seen (a history imported,
// a service down for weeks) is no longer news and raises nothing.
const StaleAfter = 30 * 24 * time.Hour

// Police reports whether the police force covering the placement is told of this kind of alert.
func (a *Alert) Police() bool {
	switch a.Kind {
	case AlertMissing, AlertMissing24h, AlertMissing72h, AlertMissing7d, AlertMissing28d, AlertRiskReview, AlertMonthlyReview,
		AlertFound, AlertReturned, AlertNetworkOverlap:
		return true
	}
	return false
}

// WhenWord says what DueAt is for the alert, for the pages: when a missing child's stage was
// reached, when a clock began, or when something fell due.
func (a *Alert) WhenWord() string {
	switch {
	case a.Kind == AlertNetworkOverlap:
		return "raised"
	case a.Police():
		return "since"
	case a.Kind == AlertInterviewDue:
		return "72 hours from"
	}
	return "due"
}

// PoliceKinds are the kinds of alert the police force covering the placement is told of, sorted.
func PoliceKinds() []string {
	var out []string
	for k := range alertKinds {
		if (&Alert{Kind: k}).Police() {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Dismissable reports whether someone may mark the alert done: a missing child's alerts stay until
// the child is found or comes back (they may be acknowledged); the news of a find, once read, goes.
func (a *Alert) Dismissable() bool {
	return !a.Police() || a.Kind == AlertFound || a.Kind == AlertReturned || a.Kind == AlertNetworkOverlap
}

// Place is where something is acted on: a path, and what is there.
type Place struct{ Path, What string }

// Where says where the alert is acted on, if anywhere.
func (a *Alert) Where() Place {
	switch a.Kind {
	case AlertMissing, AlertMissing24h, AlertMissing72h, AlertMissing7d, AlertMissing28d, AlertInterviewDue, AlertInterviewOverdue,
		AlertFound, AlertReturned:
		return Place{"/missing/" + a.Subject, "episode"}
	case AlertRiskReview, AlertMonthlyReview: // the subject is a review, named after its episode
		episode, _, _ := strings.Cut(a.Subject, "-")
		return Place{"/missing/" + episode + "#review", "episode"}
	case AlertRecordsOpened:
		return Place{"/audit?action=child.open_with_reason", "who opened which, and why"}
	case AlertHandoverRequested, AlertHandoverOverdue, AlertHandoverUnanswered, AlertHandoverDeclined,
		AlertTransferReminder, AlertTransferOverdue, AlertTransferUnanswered:
		return Place{"/handovers", "handovers"}
	case AlertMergeRequested:
		return Place{"/merges", "merges"}
	case AlertNetworkOverlap:
		return Place{"/children/" + a.ChildID + "/network", "network"}
	case AlertLeaveEnding, AlertLeaveEnds:
		return Place{"/children/" + a.ChildID + "/edit#looked-after", "immigration status"}
	case AlertProfileReview:
		return Place{"/children/" + a.ChildID + "#profile", "profile"}
	case AlertSafetyPlanDue, AlertSafetyPlanReview, AlertStrategyDue, AlertActionDue, AlertActionOverdue, AlertNRMDue, AlertICTGDue, AlertRGOverdue:
		return Place{"/children/" + a.ChildID + "#first-days", "first 72 hours"}
	}
	return Place{}
}

// Open reports whether the alert still needs someone.
func (a *Alert) Open() bool { return a.ClearedAt.IsZero() }

// Title is the alert in a few plain words.
func (a *Alert) Title() string { return alertKinds[a.Kind].title }

// Event is the alert's name for other systems (a webhook's "event"): what it is about, a dot, what
// happened, such as handover.requested.
func (a *Alert) Event() string { return alertKinds[a.Kind].event }

var alertKinds = map[string]struct{ event, title string }{
	AlertMissing:             {"missing.reported", "Reported missing"},
	AlertMissing24h:          {"missing.24_hours", "Still missing after 24 hours"},
	AlertMissing72h:          {"missing.72_hours", "Still missing after 72 hours"},
	AlertMissing7d:           {"missing.7_days", "Still missing after 7 days"},
	AlertMissing28d:          {"missing.28_days", "Still missing after 28 days"},
	AlertInterviewDue:        {"return_interview.due", "Return interview due within 72 hours"},
	AlertInterviewOverdue:    {"return_interview.overdue", "Return interview overdue"},
	AlertTurning17Half:       {"birthday.17_and_a_half", "Turns 17½: plan for leaving care and immigration status"},
	AlertTurning18:           {"birthday.18", "Turns 18"},
	AlertIdentification:      {"identification.incomplete", "Identification record incomplete 24 hours after first contact"},
	AlertUnsuitablePlacement: {"placement.unsuitable", "Placed where guidance or the law says a child must not be"},
	AlertRecordsOpened:       {"records.opened", "One person opened many of your records today"},
	AlertRiskReview:          {"missing.risk_review_due", "Missing: the risk is due for review"},
	AlertNRMDue:              {"nrm.referral_due", "Trafficking concern: refer to the NRM (due 2 working days after the screening)"},
	AlertICTGDue:             {"ictg.referral_due", "Trafficking concern: refer to the ICTG service (due 2 working days after the screening)"},
	AlertRGOverdue:           {"nrm.reasonable_grounds_overdue", "NRM: no reasonable grounds decision 5 working days after the referral"},
	AlertFound:               {"missing.found", "Found"},
	AlertReturned:            {"missing.returned", "Back where they live: the return interview is due within 72 hours"},
	AlertLeaveEnding:         {"leave.ending", "Immigration leave ends in 3 months: apply to extend it before it ends"},
	AlertLeaveEnds:           {"leave.ends", "Immigration leave ends today"},
	AlertMonthlyReview:       {"missing.monthly_review_due", "Long-term missing: monthly review due"},
	AlertHandoverRequested:   {"handover.requested", "A child is handed over to you: accept or decline"},
	AlertHandoverOverdue:     {"handover.overdue", "Handover waiting over 4 hours: accept or decline"},
	AlertHandoverUnanswered:  {"handover.unanswered", "Your handover is not yet accepted after 4 hours: you are still responsible"},
	AlertHandoverDeclined:    {"handover.declined", "Your handover was declined: you are still responsible"},
	AlertTransferReminder:    {"transfer.reminder", "A transfer to you is halfway to its 10 working days: accept or decline"},
	AlertTransferOverdue:     {"transfer.overdue", "Transfer waiting over 10 working days: accept or decline"},
	AlertProfileReview:       {"profile.review_due", "Philomena profile due for its monthly review"},
	AlertMergeRequested:      {"merge.requested", "Another organisation asks to merge one of your records: agree or decline"},
	AlertSafetyPlanDue:       {"safety_plan.due", "Placed with a trafficking concern and no safety plan after 24 hours"},
	AlertSafetyPlanReview:    {"safety_plan.review_due", "Safety plan due for review (72 hours, or after a missing episode)"},
	AlertStrategyDue:         {"strategy.due", "Strategy discussion not held within a working day"},
	AlertActionDue:           {"strategy.action_due", "A strategy discussion's action is due today"},
	AlertActionOverdue:       {"strategy.action_overdue", "A strategy discussion's action is overdue"},
	AlertNetworkOverlap:      {"network.overlap", "Several children linked to one person, phone or place within 60 days"},
	AlertTransferUnanswered:  {"transfer.unanswered", "Your transfer is not yet accepted after 10 working days: you are still responsible"},
}
