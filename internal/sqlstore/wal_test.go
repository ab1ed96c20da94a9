package sqlstore_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Under writes that never pause, with reads among them, SQLite's write-ahead log stays bounded:
// the store checkpoints it back to the start once it passes its limit.
func TestSQLiteLogStaysBounded(t *testing.T) {
	limit := sqlstore.WALLimit
	sqlstore.WALLimit = 8 << 20
	defer func() { sqlstore.WALLimit = limit }()
	dir := t.TempDir()
	s, err := sqlstore.Open(ctx, dir, storetest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	org := mustOrg(t, s, "Org", "council")
	wal := filepath.Join(dir, "waymark.db-wal")
	var peak atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written atomic.Int64
	for w := range 3 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := &waymark.Child{OrgID: org.ID, GivenNames: fmt.Sprintf("Writer%d", w), FamilyName: fmt.Sprintf("N%d", i)}
				mustChild(t, s, c)
				written.Add(1)
			}
		})
	}
	wg.Go(func() { // readers keep the log in use
		for {
			select {
			case <-stop:
				return
			default:
			}
			s.Children(ctx, sqlstore.ChildFilter{OrgID: org.ID, Limit: 50})
		}
	})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if fi, err := os.Stat(wal); err == nil && fi.Size() > peak.Load() {
				peak.Store(fi.Size())
			}
		}
	})
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("%d children written; log peaked at %.1f MB", written.Load(), float64(peak.Load())/(1<<20))
	if peak.Load() > 2*sqlstore.WALLimit {
		t.Fatalf("the log grew to %.1f MB, past twice its limit", float64(peak.Load())/(1<<20))
	}
}

// Two hundred readers auditing at once on SQLite are written in far fewer transactions than
// two hundred, every entry durable and chained, none refused.
func TestSQLiteAuditsGroupCommitted(t *testing.T) {
	s := storetest.Open(t, sqlstore.SQLite)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	start := make(chan struct{})
	for i := range 200 {
		wg.Go(func() {
			<-start
			errs <- s.Audit(ctx, &audit.Entry{UserID: "u", Action: "child.view", RecordType: "child", RecordID: fmt.Sprint(i)})
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := s.VerifyAudit(ctx, nil)
	if err != nil || v.Checked != 200 || len(v.Problems) != 0 {
		t.Fatalf("verify: %d checked, %v %v", v.Checked, v.Problems, err)
	}
	if n := sqlstore.AuditCommits(s); n >= 100 {
		t.Fatalf("200 audits took %d transactions", n)
	} else {
		t.Logf("200 audits in %d transactions", n)
	}
}

// SQLite locked past its busy timeout is "busy, try again" (503), not a failure (500).
func TestBusyIsUnavailable(t *testing.T) {
	for msg, want := range map[string]string{
		"commit: database is locked (5) (SQLITE_BUSY)": waymark.EUNAVAILABLE,
		"begin transaction: SQLITE_BUSY":               waymark.EUNAVAILABLE,
		"insert child: constraint failed":              waymark.EINTERNAL,
	} {
		if got := waymark.ErrorCode(sqlstore.Busy(errors.New(msg))); got != want {
			t.Errorf("%q: %s, want %s", msg, got, want)
		}
	}
}
