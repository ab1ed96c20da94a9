package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/synth"
)

// careStory is one council child's journey in the demo world.
type careStory struct {
	placement string
	concern   bool
	past      int           // earlier episodes, found and returned, interview held
	missing   time.Duration // missing for this long now (0: not missing)
	returned  time.Duration // came back this long ago, interview not yet held (0: none)
}

// stories is the demo's care world: children missing now, one in a B&B, returns awaiting interview.
var stories = []careStory{
	{placement: "residential", concern: true, past: 2, missing: 52 * time.Hour},
	{placement: "supported", concern: true, missing: 5 * time.Hour},
	{placement: "foster", concern: true, past: 1, missing: 9 * 24 * time.Hour},
	{placement: "bnb_hostel", concern: true},
	{placement: "specialist_foster", concern: true, past: 1, returned: 30 * time.Hour},
	{placement: "residential", concern: false, past: 1, returned: 80 * time.Hour},
	{placement: "foster", concern: true},
	{placement: "specialist_foster", concern: false},
}

var foundAt = []string{"cannabis_farm", "brothel", "with_adult_of_concern", "another_town", "other_exploitation"}

// seedCare gives the council's children placements, screenings and missing episodes.
func seedCare(ctx context.Context, reg *registry.Registry, g *synth.Generator, a waymark.Actor, police string, children []*waymark.Child) error {
	now := reg.Now()
	for i, c := range children {
		st := stories[i%len(stories)]
		start := now.AddDate(0, 0, -60-g.Intn(200))
		sc := &waymark.Screening{ChildID: c.ID, Date: start, Outcome: "no_concern"}
		if st.concern {
			sc.Outcome, sc.Exploitation = "trafficking_concern", []string{[]string{"cannabis", "sexual", "labour", "criminal"}[g.Intn(4)]}
			sc.Indicators = [][]string{{"debt_bondage", "place_of_exploitation"}, {"adult_speaks", "relationship_unclear", "no_documents"},
				{"journey_arranged", "destination_address", "recently_arrived"}, {"unexplained_money", "several_phones", "found_far_away"}}[i%4]
		}
		if err := reg.AddScreening(ctx, a, sc); err != nil {
			return fmt.Errorf("demo screening: %w", err)
		}
		if st.concern {
			if err := reg.RecordNRM(ctx, a, c.ID, nrmStage(i, now)); err != nil {
				return fmt.Errorf("demo NRM referral: %w", err)
			}
		}
		p := &waymark.Placement{ChildID: c.ID, Type: st.placement, Provider: "Demo provider " + fmt.Sprint(i%5+1),
			Address: fmt.Sprintf("%d Example Road, Northshire", 10+i), PoliceOrgID: police, Start: start,
			ProviderKind: []string{"own_council", "private", "voluntary"}[i%3], Postcode: fmt.Sprintf("NS%d %dAB", 1+i%9, i%10)}
		if st.placement == "residential" || st.placement == "supported" && i%2 == 0 { // one supported placement is not registered
			p.OfstedURN = fmt.Sprintf("SC%06d", 400000+i)
		}
		if err := reg.AddPlacement(ctx, a, p, ""); err != nil {
			return fmt.Errorf("demo placement: %w", err)
		}
		for k := range st.past {
			seen := start.AddDate(0, 0, 10+20*k)
			if err := episode(ctx, reg, a, c, seen, seen.Add(20*time.Hour), seen.Add(40*time.Hour), foundAt[(i+k)%len(foundAt)]); err != nil {
				return err
			}
		}
		switch {
		case st.missing > 0:
			if err := episode(ctx, reg, a, c, now.Add(-st.missing), time.Time{}, time.Time{}, ""); err != nil {
				return err
			}
		case st.returned > 0:
			back := now.Add(-st.returned)
			if err := episode(ctx, reg, a, c, back.Add(-30*time.Hour), back.Add(-2*time.Hour), back, foundAt[i%len(foundAt)]); err != nil {
				return err
			}
		}
	}
	return nil
}

