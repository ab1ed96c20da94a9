package registry

import (
	"context"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Offline capture: a first contact recorded on a device with no signal is kept there, encrypted
// under a key the server gives the user signed in (OfflineKey), and sent when the signal returns
// (Arrive), under the device's idempotency key for the record so that a resend makes nothing.

// OfflineKey returns the key the actor's devices keep offline records with: to people signed in
// who may record a child, of an organisation that has not turned offline capture off; audited.
func (r *Registry) OfflineKey(ctx context.Context, a waymark.Actor) ([]byte, error) {
	if err := r.check(ctx, a, waymark.CreateChild, waymark.Scope{OrgID: a.OrgID}, "offline", ""); err != nil {
		return nil, err
	}
	if a.UserID == "" {
		return nil, waymark.Errorf(waymark.EFORBIDDEN, "Offline capture is for people signed in on a device, not for API tokens.")
	}
	o, err := r.store.Org(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	if o.OfflineOff {
		return nil, waymark.Errorf(waymark.EFORBIDDEN, "%s has turned offline capture off: record children while connected.", o.Name)
	}
	if err := r.store.Audit(ctx, entry(a, "offline.key", "offline", "", a.OrgID)); err != nil {
		return nil, err
	}
	return r.store.OfflineKey(a.OrgID, a.UserID), nil
}

// SetOfflineOff turns an organisation's offline capture off, or on again; audited.
func (r *Registry) SetOfflineOff(ctx context.Context, a waymark.Actor, orgID string, off bool) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "organisation", orgID); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetOfflineOff(orgID, off); err != nil {
			return err
		}
		e := entry(a, "offline.setting", "organisation", orgID, orgID)
		e.Reason = map[bool]string{true: "offline capture off", false: "offline capture on"}[off]
		return tx.Audit(e)
	})
}

// Arrival is a first contact recorded offline, as its device sends it.
type Arrival struct {
	Child   waymark.Child
	Contact waymark.Encounter // when (as the device recorded it), where, how
	Photo   []byte
	Key     string // the device's idempotency key for the record
	// Decision is what the officer chose after a first sending found possible matches: "new" to
	// record a new child, or the id of the child this is, to record a contact with them. Empty
	// the first time: possible matches are then looked for, and nothing is recorded if any is found.
	Decision string
}

// Arrived is what an arrival made.
type Arrived struct {
	ChildID string  // the child recorded, or met
	Created bool    // a new child was recorded
	Again   bool    // sent before: ChildID is what the first sending made
	Matches []Match // possible matches for the officer to decide on; nothing was recorded
}

// Arrive takes a record made offline. Sent again under the same key it makes nothing more. Sent
// for the first time, it is checked against the registry: a child recorded since by someone else
// comes back as a possible match for the officer to confirm, never as a silent second child. The
// audit names the officer and the time the device recorded it.
func (r *Registry) Arrive(ctx context.Context, a waymark.Actor, in *Arrival) (Arrived, error) {
	if in.Key == "" {
		return Arrived{}, waymark.Invalid("Idempotency-Key", "A record sent from a device needs its Idempotency-Key, so that a resend makes nothing twice")
	}
	if err := checkIdempotencyKey(in.Key); err != nil {
		return Arrived{}, err
	}
	if err := r.check(ctx, a, waymark.CreateChild, waymark.Scope{OrgID: a.OrgID}, "child", ""); err != nil {
		return Arrived{}, err
	}
	if id, err := r.store.KeyChild(ctx, a.OrgID, actorKey(a), in.Key); err != nil || id != "" {
		return Arrived{ChildID: id, Again: id != ""}, err
	}
	if len(in.Photo) > 0 { // refused before anything is recorded, not after
		if _, err := photo.Open(in.Photo); err != nil {
			return Arrived{}, err
		}
	}
	reason := "recorded offline at " + in.Contact.At.UTC().Format(time.RFC3339)
	switch in.Decision {
	case "":
		ms, err := r.PossibleDuplicates(ctx, a, &in.Child)
		if err != nil || len(ms) > 0 {
			return Arrived{Matches: ms}, err
		}
		fallthrough
	case "new":
		in.Contact.Kind = "first_contact"
		created, err := r.createChild(ctx, a, &in.Child, &in.Contact, in.Key, reason)
		if err != nil {
			return Arrived{}, err
		}
		out := Arrived{ChildID: in.Child.ID, Created: created, Again: !created}
		if created && len(in.Photo) > 0 {
			_, err = r.AddPhoto(ctx, a, in.Child.ID, in.Photo)
		}
		return out, err
	}
	return r.arriveAsContact(ctx, a, in, reason)
}

// arriveAsContact records the arrival as a contact with the child the officer chose, under its key.
func (r *Registry) arriveAsContact(ctx context.Context, a waymark.Actor, in *Arrival, reason string) (Arrived, error) {
	childID := in.Decision
	in.Contact.Kind = "found"
	if in.Contact.Circumstances == "" {
		in.Contact.Circumstances = "Recorded offline as a new child, then judged to be this child"
	}
	err := r.addEncounter(ctx, a, waymark.AddEncounter, childID, &in.Contact, reason+"; judged to be this child", func(tx *sqlstore.Tx) error {
		claimed, _, _, err := tx.ClaimKey(a.OrgID, actorKey(a), in.Key, "contact:"+childID)
		if err == nil && !claimed {
			err = waymark.Errorf(waymark.ECONFLICT, "This record was sent at the same moment from elsewhere: it is recorded once.")
		}
		if err == nil {
			err = tx.NameKey(a.OrgID, actorKey(a), in.Key, childID)
		}
		return err
	})
	if err != nil {
		return Arrived{}, err
	}
	if len(in.Photo) > 0 && r.May(ctx, a, waymark.EditChild, childID) {
		_, err = r.AddPhoto(ctx, a, childID, in.Photo)
	}
	return Arrived{ChildID: childID}, err
}
