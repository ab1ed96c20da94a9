package sqlstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
)

// Every read of identifying data writes an audit entry before the data is shown, and the chain
// has one head: two hundred readers, each in a write transaction of its own, wait in line for it
// (and on SQLite some give up: "database is locked"). One writer takes the entries of every reader
// waiting, appends them in one transaction, and tells each reader once they are durable.

// auditRequest is one caller's entries and where to say whether they were written.
type auditRequest struct {
	es   []*audit.Entry
	done chan error
}

// maxGroup bounds the entries one transaction appends.
const maxGroup = 2000

// auditWriter appends queued entries in groups until it is stopped.
type auditWriter struct {
	q       chan auditRequest
	quit    chan struct{} // closed to stop the writer
	stopped chan struct{} // closed once it has
	once    sync.Once
	commits atomic.Int64
}

func (s *Store) startAuditWriter() *auditWriter {
	w := &auditWriter{q: make(chan auditRequest, 1024), quit: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(w.stopped)
		for {
			var first auditRequest
			select {
			case first = <-w.q:
			case <-w.quit:
				return
			}
			group, n := []auditRequest{first}, len(first.es)
			for more := true; more && n < maxGroup; {
				select {
				case r := <-w.q:
					group, n = append(group, r), n+len(r.es)
				default:
					more = false
				}
			}
			err := s.appendGroup(group)
			w.commits.Add(1)
			for _, r := range group {
				r.done <- err
			}
		}
	}()
	return w
}

// errClosed is what an entry meets once the store is closed: it was not written.
var errClosed = errors.New("the store is closed: audit entry not written")

// appendGroup writes the group's entries in one transaction, which does not depend on any
// caller staying: an entry asked for is written.
func (s *Store) appendGroup(group []auditRequest) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var es []*audit.Entry
	for _, r := range group {
		es = append(es, r.es...)
	}
	return s.InTx(ctx, func(tx *Tx) error { return tx.AuditAll(es) }) // a few hundred rows to a statement
}

// queueAudit hands entries to the writer and waits until they are durable (or ctx ends).
func (s *Store) queueAudit(ctx context.Context, es []*audit.Entry) error {
	r := auditRequest{es: es, done: make(chan error, 1)}
	select {
	case s.writer.q <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.writer.stopped:
		return errClosed
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-s.writer.stopped:
		return errClosed
	}
}

// stop ends the writer once the group it is writing, if any, is written.
func (w *auditWriter) stop() {
	w.once.Do(func() { close(w.quit) })
	<-w.stopped
}

// errBusy is what a caller is told when SQLite stayed locked past its busy timeout: busy, try
// again, not a failure of the service.
var errBusy = waymark.Errorf(waymark.EUNAVAILABLE, "Waymark is busy for a moment. Try again in a few seconds; nothing was lost.")

// busy maps SQLite's "database is locked" to errBusy.
func busy(err error) error {
	if err != nil && (strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked")) {
		return errors.Join(errBusy, err)
	}
	return err
}
