package registry

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// GrantFor is how long a record opened for a stated reason stays open to that user.
const GrantFor = time.Hour

// Match is a candidate as a practitioner sees it: the child's facts only where they may see them
// (their own organisation's children, or one opened for a reason); otherwise the reference, the
// owner and the evidence.
type Match struct {
	identify.Candidate
	Owner   *waymark.Organisation
	Visible bool
	Child   *waymark.Child
}

// Matches is a search as a practitioner sees it: the candidates, and the counts of the recorded
// children left out (identify.Answer).
type Matches struct {
	List          []Match
	Tied, Crowded int
	Apart         []string
	SearchID      string // the search kept for verdicts on its candidates
}

// IdentifyMatches runs Identify and dresses each candidate for display. Showing a candidate's
// facts is a view of identifying data: the views and the search are audited in one transaction.
func (r *Registry) IdentifyMatches(ctx context.Context, a waymark.Actor, q *waymark.Child, limit int) (Matches, error) {
	found, err := r.search(ctx, a, q, limit)
	if err != nil {
		return Matches{}, err
	}
	se := &sqlstore.Search{Actor: actorKey(a), OrgID: a.OrgID}
	for _, c := range found.Candidates {
		sc := sqlstore.SearchCandidate{ChildID: c.ChildID, Probability: c.Probability}
		for _, ev := range c.Evidence {
			sc.Levels = append(sc.Levels, ev.Judged())
		}
		se.Candidates = append(se.Candidates, sc)
	}
	ms, err := r.dress(ctx, a, found.Candidates, "identification search result", searched(a))
	if err == nil {
		err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.RecordSearch(se) })
	}
	return Matches{List: recorded(ms), Tied: found.Tied, Crowded: found.Crowded, Apart: found.Apart, SearchID: se.ID}, err
}

// actorKey names who acts, a user or a token, for what is counted per person.
func actorKey(a waymark.Actor) string {
	if a.UserID != "" {
		return "user:" + a.UserID
	}
	return "token:" + a.TokenID
}

// placed gives each candidate its owner, and returns the scopes access decisions need. A
// candidate no longer recorded (the index may lag a deletion) keeps a nil Owner.
func (r *Registry) placed(ctx context.Context, cands []identify.Candidate) ([]Match, []waymark.Scope, error) {
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.ChildID
	}
	scopes, err := r.store.ChildScopes(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	owners := map[string]*waymark.Organisation{}
	out, scs := make([]Match, len(cands)), make([]waymark.Scope, len(cands))
	for i, c := range cands {
		out[i].Candidate = c
		sc, ok := scopes[c.ChildID]
		if !ok {
			continue
		}
		if owners[sc.OrgID] == nil {
			if owners[sc.OrgID], err = r.store.Org(ctx, sc.OrgID); err != nil {
				return nil, nil, err
			}
		}
		out[i].Owner, scs[i] = owners[sc.OrgID], sc
	}
	return out, scs, nil
}

// dress places each candidate and adds the child's facts where the actor may see them. Those views
// are audited, for the reason given, in one transaction with the entries in also; nothing is
// returned unless they are.
func (r *Registry) dress(ctx context.Context, a waymark.Actor, cands []identify.Candidate, reason string, also ...*audit.Entry) ([]Match, error) {
	return r.dressWith(ctx, a, cands, r.store.ChildrenByID, reason, also...)
}

// dressWith is dress with the children's facts read by load: the whole record, or (for a list
// that shows names alone) less.
func (r *Registry) dressWith(ctx context.Context, a waymark.Actor, cands []identify.Candidate, load func(context.Context, []string) (map[string]*waymark.Child, error),
	reason string, also ...*audit.Entry) ([]Match, error) {
	out, scs, err := r.placed(ctx, cands)
	if err != nil {
		return nil, err
	}
	var shown []string
	for i := range out {
		out[i].Visible = out[i].Owner != nil && waymark.Can(a, waymark.ViewChild, scs[i]) == nil
		if out[i].Visible {
			shown = append(shown, out[i].ChildID)
		} else {
			out[i].Conceal()
		}
	}
	children, err := load(ctx, shown)
	if err != nil {
		return nil, err
	}
	views := also
	for i := range out {
		if !out[i].Visible {
			continue
		}
		if out[i].Child = children[out[i].ChildID]; out[i].Child == nil { // deleted since: no longer recorded
			out[i].Owner, out[i].Visible = nil, false
			continue
		}
		e := entry(a, string(waymark.ViewChild), "child", out[i].ChildID, scs[i].OrgID)
		e.Reason = reason
		views = append(views, e)
	}
	if err := r.store.Audit(ctx, views...); err != nil {
		return nil, err
	}
	return out, nil
}

