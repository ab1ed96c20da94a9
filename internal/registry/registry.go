// Package registry is the register of children as its users meet it: every operation is checked
// against the access policy and written to the audit log, refusals included. The web pages, the
// API and the command line all go through it.
package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/face"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/ratelimit"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Registry wraps the store with access checks and auditing, and keeps the identification index
// in step with every write.
type Registry struct {
	store   *sqlstore.Store
	Engine  *identify.Engine
	OnCare  func()     // told after a care write that may move a deadline (the alert scheduler's nudge)
	Hashing *auth.Gate // bounds the password hashing that sign-ins do at once
	// SignInRate bounds sign-in attempts per client address, before any hashing.
	SignInRate *ratelimit.Limiter
	// SearchRate bounds identification searches per user or token (nil: unbounded): a search
	// names children of every organisation, so many of them are a harvest.
	SearchRate *ratelimit.Limiter
	sso        providers    // the OpenID providers of single sign-on, once discovered
	followed   atomic.Int64 // the audit entry the index has caught up to
	dups       duplicateRuns
	faces      *face.Pipeline // nil: face matching is off
	faceTurns  chan struct{}  // bounds the photos looked at at once
}

// Defaults for the sign-in bounds: hashing within 256 MiB, waiting at most 5 s for a turn; 30
// attempts at once from one address, and 30 more a minute.
const (
	HashingBudget = 256 << 20
	HashingWait   = 5 * time.Second
)

// DefaultSearches is how many identification searches one user or token may make an hour.
const DefaultSearches = 60

// SearchesPerHour bounds searches to n an hour per user or token, all of them at once if need be
// (n 0: unbounded).
func SearchesPerHour(n int, now func() time.Time) *ratelimit.Limiter {
	if n <= 0 {
		return nil
	}
	return ratelimit.New(n, n, time.Hour, now)
}

// New returns a registry over store with an empty identification index; LoadIndex fills it.
func New(store *sqlstore.Store) *Registry {
	return &Registry{store: store, Engine: identify.New(), Hashing: auth.NewGate(HashingBudget, HashingWait),
		SignInRate: ratelimit.New(30, 30, time.Minute, store.Now), SearchRate: SearchesPerHour(DefaultSearches, store.Now)}
}

// LoadIndex puts every recorded child into the identification index and notes where in the
// change feed the index stands, for Follow.
func (r *Registry) LoadIndex(ctx context.Context) (int, error) {
	head, err := r.store.AuditHead(ctx) // read first: a write during the load is caught up by Follow
	if err != nil {
		return 0, err
	}
	// Reading and normalising children and indexing them run side by side: each is half the work.
	recs, done := make(chan *identify.Record, 4096), make(chan struct{})
	go func() {
		for rec := range recs {
			r.Engine.Index.Put(rec)
		}
		close(done)
	}()
	faces := map[string][]waymark.Photo{} // the photos' faces: the children's read leaves photos out
	err = r.store.AllFaces(ctx, func(childID string, p waymark.Photo) error {
		faces[childID] = append(faces[childID], p)
		return nil
	})
	n := 0
	if err == nil {
		err = r.store.AllChildren(ctx, "", func(c *waymark.Child) error {
			if c.MergedInto != "" || c.MinimisedOn != "" { // merged away: found as the one it was merged into; minimised: not to be found
				return nil
			}
			c.Photos = faces[c.ID]
			recs <- identify.FromChild(c)
			n++
			return nil
		})
	}
	close(recs)
	<-done
	r.Engine.LearnU(uint64(n))
	r.followed.Store(head)
	return n, err
}

// Follow keeps the index current with writes made by other processes (another `waymark serve`
// on the same PostgreSQL, or `waymark import`), reading the change feed whenever the store says
// children changed (on SQLite, every interval) until ctx ends.
func (r *Registry) Follow(ctx context.Context, interval time.Duration, log func(error)) {
	r.store.WatchChildChanges(ctx, interval, func(ctx context.Context) {
		if err := r.CatchUp(ctx); err != nil && ctx.Err() == nil {
			log(err)
		}
	}, log)
}

