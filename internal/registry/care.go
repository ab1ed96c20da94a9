package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/fingerprint"
	"github.com/waymark-org/waymark/internal/screening"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Care is the journey part of a child's record.
type Care struct {
	Placements   []*waymark.Placement
	Screenings   []*waymark.Screening
	Episodes     []*waymark.MissingEpisode
	Exploitation []*waymark.ExploitationSeen // seen other than in a screening
	Links        []*waymark.Link             // to adults, phones, addresses, vehicles, handles, premises
	Bureau       []*waymark.BureauSearch     // fingerprint searches against IDENT1 and IABS
	Alerts       []*waymark.Alert
}

// Current returns the placement open now, if any.
func (c *Care) Current(now time.Time) *waymark.Placement {
	for _, p := range slices.Backward(c.Placements) {
		if p.Current(now) {
			return p
		}
	}
	return nil
}

// Concern reports whether the latest screening found indicators of trafficking.
func (c *Care) Concern() bool {
	return len(c.Screenings) > 0 && c.Screenings[len(c.Screenings)-1].Concern()
}

// Open returns the episode in which the child is missing now, if any.
func (c *Care) Open() *waymark.MissingEpisode {
	for _, e := range c.Episodes {
		if e.Open() {
			return e
		}
	}
	return nil
}

func (r *Registry) care(ctx context.Context, childID string) (*Care, error) {
	c := &Care{}
	var err error
	if c.Placements, err = r.store.Placements(ctx, childID); err != nil {
		return nil, err
	}
	if c.Screenings, err = r.store.Screenings(ctx, childID); err != nil {
		return nil, err
	}
	if c.Episodes, err = r.store.Episodes(ctx, childID); err != nil {
		return nil, err
	}
	if c.Exploitation, err = r.store.Exploitation(ctx, childID); err != nil {
		return nil, err
	}
	if c.Links, err = r.store.ChildLinks(ctx, childID); err != nil {
		return nil, err
	}
	if c.Bureau, err = r.store.BureauSearches(ctx, childID); err != nil {
		return nil, err
	}
	c.Alerts, err = r.store.ChildAlerts(ctx, childID)
	return c, err
}

// changed tells the alert scheduler that a deadline may have moved.
func (r *Registry) changed() {
	if r.OnCare != nil {
		r.OnCare()
	}
}

// reindex puts a child whose missing episode opened or moved on back into the identification
// index at once, as being missing now weighs in a search. Should the read fail, following the
// change feed puts it there a moment later: the write itself has succeeded.
func (r *Registry) reindex(ctx context.Context, childID string) {
	if c, err := r.store.Child(ctx, childID); err == nil {
		r.index(c)
	}
}

// recordCare checks act on the child, then runs write (given the child's
// scope) and audits it as action on record.
func (r *Registry) recordCare(ctx context.Context, a waymark.Actor, act waymark.Action, childID, action, recType string,
	write func(tx *sqlstore.Tx, sc waymark.Scope) (string, error)) error {
	sc, err := r.childScope(ctx, a, act, childID)
	if err != nil {
		return err
	}
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		id, err := write(tx, sc)
		if err != nil {
			return err
		}
		return tx.Audit(entry(a, action, recType, id, sc.OrgID))
	})
	if err == nil {
		r.changed()
	}
	return err
}

// AddPlacement records a new placement; the one open before it ends where it starts, with
// reasonForChange.
func (r *Registry) AddPlacement(ctx context.Context, a waymark.Actor, p *waymark.Placement, reasonForChange string) error {
	if err := p.Normalize(r.store.Now()); err != nil {
		return err
	}
	return r.recordCare(ctx, a, waymark.RecordCare, p.ChildID, "placement.create", "placement", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		before, err := r.store.Placements(ctx, p.ChildID)
		if err != nil {
			return "", err
		}
		reasonForChange = strings.TrimSpace(reasonForChange)
		for _, old := range before {
			if old.End.IsZero() && old.Start.Before(p.Start) {
				if reasonForChange == "" { // never end a placement as a side effect, unsaid
					return "", &waymark.Error{Code: waymark.EINVALID, Message: "The placement was not saved.",
						Fields: []waymark.FieldError{{Field: "reason_for_change", Message: "The child's current placement (" +
							strings.TrimSuffix(waymark.Label(old.Type)+", "+old.Provider, ", ") + ", since " + old.Start.Format("2 Jan 2006") +
							") ends with this one: say why"}}}
				}
				if err := tx.EndPlacement(old.ID, p.Start, reasonForChange); err != nil {
					return "", err
				}
			}
		}
		p.OrgID, p.RecordedBy = sc.OrgID, a.Name
		return p.ID, tx.CreatePlacement(p)
	})
}

