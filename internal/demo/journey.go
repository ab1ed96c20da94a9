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
// the foster carer's children have Philomena profiles, one overdue for review.
type journey struct {
	reg      *registry.Registry
	setClock func(func() time.Time)
	border   waymark.Actor
	council  waymark.Actor
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
	return j.profiles(ctx, withCarer)
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
		j.ago(time.Duration(map[bool]int{true: 35, false: 7}[i == 0]) * 24 * time.Hour)
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