// CatchUp reads the change feed once and puts every changed child into the index.
func (r *Registry) CatchUp(ctx context.Context) error {
	for {
		ids, reached, err := r.store.ChildChanges(ctx, r.followed.Load(), 1000)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := r.store.Child(ctx, id)
			if waymark.ErrorCode(err) == waymark.ENOTFOUND { // erased (retention): gone from the index too
				r.Engine.Index.Remove(id)
				continue
			}
			if err != nil {
				return err
			}
			r.index(c)
		}
		r.followed.Store(reached)
		if len(ids) < 1000 {
			return nil
		}
	}
}

// index puts a child into the identification index, or takes one merged away out of it.
func (r *Registry) index(c *waymark.Child) {
	if c.MergedInto != "" || c.MinimisedOn != "" {
		r.Engine.Index.Remove(c.ID)
		return
	}
	r.Engine.Put(c)
}

func entry(a waymark.Actor, action, recType, recID, recOrg string) *audit.Entry {
	return &audit.Entry{UserID: a.UserID, TokenID: a.TokenID, ActorName: a.Name, OrgID: a.OrgID, Action: action,
		RecordType: recType, RecordID: recID, RecordOrg: recOrg, Addr: a.Addr}
}

// Check says whether the actor may do act within sc, auditing a refusal: for a page to refuse
// before it does any work.
func (r *Registry) Check(ctx context.Context, a waymark.Actor, act waymark.Action, sc waymark.Scope) error {
	return r.check(ctx, a, act, sc, "", "")
}

// check applies the policy; a refusal is itself audited, so attempts across organisations show in the log.
func (r *Registry) check(ctx context.Context, a waymark.Actor, act waymark.Action, sc waymark.Scope, recType, recID string) error {
	err := waymark.Can(a, act, sc)
	if err == nil || waymark.ErrorCode(err) == waymark.EUNAUTHORIZED {
		return err
	}
	return r.refuse(ctx, a, act, sc, recType, recID, err)
}

// refuse audits a refusal and returns it.
func (r *Registry) refuse(ctx context.Context, a waymark.Actor, act waymark.Action, sc waymark.Scope, recType, recID string, err error) error {
	e := entry(a, string(act), recType, recID, sc.OrgID)
	e.Outcome = audit.Denied
	if aerr := r.store.Audit(ctx, e); aerr != nil {
		return fmt.Errorf("audit refusal: %w", aerr)
	}
	return err
}