// EndPlacement closes a placement.
func (r *Registry) EndPlacement(ctx context.Context, a waymark.Actor, id string, end time.Time, reason string) error {
	p, err := r.store.Placement(ctx, id)
	if err != nil {
		return err
	}
	var bad []waymark.FieldError
	switch {
	case !p.End.IsZero():
		bad = append(bad, waymark.FieldError{Field: "end", Message: "This placement has already ended"})
	case end.IsZero() || end.Before(p.Start):
		bad = append(bad, waymark.FieldError{Field: "end", Message: "Enter an end on or after the start, " + p.Start.Format("2 Jan 2006")})
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		bad = append(bad, waymark.FieldError{Field: "end_reason", Message: "Say why the placement ended"})
	}
	if len(bad) > 0 {
		return &waymark.Error{Code: waymark.EINVALID, Message: "Please correct the fields named below.", Fields: bad}
	}
	return r.recordCare(ctx, a, waymark.RecordCare, p.ChildID, "placement.end", "placement", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		return id, tx.EndPlacement(id, end, reason)
	})
}

// AddScreening records a screening for trafficking indicators.
func (r *Registry) AddScreening(ctx context.Context, a waymark.Actor, s *waymark.Screening) error {
	if err := s.Normalize(r.store.Now()); err != nil {
		return err
	}
	return r.recordCare(ctx, a, waymark.ScreenChild, s.ChildID, "screening.create", "screening", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		cat, err := r.catalogue(ctx, sc.OrgID)
		if err != nil {
			return "", err
		}
		for _, code := range s.Indicators {
			if !cat.Has(code) {
				return "", waymark.Invalid("indicators", "Unknown indicator "+strconv.Quote(code)+" in the catalogue "+cat.Version)
			}
		}
		s.OrgID, s.RecordedBy, s.Catalogue = sc.OrgID, a.Name, cat.Version
		if s.Concern() {
			if err := r.openStrategy(tx, s.ChildID, sc.OrgID, waymark.StrategyConcern); err != nil {
				return "", err
			}
		}
		err = tx.CreateScreening(s)
		return s.ID, err // the id is the screening's once it is made
	})
}

// Catalogue is the indicator catalogue a child's screening uses: the shipped one, with the
// organisation's own indicators.
func (r *Registry) Catalogue(ctx context.Context, a waymark.Actor, childID string) (*screening.Catalogue, error) {
	sc, err := r.childScope(ctx, a, waymark.ScreenChild, childID)
	if err != nil {
		return nil, err
	}
	return r.catalogue(ctx, sc.OrgID)
}

func (r *Registry) catalogue(ctx context.Context, orgID string) (*screening.Catalogue, error) {
	local, err := r.store.LocalIndicators(ctx, orgID)
	if err != nil {
		return nil, err
	}
	org, err := r.store.Org(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return screening.Shipped.With(local, org.Name+"'s own indicators"), nil
}

// AddLocalIndicator adds one of the organisation's own indicators to its screenings; its admin's
// (or the operator's) to do; audited.
func (r *Registry) AddLocalIndicator(ctx context.Context, a waymark.Actor, orgID string, in screening.Indicator) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "organisation", orgID); err != nil {
		return err
	}
	if err := screening.CheckLocal(in); err != nil {
		return waymark.Invalid("code", err.Error())
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.AddLocalIndicator(orgID, in); err != nil {
			return err
		}
		e := entry(a, "screening.indicator_add", "organisation", orgID, orgID)
		e.Reason = in.Code
		return tx.Audit(e)
	})
}

