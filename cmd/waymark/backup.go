package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"backup", "write a consistent copy of the database into --to DIR while the service runs (and the key file to --keys-to FILE, kept apart)", runBackup})
	register(command{"restore", "put a backup (--from DIR) into an empty installation (--db, --keys: the key file backed up with it), then verify its audit log", runRestore})
}

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	to := fs.String("to", "", "directory to write the backup into (created, readable by its owner alone)")
	keysTo := fs.String("keys-to", "", "also copy the key file here: keep it apart from the backup, so that one theft is not both")
	var db dbFlags
	db.add(fs)
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *to == "" {
		return fmt.Errorf("--to is required: the directory to write the backup into")
	}
	store, err := db.open(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	head, err := store.AuditHead(ctx)
	if err != nil {
		return err
	}
	file, err := store.Backup(ctx, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up to %s (readable by its owner alone; the audit log reached entry %d as it began)\n", file, head)
	switch {
	case *keysTo != "" && os.Getenv("WAYMARK_KEYS") != "":
		fmt.Fprintln(e.stdout, "the keys come from $WAYMARK_KEYS: back them up from where they are kept")
	case *keysTo != "":
		keys, err := os.ReadFile(db.keys)
		if err == nil {
			_, err = writePrivate(*keysTo, func(w io.Writer) (int, error) { return w.Write(keys) })
		}
		if err != nil {
			return fmt.Errorf("--keys-to: %w", err)
		}
		fmt.Fprintf(e.stdout, "key file copied to %s: keep it apart from the backup\n", *keysTo)
	default:
		fmt.Fprintf(e.stdout, "back up the key file %s too, apart from the backup: without it nothing sealed can be restored\n", db.keys)
	}
	return nil
}

func runRestore(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fs.String("from", "", "the directory waymark backup wrote")
	var db dbFlags
	db.add(fs)
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *from == "" {
		return fmt.Errorf("--from is required: the directory waymark backup wrote")
	}
	if err := sqlstore.Restore(ctx, *from, db.dsn); err != nil {
		return err
	}
	store, err := db.open(ctx, e) // refuses keys that are not the backup's, and makes none for it
	if err != nil {
		return fmt.Errorf("restored, but it cannot be opened: %w", err)
	}
	defer store.Close()
	v, err := store.VerifyAudit(ctx, nil)
	if err != nil {
		return err
	}
	if len(v.Problems) > 0 {
		for _, p := range v.Problems {
			fmt.Fprintln(e.stdout, p)
		}
		return fmt.Errorf("restored, but its audit log is damaged: %d problem(s) in %d entries", len(v.Problems), v.Checked)
	}
	fmt.Fprintf(e.stdout, "restored into %s: audit log intact, %d entries, keyed chain verified\n", db.dsn, v.Checked)
	return nil
}
