package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"audit verify", "check the audit log's keyed chain (and, with --anchor FILE, that nothing before the anchor changed or was cut); exits 1 if anything was changed or removed", runAuditVerify})
	register(command{"audit anchor", "print the audit log's head, signed, to keep outside the database (--out FILE)", runAuditAnchor})
}

func runAuditVerify(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	anchorFile := fs.String("anchor", "", "an anchor written by waymark audit anchor, kept outside the database")
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		var anchor *audit.Anchor
		if *anchorFile != "" {
			data, err := os.ReadFile(*anchorFile)
			if err != nil {
				return fmt.Errorf("--anchor: %w", err)
			}
			if anchor, err = store.ParseAnchor(data); err != nil {
				return fmt.Errorf("--anchor: %w", err)
			}
		}
		v, err := store.VerifyAudit(ctx, anchor)
		if err != nil {
			return err
		}
		for _, p := range v.Problems {
			fmt.Fprintln(e.stdout, p)
		}
		if len(v.Problems) > 0 {
			return fmt.Errorf("audit log damaged: %d problem(s) in %d entries", len(v.Problems), v.Checked)
		}
		fmt.Fprintf(e.stdout, "audit log intact: %d entries, keyed chain verified\n", v.Checked)
		if anchor != nil {
			fmt.Fprintf(e.stdout, "anchor of %s holds: entry %d unchanged, and everything before it\n",
				anchor.At.Format("2 Jan 2006 15:04 MST"), anchor.Seq)
		}
		return nil
	})
}

func runAuditAnchor(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("audit anchor", flag.ContinueOnError)
	out := fs.String("out", "", "file to write the anchor to (default: standard output)")
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		a, err := store.AnchorAudit(ctx)
		if err != nil {
			return err
		}
		data, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			return err
		}
		data = append(data, '\n')
		if *out == "" {
			_, err = e.stdout.Write(data)
			return err
		}
		_, err = writePrivate(*out, func(w io.Writer) (int, error) { n, err := w.Write(data); return n, err })
		if err == nil {
			fmt.Fprintf(e.stdout, "anchored entry %d in %s: keep it away from this machine\n", a.Seq, *out)
		}
		return err
	})
}