// AddBureauSearch records a search of a child's fingerprints against a bureau and its outcome.
func (r *Registry) AddBureauSearch(ctx context.Context, a waymark.Actor, b *waymark.BureauSearch) error {
	if err := b.Normalize(r.store.Now()); err != nil {
		return err
	}
	return r.recordCare(ctx, a, waymark.RecordBureau, b.ChildID, "bureau.create", "bureau_search", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		b.OrgID, b.RecordedBy = a.OrgID, a.Name
		err := tx.AddBureauSearch(b)
		return b.ID, err
	})
}

// AddExploitation records a type of exploitation seen for a child, when and on what evidence, by a
// first responder or the child's council.
func (r *Registry) AddExploitation(ctx context.Context, a waymark.Actor, x *waymark.ExploitationSeen) error {
	if err := x.Normalize(r.store.Now()); err != nil {
		return err
	}
	return r.recordCare(ctx, a, waymark.ScreenChild, x.ChildID, "exploitation.create", "exploitation", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		x.OrgID, x.RecordedBy = sc.OrgID, a.Name
		err := tx.AddExploitation(x)
		return x.ID, err
	})
}

// SuggestedRiskFactors lists the factors that raise the risk of a child going missing now.
func (r *Registry) SuggestedRiskFactors(ctx context.Context, a waymark.Actor, childID string) ([]string, error) {
	if _, err := r.childScope(ctx, a, waymark.ReportMissing, childID); err != nil {
		return nil, err
	}
	c, err := r.store.Child(ctx, childID)
	if err != nil {
		return nil, err
	}
	care, err := r.care(ctx, childID)
	if err != nil {
		return nil, err
	}
	now := r.store.Now()
	var f []string
	if care.Concern() {
		f = append(f, "trafficking_concern")
	}
	if age := c.Age(now); age >= 0 && (age < 13 || age >= 17) {
		f = append(f, "age")
	}
	if !c.Identifiable() { // neither a document nor fingerprints: nothing but what the child says
		f = append(f, "no_identification_record")
	}
	if len(care.Episodes) > 0 {
		f = append(f, "previous_episodes")
	}
	if len(care.Placements) > 0 && now.Sub(care.Placements[0].Start) < 7*24*time.Hour || now.Sub(c.CreatedAt) < 7*24*time.Hour {
		f = append(f, "first_days_in_care")
	}
	return f, nil
}

// ReportMissing opens a missing episode; the police force covering the current placement is told.
func (r *Registry) ReportMissing(ctx context.Context, a waymark.Actor, e *waymark.MissingEpisode) error {
	now := r.store.Now()
	if err := e.Normalize(now); err != nil {
		return err
	}
	defer r.reindex(ctx, e.ChildID)
	return r.recordCare(ctx, a, waymark.ReportMissing, e.ChildID, "missing.report", "missing_episode", func(tx *sqlstore.Tx, sc waymark.Scope) (string, error) {
		care, err := r.care(ctx, e.ChildID)
		if err != nil {
			return "", err
		}
		if care.Open() != nil {
			return "", waymark.Errorf(waymark.ECONFLICT, "This child is already reported missing; update that episode instead.")
		}
		if len(care.Episodes) > 0 {
			if err := r.openStrategy(tx, e.ChildID, sc.OrgID, waymark.StrategyMissingAgain); err != nil {
				return "", err
			}
		}
		if p := care.Current(e.LastSeenAt); p != nil {
			e.PlacementType = p.Type
			if e.PoliceOrgID == "" {
				e.PoliceOrgID = p.PoliceOrgID
			}
		}
		e.OrgID, e.RecordedBy, e.ReportedAt = sc.OrgID, a.Name, now
		e.History = []waymark.StatusChange{{Status: e.Kind, At: now, By: a.Name}}
		return e.ID, tx.CreateEpisode(e)
	})
}

// EpisodeRecord is an episode with the child it belongs to and the gradings of its risk.
type EpisodeRecord struct {
	Episode *waymark.MissingEpisode
	Child   *waymark.Child
	Owner   *waymark.Organisation
	Reviews []waymark.RiskReview
}

// NextReview is when the risk is next to be reviewed, and whether as a monthly review; zero when
// the child is no longer missing.
func (rec *EpisodeRecord) NextReview() (time.Time, bool) {
	if !rec.Episode.Open() || len(rec.Reviews) == 0 {
		return time.Time{}, false
	}
	return rec.Episode.NextReview(rec.Reviews[len(rec.Reviews)-1])
}