func (r *Registry) childScope(ctx context.Context, a waymark.Actor, act waymark.Action, childID string) (waymark.Scope, error) {
	if a.Role == "" {
		return waymark.Scope{}, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	sc, err := r.store.ChildScope(ctx, childID)
	if err != nil {
		return sc, err
	}
	return sc, r.check(ctx, a, act, sc, "child", childID)
}

// CreateChild records a new child owned by the actor's organisation, with its first encounter if given.
func (r *Registry) CreateChild(ctx context.Context, a waymark.Actor, c *waymark.Child, first *waymark.Encounter) error {
	_, err := r.CreateChildOnce(ctx, a, c, first, "")
	return err
}

// CreateChildOnce is CreateChild under an idempotency key (none: every call creates): the same key
// sent again by the same user makes nothing and returns, in c, the child the first call made
// (created false; the read audited); the key sent again with other facts is a conflict.
func (r *Registry) CreateChildOnce(ctx context.Context, a waymark.Actor, c *waymark.Child, first *waymark.Encounter, key string) (created bool, _ error) {
	return r.createChild(ctx, a, c, first, key, "")
}

// createChild is CreateChildOnce, its audit entry giving reason.
func (r *Registry) createChild(ctx context.Context, a waymark.Actor, c *waymark.Child, first *waymark.Encounter, key, reason string) (created bool, _ error) {
	if err := r.check(ctx, a, waymark.CreateChild, waymark.Scope{OrgID: a.OrgID}, "child", ""); err != nil {
		return false, err
	}
	if err := checkIdempotencyKey(key); err != nil {
		return false, err
	}
	now := r.store.Now()
	err := c.Normalize(now)
	if first != nil {
		err = joinInvalid(err, first.Normalize(now))
	}
	if err != nil {
		return false, err
	}
	c.OrgID = a.OrgID
	var hash string
	if key != "" { // a record sent with no key is not hashed: most are
		hash = requestHash(c, first)
	}
	var again *waymark.Child
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if key != "" {
			claimed, firstHash, id, err := tx.ClaimKey(a.OrgID, actorKey(a), key, hash)
			if err != nil || !claimed {
				if err == nil && firstHash != hash {
					err = waymark.Errorf(waymark.ECONFLICT, "This Idempotency-Key was sent before with another child's facts: send a new key for a new record.")
				}
				if err == nil {
					if again, err = tx.Child(id); err == nil {
						err = tx.Audit(entry(a, string(waymark.ViewChild), "child", id, again.OrgID))
					}
				}
				return err
			}
		}
		if err := tx.CreateChild(c); err != nil {
			return err
		}
		if key != "" {
			if err := tx.NameKey(a.OrgID, actorKey(a), key, c.ID); err != nil {
				return err
			}
		}
		if first != nil {
			first.ChildID, first.OrgID, first.RecordedBy = c.ID, a.OrgID, a.Name
			if err := tx.CreateEncounter(first); err != nil {
				return err
			}
		}
		if c.UASC {
			if err := r.openStrategy(tx, c.ID, c.OrgID, waymark.StrategyUnaccompanied); err != nil {
				return err
			}
		}
		e := entry(a, string(waymark.CreateChild), "child", c.ID, c.OrgID)
		e.Reason = reason
		return tx.Audit(e)
	})
	switch {
	case err != nil:
		return false, err
	case again != nil:
		*c = *again
		return false, nil
	}
	r.Engine.Put(c)
	return true, nil
}

// checkIdempotencyKey refuses a key no client would send: at most 200 printable ASCII characters.
func checkIdempotencyKey(key string) error {
	if len(key) > 200 || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return waymark.Invalid("Idempotency-Key", "An Idempotency-Key is at most 200 printable characters, without spaces (a UUID will do)")
	}
	return nil
}