// recorded drops the candidates no longer recorded.
func recorded(ms []Match) []Match {
	out := ms[:0]
	for _, m := range ms {
		if m.Owner != nil {
			out = append(out, m)
		}
	}
	return out
}

// Duplicate is a pair of recorded children, one of the actor's organisation, that may be one child.
type Duplicate struct{ Ours, Other Match }

// MaxDuplicates bounds the report: the most likely pairs first.
const MaxDuplicates = 200

// DuplicatesWait is how long a request waits for a report being made before showing how far it
// has got: a council's report is ready in seconds, a national force's takes minutes.
var DuplicatesWait = 5 * time.Second

// DuplicatesReport is what the report shows: the pairs of the latest report made for the
// organisation, and, while a newer one is being made, how far it has got.
type DuplicatesReport struct {
	Pairs        []Duplicate
	Made         bool // a report has been made; no pairs then means none found
	Updating     bool
	Searched, Of int
}

// duplicateRuns keeps each organisation's latest report made and the one being made.
type duplicateRuns struct {
	mu             sync.Mutex
	made, underway map[string]*identify.DuplicateSearch
}

// Duplicates reports the organisation's children whom the engine rates more likely than not to be
// another recorded child — recorded twice, by this organisation or another — most likely first.
// The report is made in the background on half the cores, at most one per organisation at a
// time, and made again once children have changed. Each child shown is a view, audited.
func (r *Registry) Duplicates(ctx context.Context, a waymark.Actor) (DuplicatesReport, error) {
	if err := r.check(ctx, a, waymark.ReviewDuplicates, waymark.Scope{OrgID: a.OrgID}, "duplicates", ""); err != nil {
		return DuplicatesReport{}, err
	}
	if run := r.startDuplicates(a.OrgID); run != nil {
		select {
		case <-run.Done():
		case <-time.After(DuplicatesWait):
		case <-ctx.Done():
			return DuplicatesReport{}, ctx.Err()
		}
	}
	made, underway := r.latestDuplicates(a.OrgID)
	var rep DuplicatesReport
	if underway != nil {
		rep.Updating = true
		rep.Searched, rep.Of = underway.Progress()
	}
	if made == nil {
		return rep, nil
	}
	found := made.Found()
	found = found[:min(len(found), MaxDuplicates)]
	pairs := make([]identify.Candidate, 0, 2*len(found))
	for _, d := range found {
		pairs = append(pairs, identify.Candidate{ChildID: d.ChildID}, d.Candidate)
	}
	ms, err := r.dress(ctx, a, pairs, "duplicates report")
	if err != nil {
		return rep, err
	}
	rep.Made = true
	for i := 0; i < len(ms); i += 2 {
		if ms[i].Owner != nil && ms[i+1].Owner != nil {
			rep.Pairs = append(rep.Pairs, Duplicate{ms[i], ms[i+1]})
		}
	}
	return rep, nil
}

// startDuplicates returns the report being made for the organisation, starting one unless the
// latest made is current; nil when it is.
func (r *Registry) startDuplicates(orgID string) *identify.DuplicateSearch {
	r.dups.mu.Lock()
	defer r.dups.mu.Unlock()
	if r.dups.made == nil {
		r.dups.made, r.dups.underway = map[string]*identify.DuplicateSearch{}, map[string]*identify.DuplicateSearch{}
	}
	if run := r.dups.underway[orgID]; run != nil {
		return run
	}
	if made := r.dups.made[orgID]; made != nil && made.Generation == r.Engine.Generation() {
		return nil
	}
	run := r.Engine.StartDuplicates(orgID, runtime.GOMAXPROCS(0)/2)
	r.dups.underway[orgID] = run
	go func() {
		<-run.Done()
		r.dups.mu.Lock()
		defer r.dups.mu.Unlock()
		r.dups.made[orgID] = run
		delete(r.dups.underway, orgID)
	}()
	return run
}