// Episode returns a missing episode, for those who may see the pack; the view is audited.
func (r *Registry) Episode(ctx context.Context, a waymark.Actor, id string) (*EpisodeRecord, error) {
	e, err := r.store.Episode(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := r.episodeScope(ctx, a, waymark.ViewPack, e)
	if err != nil {
		return nil, err
	}
	rec := &EpisodeRecord{Episode: e}
	if rec.Child, err = r.store.Child(ctx, e.ChildID); err != nil {
		return nil, err
	}
	reviews, err := r.store.Reviews(ctx, id)
	if err != nil {
		return nil, err
	}
	rec.Reviews = reviews[id]
	if rec.Owner, err = r.store.Org(ctx, sc.OrgID); err != nil {
		return nil, err
	}
	return rec, r.store.Audit(ctx, entry(a, "missing.view", "missing_episode", id, sc.OrgID))
}

// UpdateEpisode applies change to an episode, records the step in its history and returns the
// episode as it now stands. act is the permission the change needs (UpdateMissing for police
// details and finds, RecordCare for returns and interviews).
func (r *Registry) UpdateEpisode(ctx context.Context, a waymark.Actor, id string, act waymark.Action, status string,
	change func(e *waymark.MissingEpisode, now time.Time) error) (*waymark.MissingEpisode, error) {
	return r.updateEpisode(ctx, a, id, act, status, change, nil)
}

// updateEpisode is UpdateEpisode, with more to write in the same transaction (also, if not nil).
func (r *Registry) updateEpisode(ctx context.Context, a waymark.Actor, id string, act waymark.Action, status string,
	change func(e *waymark.MissingEpisode, now time.Time) error, also func(tx *sqlstore.Tx, e *waymark.MissingEpisode, now time.Time) error) (*waymark.MissingEpisode, error) {
	e, err := r.store.Episode(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := r.episodeScope(ctx, a, act, e)
	if err != nil {
		return nil, err
	}
	now := r.store.Now()
	if err := change(e, now); err != nil {
		return nil, err
	}
	e.History = append(e.History, waymark.StatusChange{Status: status, At: now, By: a.Name})
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.UpdateEpisode(e); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, e, now); err != nil {
				return err
			}
		}
		return tx.Audit(entry(a, "missing."+status, "missing_episode", id, sc.OrgID))
	})
	if err != nil {
		return nil, err
	}
	r.changed()
	r.reindex(ctx, e.ChildID)
	return e, nil
}

// SetPoliceRef records the police's reference for a missing episode.
func (r *Registry) SetPoliceRef(ctx context.Context, a waymark.Actor, id, ref string) (*waymark.MissingEpisode, error) {
	return r.UpdateEpisode(ctx, a, id, waymark.UpdateMissing, "police", func(e *waymark.MissingEpisode, now time.Time) error {
		e.PoliceRef = ref
		return e.Normalize(now)
	})
}

// RecordFound records that a missing child was found; the council and the police are told.
func (r *Registry) RecordFound(ctx context.Context, a waymark.Actor, id string, f waymark.Found) (*waymark.MissingEpisode, error) {
	return r.updateEpisode(ctx, a, id, waymark.UpdateMissing, "found", func(e *waymark.MissingEpisode, now time.Time) error {
		return e.RecordFound(f, now)
	}, tellOf(waymark.AlertFound))
}

// RecordReturned records that a missing child is back where they live; the council and the police are told.
func (r *Registry) RecordReturned(ctx context.Context, a waymark.Actor, id string, at time.Time) (*waymark.MissingEpisode, error) {
	return r.updateEpisode(ctx, a, id, waymark.ReportMissing, "returned", func(e *waymark.MissingEpisode, now time.Time) error {
		return e.RecordReturned(at, now)
	}, tellOf(waymark.AlertReturned))
}

// RecordInterview records the return interview: offered, then held or declined.
func (r *Registry) RecordInterview(ctx context.Context, a waymark.Actor, id string, iv waymark.Interview) (*waymark.MissingEpisode, error) {
	return r.UpdateEpisode(ctx, a, id, waymark.RecordCare, "interviewed", func(e *waymark.MissingEpisode, now time.Time) error {
		return e.RecordInterview(iv, now)
	})
}

