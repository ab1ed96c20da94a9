package registry

import (
	"context"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// AddAgreement records an information-sharing agreement between organisations: by the operator,
// as no one organisation's administrator speaks for the others; audited.
func (r *Registry) AddAgreement(ctx context.Context, a waymark.Actor, ag *waymark.Agreement) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: "any"}, "agreement", ""); err != nil {
		return err
	}
	if err := ag.Normalize(); err != nil {
		return err
	}
	for _, id := range ag.OrgIDs {
		if _, err := r.store.Org(ctx, id); err != nil {
			return err
		}
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.AddAgreement(ag); err != nil {
			return err
		}
		e := entry(a, "agreement.add", "agreement", ag.ID, "")
		e.Reason = ag.Name
		return tx.Audit(e)
	})
}

// Agreements lists the information-sharing agreements, to anyone signed in.
func (r *Registry) Agreements(ctx context.Context, a waymark.Actor) ([]*waymark.Agreement, error) {
	if a.Role == "" {
		return nil, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	return r.store.Agreements(ctx)
}

// Disclosures lists what an organisation has shared outside itself since a time, newest first: to
// its administrators (who read its audit) and the operator; the reading is audited.
func (r *Registry) Disclosures(ctx context.Context, a waymark.Actor, orgID string, since time.Time) ([]*waymark.Disclosure, error) {
	sc := waymark.Scope{OrgID: orgID}
	if waymark.Can(a, waymark.ViewAudit, sc) != nil {
		if err := r.check(ctx, a, waymark.ManageUsers, sc, "disclosures", orgID); err != nil {
			return nil, err
		}
	}
	if err := r.store.Audit(ctx, entry(a, "disclosures.view", "disclosures", orgID, orgID)); err != nil {
		return nil, err
	}
	return r.store.Disclosures(ctx, orgID, since)
}

// DiscloseExport logs an export's sharing (the export itself is audited where it is made): one
// entry for the organisation exported, or for each when all were.
func (r *Registry) DiscloseExport(ctx context.Context, a waymark.Actor, orgID, recipient, purpose, basis string) error {
	if _, ok := waymark.LawfulBases[basis]; !ok {
		return waymark.Invalid("basis", "Lawful basis must be one of "+strings.Join(waymark.LawfulBasisCodes(), ", "))
	}
	orgs := []string{orgID}
	if orgID == "" {
		all, err := r.store.Orgs(ctx)
		if err != nil {
			return err
		}
		orgs = nil
		for _, o := range all {
			orgs = append(orgs, o.ID)
		}
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		for _, id := range orgs {
			if err := tx.Disclose(&waymark.Disclosure{OrgID: id, Kind: "export", Recipient: recipient, Purpose: purpose, LawfulBasis: basis, Actor: a.Name}); err != nil {
				return err
			}
		}
		return nil
	})
}

// sharing is a disclosure from the owner of a child's record to another organisation, with the
// agreement in force between them (if any) and its basis; fallback is the basis without one.
type sharing struct {
	disclosure *waymark.Disclosure
	agreement  *waymark.Agreement
}

// shareWith prepares the disclosure of kind of a child's record by owner to the actor's
// organisation, for purpose, naming the agreement in force between them.
func (r *Registry) shareWith(ctx context.Context, a waymark.Actor, owner, childID, kind, purpose, fallback string) (*sharing, error) {
	to, err := r.store.Org(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	ag, err := r.store.AgreementBetween(ctx, owner, a.OrgID, r.store.Now())
	if err != nil {
		return nil, err
	}
	d := &waymark.Disclosure{OrgID: owner, ChildID: childID, Kind: kind, Recipient: to.Name + ": " + a.Name, Purpose: purpose, LawfulBasis: fallback, Actor: a.Name}
	if ag != nil {
		d.AgreementID, d.LawfulBasis = ag.ID, ag.LawfulBasis
	}
	return &sharing{d, ag}, nil
}

// basisFor is the lawful basis a role's organisation shares under without an agreement.
func basisFor(a waymark.Actor) string {
	if a.Role == waymark.RolePolice {
		return "law_enforcement"
	}
	return "safeguarding"
}

// under says which agreement a sharing relies on, for an audit entry's reason.
func (s *sharing) under() string {
	if s.agreement == nil {
		return "; no information-sharing agreement between the organisations"
	}
	return "; under the agreement " + s.agreement.String()
}
