package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"audit verify", "check the audit log's hash chain; exits 1 if anything was changed or removed", runAuditVerify})
}

func runAuditVerify(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		v, err := store.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		for _, p := range v.Problems {
			fmt.Fprintln(e.stdout, p)
		}
		if len(v.Problems) > 0 {
			return fmt.Errorf("audit log damaged: %d problem(s) in %d entries", len(v.Problems), v.Checked)
		}
		fmt.Fprintf(e.stdout, "audit log intact: %d entries, chain verified\n", v.Checked)
		return nil
	})
}