// RecordPrevention records the police prevention interview (safe and well check).
func (r *Registry) RecordPrevention(ctx context.Context, a waymark.Actor, id string, at time.Time, by, note string) (*waymark.MissingEpisode, error) {
	return r.UpdateEpisode(ctx, a, id, waymark.UpdateMissing, "prevention", func(e *waymark.MissingEpisode, now time.Time) error {
		return e.RecordPrevention(at, by, note, now)
	})
}

// tellOf raises an alert of kind on the episode, at once: a step the team and the police hear of
// (and other systems, by webhook) as it happens.
func tellOf(kind string) func(tx *sqlstore.Tx, e *waymark.MissingEpisode, now time.Time) error {
	return func(tx *sqlstore.Tx, e *waymark.MissingEpisode, now time.Time) error {
		_, err := tx.RaiseAlerts([]*waymark.Alert{{Kind: kind, Subject: e.ID, ChildID: e.ChildID, OrgID: e.OrgID, PoliceOrgID: e.PoliceOrgID, DueAt: now}})
		return err
	}
}

// episodeScope checks that the actor may do act on the episode's child. The force the episode was
// reported to works it, and sees it, after the find too: the prevention interview is theirs.
func (r *Registry) episodeScope(ctx context.Context, a waymark.Actor, act waymark.Action, e *waymark.MissingEpisode) (waymark.Scope, error) {
	if a.Role == "" {
		return waymark.Scope{}, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	sc, err := r.store.ChildScope(ctx, e.ChildID)
	if err != nil {
		return sc, err
	}
	if e.PoliceOrgID != "" && e.PoliceOrgID == a.OrgID && (act == waymark.UpdateMissing || act == waymark.ViewPack) {
		sc.Missing = true
	}
	return sc, r.check(ctx, a, act, sc, "child", e.ChildID)
}

// ReviewRisk records a review of a missing child's risk, graded again and why, by the actor; the
// next review falls due from it.
func (r *Registry) ReviewRisk(ctx context.Context, a waymark.Actor, id string, rv *waymark.RiskReview) (*waymark.MissingEpisode, error) {
	return r.updateEpisode(ctx, a, id, waymark.UpdateMissing, "risk_reviewed", func(e *waymark.MissingEpisode, now time.Time) error {
		rv.At, rv.By = now, a.Name
		return e.ReviewRisk(rv)
	}, func(tx *sqlstore.Tx, e *waymark.MissingEpisode, _ time.Time) error { return tx.AddReview(e, rv) })
}

// ChangeEpisodeKind ends an episode because the child went from missing to absent or back, and
// opens the episode that carries on, which it returns: the return counts each kind apart.
func (r *Registry) ChangeEpisodeKind(ctx context.Context, a waymark.Actor, id, kind string, at time.Time, note string) (*waymark.MissingEpisode, error) {
	var next *waymark.MissingEpisode
	_, err := r.updateEpisode(ctx, a, id, waymark.ReportMissing, waymark.KindChanged, func(e *waymark.MissingEpisode, now time.Time) (err error) {
		next, err = e.ChangeKind(kind, at, note, now)
		return err
	}, func(tx *sqlstore.Tx, e *waymark.MissingEpisode, now time.Time) error {
		next.RecordedBy = a.Name
		next.History = []waymark.StatusChange{{Status: next.Kind, At: now, By: a.Name, Note: "was " + e.Kind}}
		if err := tx.CreateEpisode(next); err != nil {
			return err
		}
		e.FollowedBy = next.ID
		return tx.UpdateEpisode(e)
	})
	return next, err
}

// MissingRow is one line of the "missing now" board.
type MissingRow struct {
	Episode    *waymark.MissingEpisode
	Child      *waymark.Child
	Owner      string
	NextReview time.Time // when the risk is next to be reviewed
}

// MissingNow lists the children missing or absent now, the latest reported first: a council's own
// children, or for the police every child missing anywhere (they may open the pack of each). Audited.
func (r *Registry) MissingNow(ctx context.Context, a waymark.Actor) ([]MissingRow, error) {
	orgID := a.OrgID
	switch {
	case waymark.Can(a, waymark.ViewPack, waymark.Scope{Missing: true}) == nil:
		orgID = ""
	case waymark.Can(a, waymark.ViewPack, waymark.Scope{OrgID: a.OrgID}) != nil:
		return nil, r.check(ctx, a, waymark.ViewPack, waymark.Scope{OrgID: a.OrgID}, "board", "missing")
	}
	open, err := r.store.OpenEpisodes(ctx, orgID)
	if err != nil {
		return nil, err
	}
	reviews, err := r.store.OpenReviews(ctx)
	if err != nil {
		return nil, err
	}
	var rows []MissingRow
	owners := map[string]string{}
	for _, e := range slices.Backward(open) {
		c, err := r.store.Child(ctx, e.ChildID)
		if err != nil {
			return nil, err
		}
		if _, ok := owners[e.OrgID]; !ok {
			org, err := r.store.Org(ctx, e.OrgID)
			if err != nil {
				return nil, err
			}
			owners[e.OrgID] = org.Name
		}
		row := MissingRow{Episode: e, Child: c, Owner: owners[e.OrgID]}
		if rs := reviews[e.ID]; len(rs) > 0 {
			row.NextReview, _ = e.NextReview(rs[len(rs)-1])
		}
		rows = append(rows, row)
	}
	return rows, r.store.Audit(ctx, entry(a, "missing.board", "board", "missing", orgID))
}

// Alerts lists the first limit open alerts the actor is told of, and how many there are.
func (r *Registry) Alerts(ctx context.Context, a waymark.Actor, limit int) ([]*waymark.Alert, int, error) {
	if a.Role == "" {
		return nil, 0, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	list, total, err := r.store.AlertsFor(ctx, a, limit)
	// A missing child's escalations are one line: the latest stage (the list is newest first).
	seen := map[string]bool{}
	kept := slices.DeleteFunc(list, func(al *waymark.Alert) bool {
		if !al.Police() {
			return false
		}
		dup := seen[al.Subject]
		seen[al.Subject] = true
		return dup
	})
	return kept, total - (len(list) - len(kept)), err
}

// AlertsShown is how many alerts the alerts page lists at most.
const AlertsShown = 500

// ClearAlert marks one of the actor's alerts done for the actor's organisation.
func (r *Registry) ClearAlert(ctx context.Context, a waymark.Actor, id string) error {
	al, err := r.myAlert(ctx, a, id)
	if err != nil {
		return err
	}
	if !al.Dismissable() {
		return waymark.Errorf(waymark.ECONFLICT, "A missing child's alert stays until the child is found or comes back: acknowledge it, and record what you have done on the episode.")
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.DismissAlert(id, a.OrgID, a.Name); err != nil {
			return err
		}
		return tx.Audit(entry(a, "alert.clear", "alert", id, al.OrgID))
	})
}

// AcknowledgeAlert records that the actor has seen one of their alerts and what they have done;
// the alert stays until what raised it is resolved.
func (r *Registry) AcknowledgeAlert(ctx context.Context, a waymark.Actor, id, note string) error {
	al, err := r.myAlert(ctx, a, id)
	if err != nil {
		return err
	}
	if note = strings.TrimSpace(note); len(note) > 2000 {
		return waymark.Invalid("note", "Keep the note under 2,000 characters")
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.AcknowledgeAlert(id, a.OrgID, a.Name, note); err != nil {
			return err
		}
		return tx.Audit(entry(a, "alert.acknowledge", "alert", id, al.OrgID))
	})
}

