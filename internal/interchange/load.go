package interchange

import (
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Summary says what an import did.
type Summary struct {
	Created, Updated, Referrals int
	// Deferred counts events of kinds not yet kept (placements, missing episodes, screenings).
	Deferred int
}

// Load writes good records into the organisation's registry in one transaction: a ref already
// known is updated (keeping its id and photos), a new one created; referrals become encounters.
// Every change is audited as the import's.
func Load(tx *sqlstore.Tx, org *waymark.Organisation, recs []*Record, actor string, progress func()) (Summary, []*waymark.Child, error) {
	var sum Summary
	var changed []*waymark.Child
	for _, rec := range recs {
		c := rec.Child
		c.OrgID, c.Photos = org.ID, nil
		action := string(waymark.CreateChild)
		if old, err := tx.ChildByRef(org.ID, c.Ref); err == nil {
			c.ID, action = old.ID, string(waymark.EditChild)
			if err := tx.UpdateChild(&c); err != nil {
				return sum, nil, err
			}
			sum.Updated++
		} else if waymark.ErrorCode(err) != waymark.ENOTFOUND {
			return sum, nil, err
		} else {
			if err := tx.CreateChild(&c); err != nil {
				return sum, nil, err
			}
			sum.Created++
		}
		if err := tx.Audit(&audit.Entry{ActorName: actor, OrgID: org.ID, Action: action, RecordType: "child", RecordID: c.ID, RecordOrg: org.ID, Reason: "import"}); err != nil {
			return sum, nil, err
		}
		for _, ev := range rec.Events {
			if ev.Type != "referral" {
				sum.Deferred++
				continue
			}
			added, err := addReferral(tx, &c, ev, actor)
			if err != nil {
				return sum, nil, err
			}
			if added {
				sum.Referrals++
			}
		}
		changed = append(changed, &c)
		if progress != nil {
			progress()
		}
	}
	return sum, changed, nil
}

func addReferral(tx *sqlstore.Tx, c *waymark.Child, ev Event, actor string) (bool, error) {
	at, err := time.Parse(time.RFC3339, ev.Date)
	if err != nil {
		at, _ = time.Parse(waymark.DateLayout, ev.Date)
	}
	if exists, err := tx.HasEncounter(c.ID, "referral", at); err != nil || exists {
		return false, err
	}
	e := &waymark.Encounter{ChildID: c.ID, OrgID: c.OrgID, Kind: "referral", At: at, Agency: ev.Agency, RecordedBy: actor}
	return true, tx.CreateEncounter(e)
}

// Export turns a stored child and its encounters into a record; referrals and first contacts
// become referral events.
func Export(c *waymark.Child, encounters []*waymark.Encounter) *Record {
	r := &Record{Child: *c}
	r.Photos, r.ID, r.OrgID = nil, "", ""
	r.CreatedAt, r.UpdatedAt = time.Time{}, time.Time{}
	for _, e := range encounters {
		if e.Kind == "referral" || e.Kind == "first_contact" {
			r.Events = append(r.Events, Event{Type: "referral", Date: e.At.UTC().Format(time.RFC3339), Agency: e.Agency})
		}
	}
	return r
}
