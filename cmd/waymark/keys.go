package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/periodic"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"keys rotate", "add a new data-encryption key, re-seal every sealed value with it while the service runs (stopped, run it again: it goes on), then retire the older keys", runKeysRotate})
}

// keyReload is how often a running service reads its key file for a key added by a rotation.
const keyReload = 10 * time.Second

func runKeysRotate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	settle := fs.Duration("settle", 2*keyReload, "after adding the key, how long to wait for running services to take it up before re-sealing")
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		if e.keyFile == "" {
			return errors.New("the keys come from $WAYMARK_KEYS: rotate them where they are kept, with a key file (--keys) here")
		}
		held, err := store.SealedBy(ctx)
		if err != nil {
			return err
		}
		current := store.Keys().Current()
		if older(held, current) == 0 { // nothing left from a rotation stopped part way: a new key
			id, err := crypto.AddKey(e.keyFile)
			if err == nil {
				err = store.ReloadKeys(ctx, e.keyFile)
			}
			if err != nil {
				return err
			}
			current = id
			fmt.Fprintf(e.stdout, "added key %d to %s; waiting %s for running services to take it up\n", id, e.keyFile, *settle)
			select {
			case <-time.After(*settle):
			case <-ctx.Done():
				return ctx.Err()
			}
		} else {
			fmt.Fprintf(e.stdout, "going on with key %d: %d values are still sealed with older keys\n", current, older(held, current))
		}
		n, err := store.Reseal(ctx, func(table, col string, n int) { fmt.Fprintf(e.stdout, "re-sealed %d values of %s.%s\n", n, table, col) })
		fmt.Fprintf(e.stdout, "re-sealed %d values with key %d\n", n, current)
		if err != nil {
			return fmt.Errorf("%w (run waymark keys rotate again: it goes on where it stopped)", err)
		}
		if held, err = store.SealedBy(ctx); err != nil {
			return err
		}
		if left := older(held, current); left > 0 {
			return fmt.Errorf("%d values were sealed with an older key while this ran (a service not yet using key %d?): run waymark keys rotate again", left, current)
		}
		if err := crypto.Retire(e.keyFile, current); err != nil {
			return err
		}
		if err := store.ForgetOtherKeys(ctx, current); err != nil {
			return err
		}
		if err := store.Audit(ctx, &audit.Entry{ActorName: operator().Name, Action: "keys.rotate", RecordType: "keys",
			Reason: fmt.Sprintf("%d values re-sealed with key %d; older keys retired", n, current)}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "older keys retired: %s holds key %d alone (and the root derived keys come from). Back it up now, apart from the database.\n", e.keyFile, current)
		return nil
	})
}

// older counts the values sealed with keys other than current.
func older(held map[uint32]int, current uint32) int {
	n := 0
	for id, c := range held {
		if id != current {
			n += c
		}
	}
	return n
}

// reloadKeys reads the key file every keyReload for a key a rotation added, until ctx ends.
func reloadKeys(ctx context.Context, e *env, store *sqlstore.Store) {
	if e.keyFile == "" {
		return
	}
	periodic.Run(ctx, keyReload, func(ctx context.Context) {
		if err := store.ReloadKeys(ctx, e.keyFile); err != nil && !errors.Is(err, os.ErrNotExist) && ctx.Err() == nil {
			e.log.Warn("read the key file", "err", err)
		}
	})
}
