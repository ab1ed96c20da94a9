package sqlstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
)

func channelAAD(id string) []byte { return []byte("channel:" + id) }

// AddChannel records where an organisation's alerts are also sent. A webhook gets a new random
// signing secret, kept encrypted; the caller shows it once to whoever runs the receiver.
func (tx *Tx) AddChannel(c *waymark.Channel) error {
	if err := c.Normalize(); err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.Secret = NewID(), tx.s.now(), nil
	if c.Kind == waymark.ChannelWebhook {
		c.Secret = make([]byte, 32)
		rand.Read(c.Secret)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO channels (id, org_id, kind, target, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, c.OrgID, c.Kind, c.Target, tx.s.keys.Seal(c.Secret, channelAAD(c.ID)), c.CreatedAt)
	return wrap(err, "add channel")
}

// RemoveChannel stops sending to a channel; deliveries not yet made are dropped with it.
func (tx *Tx) RemoveChannel(id string) error {
	res, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM channels WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("remove channel: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return waymark.Errorf(waymark.ENOTFOUND, "No channel %q was found.", id)
	}
	return nil
}

const channelColumns = `ch.id, ch.org_id, ch.kind, ch.target, ch.secret, ch.created_at`

func (s *Store) scanChannel(r scanner, c *waymark.Channel) error {
	var sealed []byte
	if err := r.Scan(&c.ID, &c.OrgID, &c.Kind, &c.Target, &sealed, &c.CreatedAt); err != nil {
		return err
	}
	secret, err := s.keys.Open(sealed, channelAAD(c.ID))
	if err != nil {
		return fmt.Errorf("open channel %s secret: %w", c.ID, err)
	}
	c.Secret, c.CreatedAt = secret, c.CreatedAt.UTC()
	return nil
}

// ChannelStatus is a channel with how its deliveries stand.
type ChannelStatus struct {
	waymark.Channel
	Delivered, Pending, Failed int
	LastError                  string
}

// Channels lists an organisation's channels (every organisation's when orgID is empty). A delivery
// is failed once it has had maxAttempts.
func (s *Store) Channels(ctx context.Context, orgID string, maxAttempts int) ([]*ChannelStatus, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+channelColumns+`,
		  (SELECT COUNT(*) FROM deliveries d WHERE d.channel_id = ch.id AND d.delivered_at IS NOT NULL),
		  (SELECT COUNT(*) FROM deliveries d WHERE d.channel_id = ch.id AND d.delivered_at IS NULL AND d.attempts < $2),
		  (SELECT COUNT(*) FROM deliveries d WHERE d.channel_id = ch.id AND d.delivered_at IS NULL AND d.attempts >= $2),
		  COALESCE((SELECT d.last_error FROM deliveries d WHERE d.channel_id = ch.id AND d.last_error <> '' ORDER BY d.next_at DESC LIMIT 1), '')
		FROM channels ch WHERE $1 = '' OR ch.org_id = $1 ORDER BY ch.created_at`, orgID, maxAttempts)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	return collect(rows, func(r scanner) (*ChannelStatus, error) {
		var c ChannelStatus
		var sealed []byte
		if err := r.Scan(&c.ID, &c.OrgID, &c.Kind, &c.Target, &sealed, &c.CreatedAt, &c.Delivered, &c.Pending, &c.Failed, &c.LastError); err != nil {
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		return &c, nil
	})
}

// Channel returns one channel with its secret.
func (s *Store) Channel(ctx context.Context, id string) (*waymark.Channel, error) {
	var c waymark.Channel
	err := s.scanChannel(s.db.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels ch WHERE ch.id = $1`, id), &c)
	return &c, notFound(err, "channel")
}

// Delivery is one alert on its way to one channel.
type Delivery struct {
	ID, AlertID, ChannelID string
	Attempts               int
}

// DueDeliveries lists deliveries whose time has come that have had fewer than maxAttempts.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, maxAttempts, limit int) ([]*Delivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, alert_id, channel_id, attempts FROM deliveries
		WHERE delivered_at IS NULL AND next_at <= $1 AND attempts < $2 ORDER BY next_at LIMIT $3`, now.UTC(), maxAttempts, limit)
	if err != nil {
		return nil, fmt.Errorf("list due deliveries: %w", err)
	}
	return collect(rows, func(r scanner) (*Delivery, error) {
		var d Delivery
		return &d, r.Scan(&d.ID, &d.AlertID, &d.ChannelID, &d.Attempts)
	})
}

// ClaimDelivery starts an attempt: it counts the attempt and holds the delivery until lease ends,
// reporting false when another instance claimed it first. A crash mid-attempt thus delays the
// delivery by the lease, never loses it.
func (s *Store) ClaimDelivery(ctx context.Context, d *Delivery, lease time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, next_at = $1
		WHERE id = $2 AND attempts = $3 AND delivered_at IS NULL`, lease.UTC(), d.ID, d.Attempts)
	if err != nil {
		return false, fmt.Errorf("claim delivery: %w", err)
	}
	n, err := res.RowsAffected()
	if n == 1 {
		d.Attempts++
	}
	return n == 1, wrap(err, "claim delivery")
}

// DeliveryDone records a delivery made.
func (s *Store) DeliveryDone(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE deliveries SET delivered_at = $1, last_error = '' WHERE id = $2`, s.now(), id)
	return wrap(err, "record delivery")
}

// DeliveryFailed records why an attempt failed and when to try again.
func (s *Store) DeliveryFailed(ctx context.Context, id string, retry time.Time, why string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE deliveries SET next_at = $1, last_error = $2 WHERE id = $3`, retry.UTC(), why, id)
	return wrap(err, "record failed delivery")
}
