package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"export return", "write the looked-after-children return for --org and --year (2025-26) into --dir, if it passes the guide's rules", runReturn})
}

func runReturn(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("export return", flag.ContinueOnError)
	org := fs.String("org", "", "the council making the return")
	yearFlag := fs.String("year", "", "collection year, e.g. 2025-26 (1 April 2025 to 31 March 2026)")
	dir := fs.String("dir", ".", "directory to write header.csv, episodes.csv, missing.csv and uasc.csv into")
	var tz string
	tzFlag(fs, &tz)
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		if *org == "" {
			return errors.New("--org is required: a return is one council's")
		}
		loc, err := location(tz)
		if err != nil {
			return err
		}
		year, err := report.ParseYear(*yearFlag, loc)
		if err != nil {
			return err
		}
		orgID, err := orgIDNamed(ctx, store, *org)
		if err != nil {
			return err
		}
		cases, err := store.Cases(ctx, orgID)
		if err != nil {
			return err
		}
		r := report.BuildReturn(cases, year, loc)
		if failures := r.Validate(); len(failures) > 0 {
			for _, f := range failures {
				fmt.Fprintf(e.stderr, "%s\trule %s (%s): %s\n", f.Child, f.Code, f.Table, f.Message)
			}
			return fmt.Errorf("the %s return fails %d validation checks; nothing was written", report.YearLabel(year), len(failures))
		}
		return writeReturn(e, r, *dir)
	})
}

func writeReturn(e *env, r *report.Return, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, t := range r.Tables() {
		path := filepath.Join(dir, t.File)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
		if err != nil {
			return err
		}
		err = t.WriteCSV(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d rows\n", path, len(t.Rows))
	}
	return nil
}
