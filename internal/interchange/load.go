package interchange

import (
	"cmp"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/screening"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Summary says what an import did: children created and updated, and events kept by type.
type Summary struct {
	Created, Updated int
	Events           map[string]int
}

// Add adds another summary's counts to s.
func (s *Summary) Add(o Summary) {
	s.Created, s.Updated = s.Created+o.Created, s.Updated+o.Updated
	for k, v := range o.Events {
		s.Events[k] += v
	}
}

// Load writes good records into the organisation's registry in one transaction: a ref already
// known is updated (keeping its id and photos), a new one created; events are added unless the
// child already has them (so importing twice never duplicates). Every change is audited as the
// import's. New children, their audit entries and their referrals are written a few hundred to a
// statement.
func Load(tx *sqlstore.Tx, org *waymark.Organisation, recs []*Record, actor string, progress func()) (Summary, []*waymark.Child, error) {
	sum := Summary{Events: map[string]int{}}
	refs := make([]string, len(recs))
	for i, rec := range recs {
		refs[i] = rec.Ref
	}
	known, err := tx.RefsOf(org.ID, refs)
	if err != nil {
		return sum, nil, err
	}
	var changed, fresh []*waymark.Child
	var freshEvents [][]Event
	var entries []*audit.Entry
	entry := func(c *waymark.Child, action string) *audit.Entry {
		return &audit.Entry{ActorName: actor, OrgID: org.ID, Action: action, RecordType: "child", RecordID: c.ID, RecordOrg: org.ID, Reason: "import"}
	}
	for _, rec := range recs {
		c := rec.Child
		c.OrgID, c.Photos = org.ID, nil
		changed = append(changed, &c)
		id, ok := known[c.Ref]
		if !ok {
			fresh, freshEvents = append(fresh, &c), append(freshEvents, rec.Events)
			continue
		}
		c.ID = id
		if err := tx.UpdateChild(&c); err != nil {
			return sum, nil, err
		}
		sum.Updated++
		entries = append(entries, entry(&c, string(waymark.EditChild)))
		if err := addEvents(tx, &c, rec.Events, actor, &sum); err != nil {
			return sum, nil, err
		}
	}
	if err := tx.CreateChildren(fresh); err != nil {
		return sum, nil, err
	}
	sum.Created = len(fresh)
	var referrals []*waymark.Encounter
	for i, c := range fresh {
		entries = append(entries, entry(c, string(waymark.CreateChild)))
		var others []Event
		for _, ev := range freshEvents[i] { // a new child has no events yet: nothing to check
			if ev.Type == "referral" {
				referrals = append(referrals, &waymark.Encounter{ChildID: c.ID, OrgID: c.OrgID, Kind: "referral", At: when(ev.Date), Agency: ev.Agency, RecordedBy: actor})
				sum.Events["referral"]++
			} else {
				others = append(others, ev)
			}
		}
		if err := addEvents(tx, c, others, actor, &sum); err != nil {
			return sum, nil, err
		}
	}
	if err := tx.CreateEncounters(referrals); err != nil {
		return sum, nil, err
	}
	if err := tx.AuditAll(entries); err != nil {
		return sum, nil, err
	}
	if progress != nil {
		for range recs {
			progress()
		}
	}
	return sum, changed, nil
}

// addEvents adds each event the child does not have yet, counting those added.
func addEvents(tx *sqlstore.Tx, c *waymark.Child, events []Event, actor string, sum *Summary) error {
	for _, ev := range events {
		added, err := addEvent(tx, c, ev, actor)
		if err != nil {
			return err
		}
		if added {
			sum.Events[ev.Type]++
		}
	}
	return nil
}

// when reads an event's date or date-time (already checked by Parse); "" is the zero time.
func when(s string) time.Time {
	for _, layout := range []string{time.RFC3339, waymark.DateLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func addEvent(tx *sqlstore.Tx, c *waymark.Child, ev Event, actor string) (bool, error) {
	if ev.Type == "referral" {
		at := when(ev.Date)
		if exists, err := tx.HasEncounter(c.ID, "referral", at); err != nil || exists {
			return false, err
		}
		return true, tx.CreateEncounter(&waymark.Encounter{ChildID: c.ID, OrgID: c.OrgID, Kind: "referral", At: at, Agency: ev.Agency, RecordedBy: actor})
	}
	at := when(cmp.Or(ev.Start, ev.Date))
	if ev.Type == "nrm" { // one referral a child: the file's replaces what was recorded
		n := ev.NRM(at)
		n.RecordedBy = actor
		return true, tx.SetNRMReferral(c.ID, n)
	}
	if exists, err := tx.HasEvent(ev.Type, c.ID, at); err != nil || exists {
		return false, err
	}
	switch ev.Type {
	case "placement":
		return true, tx.CreatePlacement(&waymark.Placement{ChildID: c.ID, OrgID: c.OrgID, Type: cmp.Or(ev.PlacementType, "other"),
			ProviderKind: ev.ProviderKind, Postcode: ev.Postcode, OfstedURN: ev.OfstedURN,
			Start: at, End: when(ev.End), RecordedBy: actor})
	case "missing":
		e := &waymark.MissingEpisode{ChildID: c.ID, OrgID: c.OrgID, Kind: cmp.Or(ev.Kind, "missing"), LastSeenAt: at, ReportedAt: at,
			FoundAt: when(cmp.Or(ev.FoundAt, ev.End)), FoundWhere: ev.FoundCircumstances, ReturnedAt: when(ev.End),
			Interview: waymark.Interview{InterviewAt: when(ev.InterviewAt)}, RecordedBy: actor,
			History: []waymark.StatusChange{{Status: "missing", At: at, By: actor, Note: "imported"}}}
		return true, tx.CreateEpisode(e)
	default: // screening
		return true, tx.CreateScreening(&waymark.Screening{ChildID: c.ID, OrgID: c.OrgID, Date: at, Outcome: ev.Outcome,
			Exploitation: ev.Exploitation, Indicators: ev.Indicators, Catalogue: screening.Shipped.Version, RecordedBy: actor})
	}
}

// History is what Export writes of a child's care besides their encounters.
type History struct {
	Placements []*waymark.Placement
	Episodes   []*waymark.MissingEpisode
	Screenings []*waymark.Screening
	NRM        *waymark.NRMReferral
}

// Export turns a stored child, their encounters and care history into a record; referrals and
// first contacts become referral events.
func Export(c *waymark.Child, encounters []*waymark.Encounter, h History) *Record {
	r := &Record{Child: *c}
	r.Photos, r.ID, r.OrgID = nil, "", ""
	r.CreatedAt, r.UpdatedAt = time.Time{}, time.Time{}
	for _, e := range encounters {
		if e.Kind == "referral" || e.Kind == "first_contact" {
			r.Events = append(r.Events, Event{Type: "referral", Date: stamp(e.At), Agency: e.Agency})
		}
	}
	for _, p := range h.Placements {
		r.Events = append(r.Events, Event{Type: "placement", Start: stamp(p.Start), End: stamp(p.End), PlacementType: p.Type,
			ProviderKind: p.ProviderKind, Postcode: p.Postcode, OfstedURN: p.OfstedURN})
	}
	for _, e := range h.Episodes {
		r.Events = append(r.Events, Event{Type: "missing", Kind: e.Kind, Start: stamp(e.LastSeenAt), End: stamp(e.ReturnedAt),
			FoundAt: stamp(e.FoundAt), FoundCircumstances: e.FoundWhere, InterviewAt: stamp(e.InterviewAt)})
	}
	for _, s := range h.Screenings {
		r.Events = append(r.Events, Event{Type: "screening", Date: stamp(s.Date), Outcome: s.Outcome, Exploitation: s.Exploitation,
			Indicators: s.Indicators})
	}
	if n := h.NRM; n != nil {
		r.Events = append(r.Events, Event{Type: "nrm", Date: n.ReferredOn, RGOutcome: n.RGOutcome, RGDate: n.RGDate, CGOutcome: n.CGOutcome, CGDate: n.CGDate})
	}
	return r
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
