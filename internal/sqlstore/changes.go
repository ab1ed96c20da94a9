package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/periodic"
)

// childChange reports whether an audit entry records a child created or changed, or a missing
// episode opened or moved on (whether a child is missing now is part of what identifies them):
// what ChildChanges reads. Reading an episode or its pack changes nothing.
func childChange(e *audit.Entry) bool {
	if e.Outcome != audit.Allowed {
		return false
	}
	return e.RecordType == "child" && (e.Action == "child.create" || e.Action == "child.edit") ||
		e.RecordType == "missing_episode" && e.Action != "missing.view" && e.Action != "missing.pack"
}

// idleCatchUp is how long a PostgreSQL listener waits without a notification before reading the
// change feed anyway: a notification is lost only with the connection, but a check costs little.
const idleCatchUp = time.Minute

// WatchChildChanges calls f whenever another process may have created or changed children, until
// ctx ends. On PostgreSQL a commit that changed a child notifies every listener, so an idle
// instance neither wakes nor queries; should listening fail, it polls every poll until listening
// works again, and says so through log. On SQLite it polls every poll.
func (s *Store) WatchChildChanges(ctx context.Context, poll time.Duration, f func(context.Context), log func(error)) {
	if s.dialect != Postgres {
		periodic.Run(ctx, poll, f)
		return
	}
	for {
		err := s.listen(ctx, f)
		if ctx.Err() != nil {
			return
		}
		log(fmt.Errorf("listen for changes to children (polling meanwhile): %w", err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
			f(ctx)
		}
	}
}

// listen calls f once listening, then on every notification and after every idle minute; it
// returns when the connection fails or ctx ends.
func (s *Store) listen(ctx context.Context, f func(context.Context)) error {
	conn, err := pgx.ConnectConfig(ctx, s.pg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	f(ctx) // what was written before listening began
	for {
		wait, cancel := context.WithTimeout(ctx, idleCatchUp)
		_, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && !errors.Is(err, context.DeadlineExceeded):
			return err
		}
		f(ctx)
	}
}

// notifyChildChanged tells the listeners, at commit, that the transaction changed a child.
func (tx *Tx) notifyChildChanged() error {
	if !tx.childChanged || tx.s.dialect != Postgres {
		return nil
	}
	_, err := tx.tx.ExecContext(tx.ctx, `SELECT pg_notify($1, '')`, tx.s.channel)
	return wrap(err, "notify change")
}
