package waymark

import (
	"slices"
	"strings"
	"time"
)

// NRMReferral is a child's referral to the National Referral Mechanism, its decisions, and the
// referral to the Independent Child Trafficking Guardian service made alongside it. Dates are
// YYYY-MM-DD. A child need not consent to a referral; that they were told is recorded.
type NRMReferral struct {
	ReferredOn             string `json:"referred_on"`
	Reference              string `json:"nrm_reference,omitempty"`
	Authority              string `json:"competent_authority,omitempty"` // CompetentAuthorities
	ChildTold              bool   `json:"child_told,omitempty"`
	RGOutcome              string `json:"rg_outcome,omitempty"` // reasonable grounds: NRMOutcomes
	RGDate                 string `json:"rg_date,omitempty"`
	CGOutcome              string `json:"cg_outcome,omitempty"` // conclusive grounds: NRMOutcomes
	CGDate                 string `json:"cg_date,omitempty"`
	ReconsiderationAsked   string `json:"reconsideration_asked,omitempty"`
	ReconsiderationOutcome string `json:"reconsideration_outcome,omitempty"` // NRMOutcomes
	ICTGReferredOn         string `json:"ictg_referred_on,omitempty"`
	ICTGService            string `json:"ictg_service,omitempty"` // ICTGServices
	RecordedBy             string `json:"recorded_by,omitempty"`
	ResponderOrgID         string `json:"first_responder_org_id,omitempty"`
}

// The NRM's vocabularies and clocks.
var (
	CompetentAuthorities = []string{"sca", "ieca", "devolved_panel"}
	NRMOutcomes          = []string{"positive", "negative"}
	ICTGServices         = []string{"direct", "regional_practice_coordinator"}
)

const (
	RGWithin         = 5  // working days from referral to the reasonable grounds decision
	RecoveryDays     = 30 // days of recovery before a conclusive grounds decision
	ICTGReferralWith = 2  // working days after a concern by which the ICTG referral is due
)

// Normalize checks the referral, naming each bad field.
func (n *NRMReferral) Normalize(now time.Time) error {
	var p problems
	for _, f := range []*string{&n.Reference, &n.Authority, &n.RGOutcome, &n.CGOutcome, &n.ReconsiderationOutcome, &n.ICTGService} {
		*f = clean(*f)
	}
	today := now.Format(DateLayout)
	day := func(field, what string, v *string, after, afterWhat string) {
		*v = checkDate(&p, field, what, *v)
		switch {
		case *v == "":
		case *v > today:
			p.add(field, "%s cannot be in the future", what)
		case after != "" && *v < after:
			p.add(field, "%s cannot be before %s", what, afterWhat)
		}
	}
	if strings.TrimSpace(n.ReferredOn) == "" {
		p.add("referred_on", "Enter the date of the referral")
	}
	day("referred_on", "The date of the referral", &n.ReferredOn, "", "")
	day("rg_date", "The reasonable grounds decision", &n.RGDate, n.ReferredOn, "the referral")
	day("cg_date", "The conclusive grounds decision", &n.CGDate, n.RGDate, "the reasonable grounds decision")
	day("reconsideration_asked", "The request for reconsideration", &n.ReconsiderationAsked, n.RGDate, "the reasonable grounds decision")
	day("ictg_referred_on", "The ICTG referral", &n.ICTGReferredOn, "", "")
	for _, f := range []struct {
		field, value, what string
		allowed            []string
	}{
		{"competent_authority", n.Authority, "The competent authority", CompetentAuthorities},
		{"rg_outcome", n.RGOutcome, "The reasonable grounds outcome", NRMOutcomes},
		{"cg_outcome", n.CGOutcome, "The conclusive grounds outcome", NRMOutcomes},
		{"reconsideration_outcome", n.ReconsiderationOutcome, "The reconsideration's outcome", NRMOutcomes},
		{"ictg_service", n.ICTGService, "The ICTG service", ICTGServices},
	} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			p.add(f.field, "%s must be one of %s", f.what, strings.Join(f.allowed, ", "))
		}
	}
	if (n.RGOutcome == "") != (n.RGDate == "") {
		p.add("rg_outcome", "Give the reasonable grounds decision's outcome and its date together")
	}
	if (n.CGOutcome == "") != (n.CGDate == "") {
		p.add("cg_outcome", "Give the conclusive grounds decision's outcome and its date together")
	}
	if n.CGDate != "" && n.RGOutcome != "positive" {
		p.add("cg_outcome", "A conclusive grounds decision follows a positive reasonable grounds decision")
	}
	checkLen(&p, "nrm_reference", n.Reference, 100)
	return p.err()
}

// RGDue is when the reasonable grounds decision is due: RGWithin working days after the referral.
func (n *NRMReferral) RGDue() time.Time {
	d, err := time.Parse(DateLayout, n.ReferredOn)
	if err != nil {
		return time.Time{}
	}
	return AddWorkingDays(d, RGWithin)
}

// CGEarly reports whether the conclusive grounds decision was recorded before the child's 30 days
// of recovery after the reasonable grounds decision had passed: a warning, not a refusal.
func (n *NRMReferral) CGEarly() bool {
	rg, err1 := time.Parse(DateLayout, n.RGDate)
	cg, err2 := time.Parse(DateLayout, n.CGDate)
	return err1 == nil && err2 == nil && cg.Before(rg.AddDate(0, 0, RecoveryDays))
}