func (r *Registry) latestDuplicates(orgID string) (made, underway *identify.DuplicateSearch) {
	r.dups.mu.Lock()
	defer r.dups.mu.Unlock()
	made, underway = r.dups.made[orgID], r.dups.underway[orgID]
	if underway != nil && underway.Finished() { // not yet moved to made
		made, underway = underway, nil
	}
	return made, underway
}

// OpenWithReason lets a practitioner of another organisation see a child's record for an hour,
// for the reason they give. The reason is audited, and the owner sees it in their audit log.
func (r *Registry) OpenWithReason(ctx context.Context, a waymark.Actor, childID string, why waymark.OpenReason) error {
	sc, err := r.childScope(ctx, a, waymark.OpenWithReason, childID)
	if err != nil {
		return err
	}
	if err := why.Normalize(); err != nil {
		return err
	}
	now := r.store.Now()
	share, err := r.shareWith(ctx, a, sc.OrgID, childID, "opened", why.String(), basisFor(a))
	if err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Grant(a.UserID, childID, why.String(), now.Add(GrantFor)); err != nil {
			return err
		}
		e := entry(a, string(waymark.OpenWithReason), "child", childID, sc.OrgID)
		e.Reason = why.String() + share.under()
		if err := tx.Audit(e); err != nil {
			return err
		}
		if err := tx.Disclose(share.disclosure); err != nil {
			return err
		}
		return r.alertManyOpened(tx, a, childID, sc.OrgID, now)
	})
}

// alertManyOpened tells the owner's admins and managers, once a day, when one person of another
// organisation has opened more than a few of its records: a harvest looks like that.
func (r *Registry) alertManyOpened(tx *sqlstore.Tx, a waymark.Actor, childID, orgID string, now time.Time) error {
	day := now.Truncate(24 * time.Hour)
	n, err := tx.GrantsSince(a.UserID, orgID, day)
	if err != nil || n <= waymark.OpenedAlertAfter {
		return err
	}
	_, err = tx.RaiseAlerts([]*waymark.Alert{{Kind: waymark.AlertRecordsOpened, Subject: a.UserID + "/" + orgID + "/" + day.Format(time.DateOnly),
		ChildID: childID, OrgID: orgID, DueAt: now}})
	return err
}

// ConfirmMatch records that a person has confirmed that the found child of their search is this
// recorded child, one of its candidates: the contact becomes an "identified" encounter on the
// child's record, whoever owns it, and how the candidate compared is kept as a judgement. Only a
// record the person has seen can be confirmed (another organisation's once opened with a reason),
// and a weak candidate only when they say they are sure.
func (r *Registry) ConfirmMatch(ctx context.Context, a waymark.Actor, searchID, childID string, e *waymark.Encounter, sure bool) error {
	j, err := r.judgement(ctx, a, searchID, childID, true)
	if err != nil {
		return err
	}
	sc, err := r.childScope(ctx, a, waymark.ConfirmMatch, childID)
	if err != nil {
		return err
	}
	if waymark.Can(a, waymark.ViewChild, sc) != nil {
		return r.refuse(ctx, a, waymark.ConfirmMatch, sc, "child", childID, waymark.Errorf(waymark.EFORBIDDEN,
			"Open this record first (say what for) and compare its photo and details with the child: a child is confirmed from their record, not from a reference."))
	}
	if j.Probability < identify.PossibleAt && !sure {
		return &waymark.Error{Code: waymark.EINVALID, Message: "This candidate is a weak match.", Fields: []waymark.FieldError{{Field: "sure-" + childID,
			Message: "This is a weak match: under " + strconv.Itoa(int(identify.PossibleAt*100)) + "% likely. Compare the photo and the record, then tick that you are sure"}}}
	}
	e.Kind = "identified"
	return r.addEncounter(ctx, a, waymark.ConfirmMatch, childID, e, "identified as previously recorded", func(tx *sqlstore.Tx) error { return tx.Judge(*j) })
}

