package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
)

// journey tells the child's journey across agencies: the border force hands its first child to
// Northshire, which accepted in the night, and the next one this morning, still waiting past its
// four hours; Northshire is transferring a child to Eastport under the National Transfer Scheme;
// the foster carer's children have Philomena profiles, one overdue for review; the first of them
// has a safety plan written four days ago and not yet reviewed, and a strategy discussion held
// three days ago whose action for the police was due yesterday; and a child Northshire recorded
// twice, a week apart, the second record merged into the first.
type journey struct {
	reg      *registry.Registry
	setClock func(func() time.Time)
	border   waymark.Actor
	council  waymark.Actor
	manager  waymark.Actor
	eastport string
}

// ago sets the clock d back from now for what follows, or (0) back to the wall clock. Without a
// clock to set, everything happens now.
func (j *journey) ago(d time.Duration) {
	switch {
	case j.setClock == nil:
	case d == 0:
		j.setClock(time.Now)
	default:
		at := time.Now().Add(-d)
		j.setClock(func() time.Time { return at })
	}
}

func (j *journey) tell(ctx context.Context, recorded, inCare []*waymark.Child, withCarer []string) error {
	defer j.ago(0)
	if err := j.handovers(ctx, recorded); err != nil {
		return err
	}
	if err := j.transfer(ctx, inCare); err != nil {
		return err
	}
	if err := j.profiles(ctx, withCarer); err != nil {
		return err
	}
	if err := j.mergedPair(ctx, inCare); err != nil {
		return err
	}
	if len(withCarer) == 0 {
		return nil
	}
	return j.firstDays(ctx, withCarer[0])
}

func (j *journey) firstDays(ctx context.Context, childID string) error {
	j.ago(4 * 24 * time.Hour)
	plan := &waymark.SafetyPlan{ChildID: childID, Supervision: "Within sight of the carer at all times for the first week; no trips out alone",
		Phones: "The child's phone is kept by the carer at night; no new SIM", Contacts: "The ICTG, the social worker, school",
		Traffickers:  "'Uncle' (about 40, silver estate car) must not be let in; call 999 if he appears",
		FirstAbsence: "Call 999 at once, then the duty team: do not wait", WhoIsTold: "Duty social worker, police, the ICTG"}
	if err := j.reg.SaveSafetyPlan(ctx, j.council, plan); err != nil {
		return fmt.Errorf("demo safety plan: %w", err)
	}
	j.ago(3 * 24 * time.Hour)
	held := time.Now().Add(-3 * 24 * time.Hour)
	st := &waymark.Strategy{ChildID: childID, HeldAt: held, Shared: "The child's phone holds numbers linked to a cannabis grow in Eastport.",
		Decisions: "Stay in foster care with the safety plan; the police to check the numbers; ICTG to visit twice a week.",
		Attendees: []waymark.Attendee{{Name: "Alex Social", Agency: "childrens_services", Organisation: "Northshire County Council"},
			{Name: "Pat Police", Agency: "police", Organisation: "Northshire Police"}, {Name: "Gabi Guardian", Agency: "ictg", Organisation: "Safe Passage Guardians"}},
		Actions: []*waymark.StrategyAction{{What: "Check the numbers on the child's phone against intelligence", Email: "police@police.example.org",
			Due: held.AddDate(0, 0, 2).Format(waymark.DateLayout)}}}
	if err := j.reg.RecordStrategy(ctx, j.council, st); err != nil {
		return fmt.Errorf("demo strategy discussion: %w", err)
	}
	return nil
}

func (j *journey) handovers(ctx context.Context, recorded []*waymark.Child) error {
	for i, c := range recorded[:min(2, len(recorded))] {
		j.ago([]time.Duration{20 * time.Hour, 6 * time.Hour}[i])
		h := &waymark.Handover{ChildID: c.ID, ToOrgID: j.council.OrgID, Reason: "Found in Northshire's area",
			Note: "Met off a lorry at the port; waiting at the port office with an interpreter."}
		if err := j.reg.RequestHandover(ctx, j.border, h); err != nil {
			return fmt.Errorf("demo handover: %w", err)
		}
		if i == 0 {
			j.ago(19 * time.Hour)
			if _, err := j.reg.DecideHandover(ctx, j.council, h.ID, true, ""); err != nil {
				return fmt.Errorf("demo handover accepted: %w", err)
			}
		}
	}
	return nil
}

// transfer has Northshire ask Eastport, three days ago, to take on a child with no open episode.
func (j *journey) transfer(ctx context.Context, inCare []*waymark.Child) error {
	i := slices.IndexFunc(inCare, func(c *waymark.Child) bool { return !c.MissingNow })
	if i < 0 {
		return nil
	}
	j.ago(3 * 24 * time.Hour)
	h := &waymark.Handover{ChildID: inCare[i].ID, ToOrgID: j.eastport, Reason: "National Transfer Scheme",
		Note: "Settled at school here, but Northshire is over its share; an Eritrean foster family is free in Eastport."}
	if err := j.reg.RequestHandover(ctx, j.council, h); err != nil {
		return fmt.Errorf("demo transfer: %w", err)
	}
	return nil
}

// profiles writes the Philomena profiles of the children placed with the foster carer: the first
// reviewed five weeks ago, so overdue; the others last week.
func (j *journey) profiles(ctx context.Context, withCarer []string) error {
	for i, id := range withCarer {
		days := 7
		if i == 0 {
			days = 35 // overdue for its monthly review
		}
		j.ago(time.Duration(days) * 24 * time.Hour)
		p := &waymark.Profile{ChildID: id, Appearance: "Slim, about 1.65 m, short black hair; a small scar on the chin",
			Clothing: "Black puffer jacket, grey tracksuit, white trainers; a blue backpack",
			Places:   "Northshire bus station; the phone shop on Station Road; the mosque on Friday afternoons",
			People:   "Calls an older man 'Uncle' (about 40, silver estate car); two boys from college",
			Online:   "Phone 07700 900321; a messaging account under a nickname", Transport: "Buses; has a bus pass, no bank card",
			Vulnerabilities: "Owes a debt for the journey and fears for family at home; asthma (inhaler)"}
		if err := j.reg.SaveProfile(ctx, j.council, p); err != nil {
			return fmt.Errorf("demo profile: %w", err)
		}
	}
	return nil
}

// mergedPair records the last of Northshire's children again, under the name order the child gave
// at a police station, and merges that record into the first.
func (j *journey) mergedPair(ctx context.Context, inCare []*waymark.Child) error {
	if len(inCare) == 0 {
		return nil
	}
	c := inCare[len(inCare)-1]
	j.ago(8 * 24 * time.Hour)
	again := &waymark.Child{GivenNames: c.FamilyName, FamilyName: c.GivenNames, Sex: c.Sex, Nationality: c.Nationality,
		Documents: []waymark.Document{{Type: "national_id", Number: "DEMO-" + c.Ref[len(c.Ref)-4:], Country: c.Nationality}}}
	first := &waymark.Encounter{Kind: "referral", At: time.Now().Add(-8 * 24 * time.Hour), Place: "Northshire police station", Agency: "police"}
	if err := j.reg.CreateChild(ctx, j.council, again, first); err != nil {
		return fmt.Errorf("demo child recorded again: %w", err)
	}
	j.ago(24 * time.Hour)
	m := &waymark.Merge{SurvivorID: c.ID, MergedID: again.ID, Reason: "The national ID card found with the child matches; the child confirmed it is theirs"}
	if err := j.reg.RequestMerge(ctx, j.manager, m); err != nil {
		return fmt.Errorf("demo merge: %w", err)
	}
	return nil
}
