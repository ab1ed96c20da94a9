package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A backup taken while children are being written, each with its audit entry, and restored into
// an empty installation holds every child acknowledged before it began, photos sealed as they were,
// and an audit chain that verifies; a restore over a database refuses.
func TestBackupUnderWritesAndRestore(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			s, err := sqlstore.Open(ctx, dsn, keys)
			if err != nil {
				t.Fatal(err)
			}
			o := mustOrg(t, s, "Backup Council", "council")
			photo := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Photo", FamilyName: "Kept"})
			if err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.AddPhoto(photo.ID, &waymark.Photo{ContentType: "image/png", Width: 2, Height: 2}, []byte("png bytes"), []byte("thumb"))
			}); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var acked []string
			stop, done := make(chan struct{}), make(chan struct{})
			go func() { // a writer that never pauses
				defer close(done)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					c := &waymark.Child{OrgID: o.ID, GivenNames: fmt.Sprintf("Writer %d", i)}
					c.Normalize(time.Now())
					err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
						if err := tx.CreateChild(c); err != nil {
							return err
						}
						return tx.Audit(&audit.Entry{ActorName: "test", OrgID: o.ID, Action: "child.create", RecordType: "child", RecordID: c.ID, RecordOrg: o.ID})
					})
					if err == nil {
						mu.Lock()
						acked = append(acked, c.ID)
						mu.Unlock()
					}
				}
			}()
			time.Sleep(200 * time.Millisecond)
			mu.Lock()
			before := append([]string{photo.ID}, acked...)
			mu.Unlock()
			dir := filepath.Join(t.TempDir(), "backup")
			file, err := s.Backup(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // writes go on after it
			close(stop)
			<-done
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("the backup file: %v %v", fi, err)
			}
			if err := sqlstore.Restore(ctx, dir, dsn); err == nil {
				t.Fatal("restored over a database")
			}
			target := dsn
			if d == sqlstore.SQLite {
				target = t.TempDir()
			} else if err := sqlstore.Exec(s, `DO $$ BEGIN EXECUTE 'DROP SCHEMA ' || current_schema() || ' CASCADE'; END $$`); err != nil { // the database lost
				t.Fatal(err)
			}
			s.Close()
			if err := sqlstore.Restore(ctx, dir, target); err != nil {
				t.Fatal(err)
			}
			r, err := sqlstore.Open(ctx, target, keys)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := r.ChildrenByID(ctx, before)
			if err != nil || len(got) != len(before) || len(before) < 10 {
				t.Fatalf("%d of %d children acknowledged before the backup restored (%v)", len(got), len(before), err)
			}
			if ps := got[photo.ID].Photos; len(ps) != 1 {
				t.Fatalf("the photo: %+v", ps)
			} else if _, _, img, err := r.PhotoData(context.Background(), ps[0].ID, false); err != nil || string(img) != "png bytes" {
				t.Fatalf("the photo restored reads %q, %v", img, err)
			}
			v, err := r.VerifyAudit(ctx, nil)
			if err != nil || len(v.Problems) > 0 || v.Checked < int64(len(before)-1) {
				t.Fatalf("the restored audit chain: %d checked, %v %v", v.Checked, v.Problems, err)
			}
			t.Logf("%d children acknowledged before the backup, all restored; audit chain of %d entries intact", len(before), v.Checked)
		})
	}
}