// requestHash is what a record's facts hash to once normalised, to tell a resend from a reuse.
func requestHash(c *waymark.Child, first *waymark.Encounter) string {
	b, _ := json.Marshal(struct {
		C *waymark.Child
		E *waymark.Encounter
	}{c, first})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// joinInvalid merges two validation results into one error listing every bad field.
func joinInvalid(a, b error) error {
	if a == nil {
		return b
	} else if b == nil {
		return a
	}
	fields := append(waymark.ErrorFields(a), waymark.ErrorFields(b)...)
	return &waymark.Error{Code: waymark.EINVALID, Message: fmt.Sprintf("There are problems with %d fields.", len(fields)), Fields: fields}
}

// ChildRecord is a child with its encounters, as a practitioner sees it.
type ChildRecord struct {
	Child      *waymark.Child
	Encounters []*waymark.Encounter
	Owner      *waymark.Organisation // responsible now
	RecordedBy *waymark.Organisation
	Care       *Care
	Handovers  []*waymark.Handover // newest first: who was responsible, and since when
	Team       []*waymark.Member   // current parts first, with contact details
	Profile    *waymark.Profile    // the Philomena profile, if written
	FirstDays                      // the safety plan, strategy discussions and NRM referral
	OrgNames   map[string]string   // the names of the organisations the handovers name
	// May says what the viewer may do with this child, by action: for pages to offer only that.
	May map[string]bool
	// Until, if set, is the end of the viewer's organisation's time as responsible: an organisation
	// that handed the child on sees the identity facts and whether the child is missing now, but of
	// the record only what happened until then.
	Until time.Time
}

// Child returns a child's whole record; the view is audited.
func (r *Registry) Child(ctx context.Context, a waymark.Actor, id string) (*ChildRecord, error) {
	sc, err := r.childScope(ctx, a, waymark.ViewChild, id)
	if err != nil {
		return nil, err
	}
	rec := &ChildRecord{OrgNames: map[string]string{}, May: map[string]bool{}}
	for _, act := range waymark.Actions {
		rec.May[string(act)] = waymark.Can(a, act, sc) == nil
	}
	if rec.Child, err = r.store.Child(ctx, id); err != nil {
		return nil, err
	}
	if rec.Encounters, err = r.store.Encounters(ctx, id); err != nil {
		return nil, err
	}
	if rec.Owner, err = r.store.Org(ctx, sc.OrgID); err != nil {
		return nil, err
	}
	if rec.RecordedBy, err = r.store.Org(ctx, rec.Child.RecordedByOrgID); err != nil {
		return nil, err
	}
	if rec.Care, err = r.care(ctx, id); err != nil {
		return nil, err
	}
	// The alerts of the organisation responsible, and those addressed to the viewer's (a handover
	// asked of it, a police force's).
	rec.Care.Alerts = slices.DeleteFunc(rec.Care.Alerts, func(al *waymark.Alert) bool {
		return al.OrgID != sc.OrgID && al.OrgID != a.OrgID && al.PoliceOrgID != a.OrgID
	})
	if rec.Handovers, err = r.store.ChildHandovers(ctx, id); err != nil {
		return nil, err
	}
	if rec.Team, err = r.store.Team(ctx, id); err != nil {
		return nil, err
	}
	if rec.Profile, err = r.store.Profile(ctx, id); err != nil {
		return nil, err
	}
	if err := r.firstDays(ctx, id, &rec.FirstDays); err != nil {
		return nil, err
	}
	rec.OrgNames[rec.Owner.ID], rec.OrgNames[rec.RecordedBy.ID] = rec.Owner.Name, rec.RecordedBy.Name
	for _, h := range rec.Handovers {
		for _, org := range []string{h.FromOrgID, h.ToOrgID} {
			if _, known := rec.OrgNames[org]; known {
				continue // each organisation read once, most already with the record
			}
			if o, err := r.store.Org(ctx, org); err == nil {
				rec.OrgNames[org] = o.Name
			}
		}
	}
	if until, cut := viewsUntil(a, sc, rec.Handovers); cut {
		rec.cutAt(a.OrgID, until)
	}
	// Fail closed: no audit entry, no data.
	if err := r.store.Audit(ctx, entry(a, string(waymark.ViewChild), "child", id, sc.OrgID)); err != nil {
		return nil, err
	}
	return rec, nil
}

// viewsUntil says whether a sees a child's record only as an organisation once responsible for
// it, and if so until when: the acceptance of the last handover from a's organisation (hs newest
// first). Without one, until is zero and a sees nothing of the record.
func viewsUntil(a waymark.Actor, sc waymark.Scope, hs []*waymark.Handover) (until time.Time, cut bool) {
	whole := sc
	whole.Former = nil
	if waymark.Can(a, waymark.ViewChild, whole) == nil {
		return until, false
	}
	for _, h := range hs {
		if h.FromOrgID == a.OrgID && h.Status == waymark.HandoverAccepted {
			return h.DecidedAt, true
		}
	}
	return until, true
}

// cutAt leaves of the record what happened while org was responsible for the child, until then:
// the care it recorded (each placement, screening and episode carries the organisation responsible
// when it was recorded), and the contacts it recorded or that happened before.
func (rec *ChildRecord) cutAt(org string, until time.Time) {
	rec.Until = until
	rec.Encounters = slices.DeleteFunc(rec.Encounters, func(e *waymark.Encounter) bool { return e.OrgID != org && e.At.After(until) })
	rec.Care.Placements = slices.DeleteFunc(rec.Care.Placements, func(p *waymark.Placement) bool { return p.OrgID != org })
	rec.Care.Screenings = slices.DeleteFunc(rec.Care.Screenings, func(s *waymark.Screening) bool { return s.OrgID != org })
	rec.Care.Episodes = slices.DeleteFunc(rec.Care.Episodes, func(e *waymark.MissingEpisode) bool { return e.OrgID != org })
	rec.Care.Exploitation = slices.DeleteFunc(rec.Care.Exploitation, func(x *waymark.ExploitationSeen) bool { return x.OrgID != org })
	rec.Care.Links = slices.DeleteFunc(rec.Care.Links, func(l *waymark.Link) bool { return l.OrgID != org })
	rec.Care.Bureau = slices.DeleteFunc(rec.Care.Bureau, func(b *waymark.BureauSearch) bool { return b.OrgID != org })
	rec.Care.Alerts = nil
	rec.Team, rec.Profile = nil, nil // who cares for the child now, and where, is not for those who handed them on
	rec.FirstDays = FirstDays{}
	rec.Handovers = slices.DeleteFunc(rec.Handovers, func(h *waymark.Handover) bool { return h.FromOrgID != org && h.ToOrgID != org })
}

// UpdateChild replaces a child's identity facts with c's (c.ID names the child).
func (r *Registry) UpdateChild(ctx context.Context, a waymark.Actor, c *waymark.Child) error {
	sc, err := r.childScope(ctx, a, waymark.EditChild, c.ID)
	if err != nil {
		return err
	}
	if err := c.Normalize(r.store.Now()); err != nil {
		return err
	}
	if old, err := r.store.Child(ctx, c.ID); err != nil {
		return err
	} else if old.MergedInto != "" {
		return waymark.Errorf(waymark.ECONFLICT, "This record was merged into another: change that one.")
	} else {
		c.OtherRefs = old.OtherRefs // read only: a merge writes them
	}
	c.OrgID, c.MissingNow = sc.OrgID, sc.Missing
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.UpdateChild(c); err != nil {
			return err
		}
		return tx.Audit(entry(a, string(waymark.EditChild), "child", c.ID, sc.OrgID))
	})
	if err == nil {
		r.Engine.Put(c)
	}
	return err
}