// myAlert is one of the actor's open alerts.
func (r *Registry) myAlert(ctx context.Context, a waymark.Actor, id string) (*waymark.Alert, error) {
	mine, _, err := r.Alerts(ctx, a, AlertsShown)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(mine, func(x *waymark.Alert) bool { return x.ID == id })
	if i < 0 {
		return nil, waymark.Errorf(waymark.ENOTFOUND, "No open alert of yours was found.")
	}
	return mine[i], nil
}

// Unsuitable is a line of the unsuitable placements board: the placement and whose it is.
type Unsuitable struct {
	sqlstore.Unsuitable
	Name, Ref string
}

// UnsuitablePlacements lists the open placements of the actor's organisation that break a rule for
// their child (waymark.Rules), with the rules.
func (r *Registry) UnsuitablePlacements(ctx context.Context, a waymark.Actor) ([]Unsuitable, error) {
	if err := r.check(ctx, a, waymark.RecordCare, waymark.Scope{OrgID: a.OrgID}, "board", "placements"); err != nil {
		return nil, err
	}
	ps, err := r.store.UnsuitablePlacements(ctx, a.OrgID, r.store.Now())
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ChildID
	}
	names, err := r.store.ChildNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	refs, err := r.store.ChildRefs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Unsuitable, len(ps))
	for i, p := range ps {
		out[i] = Unsuitable{p, names[p.ChildID], refs[p.ChildID]}
	}
	return out, r.store.Audit(ctx, entry(a, "placements.board", "board", "unsuitable_placements", a.OrgID)) // addresses
}

