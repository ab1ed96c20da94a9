package registry

import (
	"context"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
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

// IdentifyMatches runs Identify and dresses each candidate for display. Showing a candidate's
// facts is a view of identifying data and is audited as one.
func (r *Registry) IdentifyMatches(ctx context.Context, a waymark.Actor, q *waymark.Child, limit int) ([]Match, error) {
	found, err := r.Identify(ctx, a, q, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Match, len(found))
	for i, c := range found {
		if out[i], err = r.dress(ctx, a, c, "identification search result"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dress adds to a candidate its owner and, where the actor may see them, the child's facts (a
// view audited for the reason given).
func (r *Registry) dress(ctx context.Context, a waymark.Actor, c identify.Candidate, reason string) (Match, error) {
	m := Match{Candidate: c}
	sc, err := r.Store.ChildScope(ctx, c.ChildID)
	if err != nil {
		return m, err
	}
	if m.Owner, err = r.Store.Org(ctx, sc.OrgID); err != nil {
		return m, err
	}
	if waymark.Can(a, waymark.ViewChild, sc) != nil {
		return m, nil
	}
	if m.Child, err = r.Store.Child(ctx, c.ChildID); err != nil {
		return m, err
	}
	e := entry(a, string(waymark.ViewChild), "child", c.ChildID, sc.OrgID)
	e.Reason = reason
	m.Visible = true
	return m, r.Store.Audit(ctx, e)
}

// Duplicate is a pair of recorded children, one of the actor's organisation, that may be one child.
type Duplicate struct{ Ours, Other Match }

// MaxDuplicates bounds the report: the most likely pairs first.
const MaxDuplicates = 200

// Duplicates reports the organisation's children whom the engine rates more likely than not to be
// another recorded child — recorded twice, by this organisation or another — most likely first.
// Each child shown is a view, audited.
func (r *Registry) Duplicates(ctx context.Context, a waymark.Actor) ([]Duplicate, error) {
	if err := r.check(ctx, a, waymark.ReviewDuplicates, waymark.Scope{OrgID: a.OrgID}, "duplicates", ""); err != nil {
		return nil, err
	}
	found := r.Engine.Duplicates(a.OrgID)
	out := make([]Duplicate, 0, min(len(found), MaxDuplicates))
	for _, d := range found[:min(len(found), MaxDuplicates)] {
		ours, err := r.dress(ctx, a, identify.Candidate{ChildID: d.ChildID}, "duplicates report")
		if err != nil {
			return nil, err
		}
		other, err := r.dress(ctx, a, d.Candidate, "duplicates report")
		if err != nil {
			return nil, err
		}
		out = append(out, Duplicate{ours, other})
	}
	return out, nil
}

// OpenWithReason lets a practitioner of another organisation see a child's record for an hour,
// for the reason they give. The reason is audited, and the owner sees it in their audit log.
func (r *Registry) OpenWithReason(ctx context.Context, a waymark.Actor, childID, reason string) error {
	sc, err := r.childScope(ctx, a, waymark.OpenWithReason, childID)
	if err != nil {
		return err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if len([]rune(reason)) < 10 || len(reason) > 500 {
		return &waymark.Error{Code: waymark.EINVALID, Message: "Say why you need to open this record.",
			Fields: []waymark.FieldError{{Field: "reason", Message: "Give the reason in a sentence (10 to 500 characters), e.g. the incident or police reference"}}}
	}
	return r.Store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Grant(a.UserID, childID, reason, r.Store.Now().Add(GrantFor)); err != nil {
			return err
		}
		e := entry(a, string(waymark.OpenWithReason), "child", childID, sc.OrgID)
		e.Reason = reason
		return tx.Audit(e)
	})
}

// ConfirmMatch records that a person has confirmed the found child, who gave probe, is this
// recorded child: the contact becomes an "identified" encounter on the child's record, whoever
// owns it, and the comparison is kept as a judgement.
func (r *Registry) ConfirmMatch(ctx context.Context, a waymark.Actor, childID string, probe *waymark.Child, e *waymark.Encounter) error {
	e.Kind = "identified"
	return r.addEncounter(ctx, a, waymark.ConfirmMatch, childID, e, "identified as previously recorded", r.judgement(probe, childID, true))
}

// RejectMatch records that a person has judged a candidate not to be the found child.
func (r *Registry) RejectMatch(ctx context.Context, a waymark.Actor, childID string, probe *waymark.Child) error {
	sc, err := r.childScope(ctx, a, waymark.ConfirmMatch, childID)
	if err != nil {
		return err
	}
	j := r.judgement(probe, childID, false)
	return r.Store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := judge(tx, j); err != nil {
			return err
		}
		return tx.Audit(entry(a, "identify.reject", "child", childID, sc.OrgID))
	})
}

// judgement is what is kept of a person's verdict on a candidate: how it compared with what the
// found child gave, level by level, and the probability shown; nil when nothing was given.
func (r *Registry) judgement(probe *waymark.Child, childID string, confirmed bool) *sqlstore.Judgement {
	if probe == nil || probe.NormalizeQuery(r.Store.Now()) != nil {
		return nil
	}
	levels, p, ok := r.Engine.Judged(probe, childID)
	if !ok || len(levels) == 0 {
		return nil
	}
	return &sqlstore.Judgement{Confirmed: confirmed, Probability: p, Levels: levels}
}

func judge(tx *sqlstore.Tx, j *sqlstore.Judgement) error {
	if j == nil {
		return nil
	}
	return tx.Judge(*j)
}

// LearnModel re-learns the engine's m from the matches people have confirmed, and returns how
// many there were and the fields moved. It is run at start-up, before any search.
func (r *Registry) LearnModel(ctx context.Context) (int, []string, error) {
	js, err := r.Store.Judgements(ctx)
	if err != nil {
		return 0, nil, err
	}
	var confirmed [][]string
	for _, j := range js {
		if j.Confirmed {
			confirmed = append(confirmed, j.Levels)
		}
	}
	return len(confirmed), r.Engine.Model.LearnM(confirmed), nil
}

// PossibleDuplicates returns recorded children of any organisation the engine rates at least
// possible for c, for the warning at intake. Nothing is audited: only references and owners show.
func (r *Registry) PossibleDuplicates(ctx context.Context, c *waymark.Child) ([]Match, error) {
	var out []Match
	for _, cand := range r.Engine.Identify(c, 5) {
		if cand.Band == identify.Weak {
			continue
		}
		sc, err := r.Store.ChildScope(ctx, cand.ChildID)
		if err != nil {
			return nil, err
		}
		owner, err := r.Store.Org(ctx, sc.OrgID)
		if err != nil {
			return nil, err
		}
		out = append(out, Match{Candidate: cand, Owner: owner})
	}
	return out, nil
}