// Identify ranks the recorded children who may be the child described by q, across every
// organisation. Candidates carry minimal facts only, and the evidence tells a recorded name only
// to staff the child's own organisation lets see it; the search is audited, its content is not.
// The audit entry does not depend on the answer, so it is written while the engine ranks; nothing
// is returned until it is durable.
func (r *Registry) Identify(ctx context.Context, a waymark.Actor, q *waymark.Child, limit int) (identify.Answer, error) {
	limit, err := r.searchable(ctx, a, q, limit)
	if err != nil {
		return identify.Answer{}, err
	}
	audited := make(chan error, 1)
	go func() { audited <- r.store.Audit(ctx, searched(a)) }()
	found := r.Engine.Search(q, limit)
	for i, c := range found.Candidates { // the owner's own staff alone see recorded names in the evidence
		if waymark.Can(a, waymark.ViewChild, waymark.Scope{OrgID: c.OrgID}) != nil {
			found.Candidates[i].Conceal()
		}
	}
	if err := <-audited; err != nil {
		return identify.Answer{}, err
	}
	return found, nil
}

// search checks that the actor may search and asks the engine; the caller audits the search.
func (r *Registry) search(ctx context.Context, a waymark.Actor, q *waymark.Child, limit int) (identify.Answer, error) {
	limit, err := r.searchable(ctx, a, q, limit)
	if err != nil {
		return identify.Answer{}, err
	}
	return r.Engine.Search(q, limit), nil
}

// MaxLimit is the most candidates one search returns.
const MaxLimit = 100

// searchable checks that the actor may search and that q is a query, and bounds the limit.
func (r *Registry) searchable(ctx context.Context, a waymark.Actor, q *waymark.Child, limit int) (int, error) {
	if err := r.check(ctx, a, waymark.SearchRegistry, waymark.Scope{OrgID: a.OrgID}, "registry", ""); err != nil {
		return 0, err
	}
	if r.SearchRate != nil {
		if ok, retry := r.SearchRate.Allow(a.UserID + "/" + a.TokenID); !ok {
			e := searched(a)
			e.Outcome, e.Reason = audit.Denied, "search rate exceeded"
			if err := r.store.Audit(ctx, e); err != nil {
				return 0, err
			}
			return 0, waymark.Errorf(waymark.ETOOMANY, "You have made as many identification searches as an hour allows. Try again in %d minute(s), or ask your administrator.", int(retry.Minutes())+1)
		}
	}
	if err := q.NormalizeQuery(r.store.Now()); err != nil {
		return 0, err
	}
	if limit <= 0 || limit > MaxLimit {
		limit = 10
	}
	return limit, nil
}

