package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
)

// Case is what statistics and returns need of one child: no names, no sealed facts.
type Case struct {
	ChildID, Ref, OrgID, Sex, DateOfBirth, Nationality string
	UASC                                               bool      // an unaccompanied asylum-seeking child
	UASCCeased                                         string    // when that status ended, if it has
	LegalStatus, CategoryOfNeed, Ethnicity             string    // the return's codes, "" where not recorded
	Referred                                           time.Time // first referral or first contact
	Placements                                         []*waymark.Placement
	Episodes                                           []*waymark.MissingEpisode
	Screenings                                         []*waymark.Screening
	NRM                                                *waymark.NRMReferral // nil if not referred
	Exploitation                                       []*waymark.ExploitationSeen
	Links                                              []CaseLink
}

// CaseLink is, for statistics, that a child is linked to an entity of a kind: no values.
type CaseLink struct{ ChildID, EntityID, Kind string }

// Cases loads every child's case history, of one organisation or (orgID "") of all, in a handful
// of queries whatever the number of children.
func (s *Store) Cases(ctx context.Context, orgID string) ([]*Case, error) {
	const mine = ` WHERE $1 = '' OR org_id = $1`
	rows, err := s.db.QueryContext(ctx, `SELECT id, ref, org_id, sex, date_of_birth, nationality, facts, sealed FROM children`+mine+` ORDER BY ref`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	cases, err := collect(rows, func(r scanner) (*Case, error) {
		var c Case
		var f string
		var sealed []byte
		if err := r.Scan(&c.ChildID, &c.Ref, &c.OrgID, &c.Sex, &c.DateOfBirth, &c.Nationality, &f, &sealed); err != nil {
			return nil, err
		}
		var plain facts
		if err := json.Unmarshal([]byte(f), &plain); err != nil {
			return nil, fmt.Errorf("child %s facts: %w", c.ChildID, err)
		}
		c.UASC, c.UASCCeased = plain.UASC, plain.UASCCeased
		c.LegalStatus, c.CategoryOfNeed = plain.LegalStatus, plain.CategoryOfNeed
		sf, err := s.openFacts(c.ChildID, sealed)
		if err != nil {
			return nil, err
		}
		c.Ethnicity = sf.Ethnicity
		return &c, nil
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Case, len(cases))
	for _, c := range cases {
		byID[c.ChildID] = c
	}
	rows, err = s.db.QueryContext(ctx, `SELECT child_id, at FROM encounters`+mine+` AND kind IN ('referral', 'first_contact')`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list referrals: %w", err)
	}
	type referral struct {
		child string
		at    time.Time
	}
	refs, err := collect(rows, func(r scanner) (referral, error) {
		var x referral
		return x, r.Scan(&x.child, &x.at)
	})
	if err != nil {
		return nil, err
	}
	for _, x := range refs {
		if c := byID[x.child]; c != nil && (c.Referred.IsZero() || x.at.Before(c.Referred)) {
			c.Referred = x.at.UTC()
		}
	}
	err = attach(ctx, s, `SELECT `+placementColumns+` FROM placements`+mine+` ORDER BY start_at`, orgID, s.scanPlacement, byID,
		func(p *waymark.Placement) string { return p.ChildID }, func(c *Case, p *waymark.Placement) { c.Placements = append(c.Placements, p) })
	if err == nil {
		err = attach(ctx, s, `SELECT `+episodeColumns+` FROM missing_episodes`+mine+` ORDER BY last_seen_at`, orgID, s.scanEpisode, byID,
			func(e *waymark.MissingEpisode) string { return e.ChildID }, func(c *Case, e *waymark.MissingEpisode) { c.Episodes = append(c.Episodes, e) })
	}
	if err == nil {
		err = attach(ctx, s, `SELECT `+screeningColumns+` FROM screenings`+mine+` ORDER BY date`, orgID, s.scanScreening, byID,
			func(sc *waymark.Screening) string { return sc.ChildID }, func(c *Case, sc *waymark.Screening) { c.Screenings = append(c.Screenings, sc) })
	}
	if err == nil {
		err = attach(ctx, s, `SELECT child_id, `+nrmColumns+` FROM nrm_referrals WHERE $1 = '' OR child_id IN (SELECT id FROM children WHERE org_id = $1)`,
			orgID, scanNRM, byID, func(n childNRM) string { return n.childID }, func(c *Case, n childNRM) { c.NRM = n.NRMReferral })
	}
	if err == nil {
		err = attach(ctx, s, `SELECT `+exploitationColumns+` FROM exploitation_seen`+mine+` ORDER BY seen_on`, orgID, s.scanExploitation, byID,
			func(x *waymark.ExploitationSeen) string { return x.ChildID }, func(c *Case, x *waymark.ExploitationSeen) { c.Exploitation = append(c.Exploitation, x) })
	}
	if err == nil {
		err = attach(ctx, s, `SELECT l.child_id, l.entity_id, e.kind FROM links l JOIN entities e ON e.id = l.entity_id
			WHERE $1 = '' OR l.child_id IN (SELECT id FROM children WHERE org_id = $1)`, orgID, func(r scanner) (CaseLink, error) {
			var l CaseLink
			return l, r.Scan(&l.ChildID, &l.EntityID, &l.Kind)
		}, byID, func(l CaseLink) string { return l.ChildID }, func(c *Case, l CaseLink) { c.Links = append(c.Links, l) })
	}
	return cases, err
}

// attach loads the rows of query and hands each to the case of its child.
func attach[T any](ctx context.Context, s *Store, query, orgID string, scan func(scanner) (T, error), byID map[string]*Case,
	child func(T) string, add func(*Case, T)) error {
	rows, err := s.db.QueryContext(ctx, query, orgID)
	if err != nil {
		return fmt.Errorf("load case histories: %w", err)
	}
	list, err := collect(rows, scan)
	if err != nil {
		return fmt.Errorf("load case histories: %w", err)
	}
	for _, x := range list {
		if c := byID[child(x)]; c != nil {
			add(c, x)
		}
	}
	return nil
}