// Pack is what the police need the moment a child is reported missing (the Philomena Protocol's
// part one, prepared in advance, and part two, the episode).
type Pack struct {
	Episode    *waymark.MissingEpisode
	Child      *waymark.Child
	Owner      *waymark.Organisation
	Care       *Care
	Encounters []*waymark.Encounter
	Profile    *waymark.Profile // the Philomena profile written before, if any
	Previous   int              // earlier missing episodes
}

// Pack returns the missing-person pack of an episode. The owner's practitioners may open it, and
// the police that of any child missing now; every opening is audited.
func (r *Registry) Pack(ctx context.Context, a waymark.Actor, episodeID string) (*Pack, error) {
	e, err := r.store.Episode(ctx, episodeID)
	if err != nil {
		return nil, err
	}
	sc, err := r.childScope(ctx, a, waymark.ViewPack, e.ChildID)
	if err != nil {
		return nil, err
	}
	p := &Pack{Episode: e}
	if p.Child, err = r.store.Child(ctx, e.ChildID); err != nil {
		return nil, err
	}
	if p.Owner, err = r.store.Org(ctx, sc.OrgID); err != nil {
		return nil, err
	}
	if p.Care, err = r.care(ctx, e.ChildID); err != nil {
		return nil, err
	}
	if p.Encounters, err = r.store.Encounters(ctx, e.ChildID); err != nil {
		return nil, err
	}
	if p.Profile, err = r.store.Profile(ctx, e.ChildID); err != nil {
		return nil, err
	}
	for _, x := range p.Care.Episodes {
		if x.LastSeenAt.Before(e.LastSeenAt) {
			p.Previous++
		}
	}
	e2 := entry(a, string(waymark.ViewPack), "missing_episode", episodeID, sc.OrgID)
	if a.OrgID == sc.OrgID { // the owner's own people: nothing leaves it
		return p, r.store.Audit(ctx, e2)
	}
	share, err := r.shareWith(ctx, a, sc.OrgID, e.ChildID, "pack", "missing-person pack: the child is missing", basisFor(a))
	if err != nil {
		return nil, err
	}
	e2.Reason = "the pack given" + share.under()
	return p, r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Audit(e2); err != nil {
			return err
		}
		return tx.Disclose(share.disclosure)
	})
}

// Deadline is something coming up for a child.
type Deadline struct {
	ChildID, Ref, Name, What string
	Due                      time.Time
}