func searched(a waymark.Actor) *audit.Entry {
	return entry(a, string(waymark.SearchRegistry), "registry", "", "")
}

// AddEncounter records another contact with a child.
func (r *Registry) AddEncounter(ctx context.Context, a waymark.Actor, childID string, e *waymark.Encounter) error {
	return r.addEncounter(ctx, a, waymark.AddEncounter, childID, e, "", nil)
}

// addEncounter checks act on the child, then records e and audits it (with reason, if any).
func (r *Registry) addEncounter(ctx context.Context, a waymark.Actor, act waymark.Action, childID string, e *waymark.Encounter, reason string, also func(*sqlstore.Tx) error) error {
	sc, err := r.childScope(ctx, a, act, childID)
	if err != nil {
		return err
	}
	if err := e.Normalize(r.store.Now()); err != nil {
		return err
	}
	e.ChildID, e.OrgID, e.RecordedBy = childID, a.OrgID, a.Name
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateEncounter(e); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		en := entry(a, string(act), "child", childID, sc.OrgID)
		en.Reason = reason
		return tx.Audit(en)
	})
}

// Encounter returns one encounter of a child the actor may see; the view is audited.
func (r *Registry) Encounter(ctx context.Context, a waymark.Actor, id string) (*waymark.Encounter, error) {
	e, err := r.store.Encounter(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := r.childScope(ctx, a, waymark.ViewChild, e.ChildID)
	if err != nil {
		return nil, err
	}
	if slices.Contains(sc.Former, a.OrgID) {
		hs, err := r.store.ChildHandovers(ctx, e.ChildID)
		if err != nil {
			return nil, err
		}
		if until, cut := viewsUntil(a, sc, hs); cut && e.OrgID != a.OrgID && e.At.After(until) {
			return nil, r.refuse(ctx, a, waymark.ViewChild, sc, "encounter", id,
				waymark.Errorf(waymark.EFORBIDDEN, "This contact was recorded after your organisation handed the child on."))
		}
	}
	return e, r.store.Audit(ctx, entry(a, "encounter.view", "encounter", id, sc.OrgID))
}

// UpdateEncounter replaces what an encounter records; e.ID names it.
func (r *Registry) UpdateEncounter(ctx context.Context, a waymark.Actor, e *waymark.Encounter) error {
	old, err := r.store.Encounter(ctx, e.ID)
	if err != nil {
		return err
	}
	sc, err := r.childScope(ctx, a, waymark.AddEncounter, old.ChildID)
	if err != nil {
		return err
	}
	if err := e.Normalize(r.store.Now()); err != nil {
		return err
	}
	e.ChildID, e.OrgID, e.RecordedBy = old.ChildID, old.OrgID, old.RecordedBy
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.UpdateEncounter(e); err != nil {
			return err
		}
		return tx.Audit(entry(a, "encounter.edit", "encounter", e.ID, sc.OrgID))
	})
}