// RejectMatch records that a person has judged a candidate of their search not to be the found child.
func (r *Registry) RejectMatch(ctx context.Context, a waymark.Actor, searchID, childID string) error {
	sc, err := r.childScope(ctx, a, waymark.ConfirmMatch, childID)
	if err != nil {
		return err
	}
	j, err := r.judgement(ctx, a, searchID, childID, false)
	if err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Judge(*j); err != nil {
			return err
		}
		return tx.Audit(entry(a, "identify.reject", "child", childID, sc.OrgID))
	})
}

var errNoSearch = waymark.Errorf(waymark.EINVALID, "That search is no longer open, or was not yours: search again, then decide on its candidates.")

// judgement is a verdict on a candidate of a search the actor made within the last day, with the
// levels and probability the server gave it then: what a form says of them is never taken.
func (r *Registry) judgement(ctx context.Context, a waymark.Actor, searchID, childID string, confirmed bool) (*sqlstore.Judgement, error) {
	se, err := r.store.Search(ctx, searchID)
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || (err == nil && se.Actor != actorKey(a)) {
		return nil, errNoSearch
	} else if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(se.Candidates, func(c sqlstore.SearchCandidate) bool { return c.ChildID == childID })
	if i < 0 {
		return nil, errNoSearch
	}
	c := se.Candidates[i]
	return &sqlstore.Judgement{Confirmed: confirmed, Probability: c.Probability, Levels: c.Levels, Actor: se.Actor,
		OrgID: se.OrgID, SearchID: se.ID, ChildID: childID}, nil
}

// Caps on what one person, and one organisation, contribute to re-learning: the most recent
// confirmations of each count, and no more.
const (
	LearnPerActor = 25
	LearnPerOrg   = 250
)

// Learnt says what re-learning from confirmed matches did.
type Learnt struct {
	Judgements, Confirmed, Counted int // kept, of which confirmed, of which counted within the caps
	Moved, Refused                 []string
	Changes                        []identify.Change
}

// LearnModel re-learns the engine's m from the matches people have confirmed, within the caps
// per person and per organisation, and says what it did. It is run at start-up, before any search.
func (r *Registry) LearnModel(ctx context.Context) (Learnt, error) {
	js, err := r.store.Judgements(ctx) // newest first
	if err != nil {
		return Learnt{}, err
	}
	l := Learnt{Judgements: len(js)}
	perActor, perOrg := map[string]int{}, map[string]int{}
	var confirmed [][]string
	for _, j := range js {
		if !j.Confirmed {
			continue
		}
		l.Confirmed++
		if perActor[j.Actor] >= LearnPerActor || perOrg[j.OrgID] >= LearnPerOrg {
			continue
		}
		perActor[j.Actor]++
		perOrg[j.OrgID]++
		confirmed = append(confirmed, j.Levels)
	}
	l.Counted = len(confirmed)
	l.Moved, l.Refused, l.Changes = r.Engine.Model.LearnM(confirmed)
	return l, nil
}

// PossibleDuplicates returns recorded children of any organisation the engine rates at least
// possible for c, for the warning at intake: only to those who may record a child and search the
// registry, and audited as a search (only references and owners show).
func (r *Registry) PossibleDuplicates(ctx context.Context, a waymark.Actor, c *waymark.Child) ([]Match, error) {
	if err := r.Check(ctx, a, waymark.CreateChild, waymark.Scope{OrgID: a.OrgID}); err != nil {
		return nil, err
	}
	if err := r.check(ctx, a, waymark.SearchRegistry, waymark.Scope{OrgID: a.OrgID}, "registry", ""); err != nil {
		return nil, err // not counted against the search rate: a boat's arrival may bring fifty children
	}
	var cands []identify.Candidate
	for _, cand := range r.Engine.Identify(c, 5) {
		if cand.Band != identify.Weak {
			cands = append(cands, cand)
		}
	}
	ms, _, err := r.placed(ctx, cands)
	if err != nil {
		return nil, err
	}
	e := searched(a)
	e.Reason = "intake: may this child already be recorded?"
	return recorded(ms), r.store.Audit(ctx, e)
}
