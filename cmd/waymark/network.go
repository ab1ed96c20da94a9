package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"import network", "import FILE.jsonl (network interchange: entities and links) for --org's children; all lines or none", runImportNetwork})
	register(command{"export network", "write the links of children, with their entities, as network interchange JSON Lines (--org, --out)", runExportNetwork})
}

func runImportNetwork(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import network", flag.ContinueOnError)
	org := fs.String("org", "", "the name of the organisation holding the children")
	file, args, missing := importFile("network", args)
	return withStore(ctx, e, fs, args, []string{"org"}, func(store *sqlstore.Store) error {
		if missing != nil {
			return missing
		}
		reg := registry.New(store)
		orgID, err := orgIDNamed(ctx, reg, *org)
		if err != nil {
			return err
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		n, bad, err := interchange.ParseNetwork(f, reg.Now())
		if err != nil {
			return err
		}
		created, added := 0, 0
		if len(bad) == 0 {
			created, added, bad, err = reg.ImportNetwork(ctx, operator(), orgID, n)
			if err != nil {
				return fmt.Errorf("import stopped, nothing was imported: %w", err)
			}
		}
		if len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintln(e.stderr, b)
			}
			return fmt.Errorf("%d lines are bad; nothing was imported", len(bad))
		}
		if err := store.Analyze(ctx); err != nil { // the import stands; its searches may be slow until the next
			fmt.Fprintf(e.stderr, "warning: %v\n", err)
		}
		fmt.Fprintf(e.stdout, "imported into %q: %d entities (%d new), %d links added of %d\n", *org, len(n.Order), created, added, len(n.Links))
		return nil
	})
}

func runExportNetwork(ctx context.Context, e *env, args []string) error {
	return export(ctx, e, args, "network", "links", "only the links of this organisation's children (default: all)", (*registry.Registry).ExportNetwork)
}
