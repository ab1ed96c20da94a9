package registry

import (
	"context"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Alert channels (an organisation's e-mail addresses and webhooks) are set up by whoever manages
// its users.

// AddChannel sends an organisation's alerts to one more e-mail address or webhook.
func (r *Registry) AddChannel(ctx context.Context, a waymark.Actor, c *waymark.Channel) error {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: c.OrgID}, "channel", ""); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.AddChannel(c); err != nil {
			return err
		}
		return tx.Audit(entry(a, "channel.add", "channel", c.ID, c.OrgID))
	})
}

// Channels lists an organisation's channels ("": every organisation's) and how their deliveries stand.
func (r *Registry) Channels(ctx context.Context, a waymark.Actor, orgID string, maxAttempts int) ([]*sqlstore.ChannelStatus, error) {
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: orgID}, "channels", orgID); err != nil {
		return nil, err
	}
	return r.store.Channels(ctx, orgID, maxAttempts)
}

// RemoveChannel stops sending alerts to a channel.
func (r *Registry) RemoveChannel(ctx context.Context, a waymark.Actor, id string) error {
	c, err := r.store.Channel(ctx, id)
	if err != nil {
		return err
	}
	if err := r.check(ctx, a, waymark.ManageUsers, waymark.Scope{OrgID: c.OrgID}, "channel", id); err != nil {
		return err
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.RemoveChannel(id); err != nil {
			return err
		}
		return tx.Audit(entry(a, "channel.remove", "channel", id, c.OrgID))
	})
}