// episode reports a child missing, then records the find and return when given, and the return
// interview if the return is over 72 hours before interviewAt is worth showing.
func episode(ctx context.Context, reg *registry.Registry, a waymark.Actor, c *waymark.Child, seen, found, back time.Time, where string) error {
	e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", LastSeenAt: seen, LastSeenPlace: "Near the placement",
		LastSeenWith: "Two older males in a grey car", Risk: "high", RiskFactors: []string{"trafficking_concern"},
		PoliceRef: fmt.Sprintf("NP-%s-%d", seen.Format("060102"), seen.Hour())}
	if err := reg.ReportMissing(ctx, a, e); err != nil {
		return fmt.Errorf("demo missing episode: %w", err)
	}
	steps := []struct {
		at     time.Time
		status string
		act    waymark.Action
		change func(e *waymark.MissingEpisode, now time.Time) error
	}{
		{found, "found", waymark.UpdateMissing, func(e *waymark.MissingEpisode, now time.Time) error {
			return e.RecordFound(waymark.Found{At: found, Place: "Unit 4, Demo Industrial Estate", By: "Northshire Police", Where: where}, now)
		}},
		{back, "returned", waymark.ReportMissing, func(e *waymark.MissingEpisode, now time.Time) error { return e.RecordReturned(back, now) }},
	}
	for _, s := range steps {
		if s.at.IsZero() {
			return nil
		}
		if _, err := reg.UpdateEpisode(ctx, a, e.ID, s.act, s.status, s.change); err != nil {
			return fmt.Errorf("demo episode %s: %w", s.status, err)
		}
	}
	if reg.Now().Sub(back) > 7*24*time.Hour { // long past: the interview was held
		held := back.Add(48 * time.Hour)
		interview := func(e *waymark.MissingEpisode, now time.Time) error {
			return e.RecordInterview(waymark.Interview{OfferedAt: e.FoundAt.Add(2 * time.Hour), InterviewAt: held, InterviewBy: "Independent advocate",
				ByRole: "Return interview worker, Northshire Children's Rights Service", Independent: true}, now)
		}
		_, err := reg.UpdateEpisode(ctx, a, e.ID, waymark.RecordCare, "interviewed", interview)
		return err
	}
	return nil
}

// nrmStage is the demo's NRM referral of the i-th child with a concern: every stage, from just
// referred to decided, and one whose reasonable grounds decision is overdue.
func nrmStage(i int, now time.Time) *waymark.NRMReferral {
	day := func(daysAgo int) string { return now.AddDate(0, 0, -daysAgo).Format(waymark.DateLayout) }
	n := &waymark.NRMReferral{Reference: fmt.Sprintf("NRM-DEMO-%04d", 1000+i), Authority: "sca", ChildTold: true}
	switch i % 5 {
	case 0: // just referred; the ICTG referral made
		n.ReferredOn, n.ICTGReferredOn, n.ICTGService = day(1), day(1), "direct"
	case 1: // no reasonable grounds decision after more than 5 working days
		n.ReferredOn = day(12)
	case 2: // positive reasonable grounds: recovery, awaiting the conclusive decision
		n.ReferredOn, n.RGOutcome, n.RGDate, n.ICTGReferredOn, n.ICTGService = day(20), "positive", day(15), day(19), "regional_practice_coordinator"
	case 3: // decided
		n.ReferredOn, n.RGOutcome, n.RGDate, n.CGOutcome, n.CGDate = day(150), "positive", day(144), "positive", day(60)
		n.ICTGReferredOn, n.ICTGService = day(149), "direct"
	default: // a negative decision, reconsideration asked
		n.ReferredOn, n.RGOutcome, n.RGDate, n.ReconsiderationAsked = day(40), "negative", day(33), day(25)
	}
	return n
}