// Upcoming lists the deadlines of the next 30 days for the children of the actor's caseload:
// birthdays at 17½ and 18, and return interviews not yet due. It asks the database a fixed
// handful of questions, however many children are due: the caseload's children born in the two
// windows (read from the index alone), and its pending interviews with their children's references.
func (r *Registry) Upcoming(ctx context.Context, a waymark.Actor) ([]Deadline, error) {
	if waymark.Can(a, waymark.RecordCare, waymark.Scope{OrgID: a.OrgID}) != nil {
		return nil, nil
	}
	now := r.store.Now()
	horizon := now.AddDate(0, 0, 30)
	var due []Deadline
	for _, b := range []struct {
		what          string
		years, months int
	}{{"Turns 17½", 17, 6}, {"Turns 18", 18, 0}} {
		born, err := r.store.BornBetween(ctx, a, now.AddDate(-b.years, -b.months, 0).Format(waymark.DateLayout),
			horizon.AddDate(-b.years, -b.months, 0).Format(waymark.DateLayout))
		if err != nil {
			return nil, err
		}
		for _, c := range born {
			if dob, err := time.Parse(waymark.DateLayout, c.DOB); err == nil {
				due = append(due, Deadline{ChildID: c.ChildID, Ref: c.Ref, What: b.what, Due: dob.AddDate(b.years, b.months, 0)})
			}
		}
	}
	pending, err := r.store.PendingInterviews(ctx, a)
	if err != nil {
		return nil, err
	}
	var unnamed []string
	for _, e := range pending {
		due = append(due, Deadline{ChildID: e.ChildID, What: "Return interview due", Due: e.InterviewDue()})
		unnamed = append(unnamed, e.ChildID)
	}
	refs, err := r.store.ChildRefs(ctx, unnamed)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(due, func(d Deadline) bool { return d.Due.Before(now) || d.Due.After(horizon) })
	ids := make([]string, len(out))
	for i, d := range out {
		ids[i] = d.ChildID
	}
	names, err := r.store.ChildNames(ctx, ids) // the caseload's own children, named as on the alerts
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Ref, out[i].Name = cmp.Or(out[i].Ref, refs[out[i].ChildID]), names[out[i].ChildID]
	}
	slices.SortFunc(out, func(x, y Deadline) int { return x.Due.Compare(y.Due) })
	return out, nil
}

// Cases returns the case histories statistics and returns are made from, of one organisation or
// (orgID "") of all, for act: ViewStats (aggregates) or ExportReturn (child-level rows). Audited.
func (r *Registry) Cases(ctx context.Context, a waymark.Actor, act waymark.Action, orgID string) ([]*sqlstore.Case, error) {
	if err := r.check(ctx, a, act, waymark.Scope{OrgID: orgID}, "stats", orgID); err != nil {
		return nil, err
	}
	cases, err := r.store.Cases(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return cases, r.store.Audit(ctx, entry(a, string(act), "stats", orgID, orgID))
}

// AskBureau asks a fingerprint matcher — today a bureau — to search the child's prints named by
// printsRef (with their template, if one is held), and records the search with what the matcher
// says at once: pending, for a bureau, until a person records its answer.
func (r *Registry) AskBureau(ctx context.Context, a waymark.Actor, childID string, m fingerprint.Matcher, printsRef string) (*waymark.BureauSearch, error) {
	if _, err := r.childScope(ctx, a, waymark.RecordBureau, childID); err != nil {
		return nil, err
	}
	if !slices.Contains(waymark.Bureaus, m.Name()) {
		return nil, waymark.Invalid("bureau", "Choose the bureau to ask: "+strings.Join(waymark.Bureaus, " or "))
	}
	c, err := r.store.Child(ctx, childID)
	if err != nil {
		return nil, err
	}
	want := waymark.NormalizeDocumentNumber(printsRef)
	i := slices.IndexFunc(c.Biometrics, func(b waymark.Biometric) bool {
		return b.Kind == "fingerprint" && want != "" && waymark.NormalizeDocumentNumber(b.Reference) == want
	})
	if i < 0 {
		return nil, waymark.Invalid("prints_ref", "No prints of this child have that reference")
	}
	prints := c.Biometrics[i]
	today := r.store.Now().Format(waymark.DateLayout)
	asked, err := r.store.BureauSearches(ctx, childID)
	if err != nil {
		return nil, err
	}
	for _, b := range asked { // the same ask again today (a second tap): the search already recorded
		if b.Bureau == m.Name() && b.PrintsRef == prints.Reference && b.AskedOn == today && b.Outcome == "pending" {
			return b, nil
		}
	}
	ans, err := m.Ask(ctx, prints.Reference, prints.Template)
	if err != nil {
		return nil, fmt.Errorf("ask %s: %w", m.Name(), err)
	}
	s := &waymark.BureauSearch{ChildID: childID, Bureau: m.Name(), PrintsRef: prints.Reference, AskedOn: today, AskedBy: a.Name,
		Outcome: ans.Outcome, IdentifiedAs: ans.IdentifiedAs}
	if ans.Outcome != "pending" {
		s.AnsweredOn = today
	}
	return s, r.AddBureauSearch(ctx, a, s)
}
