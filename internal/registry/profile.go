package registry

import (
	"context"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// SaveProfile reviews a child's Philomena profile: what is saved becomes its current version,
// reviewed now by the actor, and the next review falls due a month later.
func (r *Registry) SaveProfile(ctx context.Context, a waymark.Actor, p *waymark.Profile) error {
	sc, err := r.childScope(ctx, a, waymark.EditProfile, p.ChildID)
	if err != nil {
		return err
	}
	if err := p.Normalize(); err != nil {
		return err
	}
	p.ReviewedBy = a.Name
	err = r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SaveProfile(p); err != nil {
			return err
		}
		return tx.Audit(entry(a, string(waymark.EditProfile), "child", p.ChildID, sc.OrgID))
	})
	if err == nil {
		r.changed()
	}
	return err
}
