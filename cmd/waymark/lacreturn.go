package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/report"
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
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
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
		orgID, err := orgIDNamed(ctx, reg, *org)
		if err != nil {
			return err
		}
		cases, err := reg.Cases(ctx, operator(), waymark.ExportReturn, orgID)
		if err != nil {
			return err
		}
		r := report.BuildReturn(cases, year, loc, reg.Now())
		for _, w := range r.Warnings() {
			fmt.Fprintf(e.stderr, "%s\twarning (%s): %s\n", cmp.Or(w.Child, "-"), w.Table, w.Message)
		}
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
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, t := range r.Tables() {
		path := filepath.Join(dir, t.File)
		if _, err := writePrivate(path, func(w io.Writer) (int, error) { return len(t.Rows), t.WriteCSV(w) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %d rows\n", path, len(t.Rows))
	}
	fmt.Fprintln(e.stdout, "(each file readable by its owner alone; the export is in the audit log)")
	return nil
}