// AddPhoto stores a JPEG or PNG for a child: metadata stripped, thumbnail made, both encrypted.
func (r *Registry) AddPhoto(ctx context.Context, a waymark.Actor, childID string, data []byte) (*waymark.Photo, error) {
	sc, err := r.store.ChildScope(ctx, childID)
	if err != nil {
		return nil, err
	}
	if waymark.Can(a, waymark.EditProfile, sc) != nil { // a carer keeping the profile's photo recent
		if err := r.check(ctx, a, waymark.EditChild, sc, "child", childID); err != nil {
			return nil, err
		}
	}
	img, err := photo.Open(data)
	if err != nil {
		return nil, err
	}
	p := &waymark.Photo{ContentType: img.ContentType, Width: img.Width, Height: img.Height}
	described := make(chan struct{}) // the face is described while the photo is written again
	go func() {
		defer close(described)
		p.Face, p.FaceModel = r.faceOf(img.Picture)
	}()
	err = img.Encode()
	<-described
	if err != nil {
		return nil, err
	}
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.AddPhoto(childID, p, img.Data, img.Thumbnail); err != nil {
			return err
		}
		return tx.Audit(entry(a, "photo.create", "photo", p.ID, sc.OrgID))
	})
	if err == nil && p.Face != nil { // the index learns the face now, not at the next change
		var c *waymark.Child
		if c, err = r.store.Child(ctx, childID); err == nil {
			r.index(c)
		}
	}
	return p, err
}

// Photo returns a photo's bytes (or its thumbnail) if the actor may see the child; audited.
func (r *Registry) Photo(ctx context.Context, a waymark.Actor, photoID string, thumb bool) (contentType string, data []byte, err error) {
	if a.Role == "" {
		return "", nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	childID, err := r.store.PhotoChild(ctx, photoID)
	if err != nil {
		return "", nil, err
	}
	sc, err := r.store.ChildScope(ctx, childID)
	if err != nil {
		return "", nil, err
	}
	act := waymark.ViewChild
	if sc.Missing && waymark.Can(a, waymark.ViewPack, sc) == nil {
		act = waymark.ViewPack // the photo in a missing child's pack
	}
	if err := r.check(ctx, a, act, sc, "child", childID); err != nil {
		return "", nil, err
	}
	if err := r.store.Audit(ctx, entry(a, "photo.view", "photo", photoID, sc.OrgID)); err != nil {
		return "", nil, err
	}
	_, contentType, data, err = r.store.PhotoData(ctx, photoID, thumb)
	return contentType, data, err
}

// Caseload lists the children the actor may see, matching f (its OrgID and InTeamOf are set here).
func (r *Registry) Caseload(ctx context.Context, a waymark.Actor, f sqlstore.ChildFilter) ([]sqlstore.ChildSummary, int, error) {
	teamOnly, err := a.CaseloadReach()
	if err != nil {
		return nil, 0, r.check(ctx, a, waymark.ViewChild, waymark.Scope{}, "caseload", "")
	}
	f.OrgID, f.InTeamOf = a.OrgID, ""
	if teamOnly {
		f.InTeamOf = a.UserID
	}
	list, total, err := r.store.Children(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return list, total, r.store.Audit(ctx, entry(a, "caseload.view", "caseload", "", a.OrgID))
}

// OtherTeams lists the children of other organisations whose team the actor is in (an IRO, the
// police officer in the case): their own organisation's caseload does not hold them.
func (r *Registry) OtherTeams(ctx context.Context, a waymark.Actor) ([]sqlstore.ChildSummary, error) {
	if teamOnly, err := a.CaseloadReach(); err != nil || teamOnly || a.UserID == "" {
		return nil, nil // the caseload itself is the team's, or there is none
	}
	list, _, err := r.store.Children(ctx, sqlstore.ChildFilter{InTeamOf: a.UserID, Limit: 50})
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(c sqlstore.ChildSummary) bool { return c.OrgID == a.OrgID })
	if len(list) == 0 {
		return nil, nil
	}
	return list, r.store.Audit(ctx, entry(a, "caseload.view", "caseload", "teams", a.OrgID))
}

// AuditLog lists audit entries by or about the actor's organisation (admins only).
func (r *Registry) AuditLog(ctx context.Context, a waymark.Actor, f sqlstore.AuditFilter) ([]audit.Entry, error) {
	if err := r.check(ctx, a, waymark.ViewAudit, waymark.Scope{OrgID: a.OrgID}, "audit", ""); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	es, err := r.store.AuditEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	return es, r.store.Audit(ctx, entry(a, string(waymark.ViewAudit), "audit", "", a.OrgID)) // who read whose trail is itself a trail
}

// Now is the registry's clock.
func (r *Registry) Now() time.Time { return r.store.Now() }
