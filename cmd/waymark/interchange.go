package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"

	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"import children", "import FILE.jsonl (child interchange) for --org; all lines or none", runImport})
	register(command{"export children", "write children as child interchange JSON Lines (--org, --out)", runExport})
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import children", flag.ContinueOnError)
	org := fs.String("org", "", "the owning organisation's name")
	var file string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	return withStore(ctx, e, fs, args, []string{"org"}, func(store *sqlstore.Store) error {
		if file == "" {
			return fmt.Errorf("name the file to import: waymark import children FILE.jsonl --org NAME")
		}
		o, err := store.OrgByName(ctx, *org)
		if err != nil {
			return err
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		st, _ := f.Stat()
		var bar *progressbar.ProgressBar
		if out, ok := e.stdout.(*os.File); ok && isTerminal(out) && st != nil {
			bar = progressbar.DefaultBytes(st.Size(), "checking")
		}
		recs, bad, err := interchange.ReadAll(f, store.Now(), func(n int) {
			if bar != nil {
				bar.Add(n)
			}
		})
		if err != nil {
			return err
		}
		if bar != nil {
			bar.Finish()
		}
		if len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintln(e.stderr, b)
			}
			return fmt.Errorf("%d of %d lines are bad; nothing was imported", len(bad), len(bad)+len(recs))
		}
		if bar != nil {
			bar = progressbar.Default(int64(len(recs)), "importing")
		}
		var sum interchange.Summary
		err = store.InTx(ctx, func(tx *sqlstore.Tx) error {
			var err error
			sum, _, err = interchange.Load(tx, o, recs, "import from "+file, func() {
				if bar != nil {
					bar.Add(1)
				}
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("import stopped, nothing was imported: %w", err)
		}
		fmt.Fprintf(e.stdout, "imported %d children into %q: %d new, %d updated; events added: %d referrals, %d placements, %d missing episodes, %d screenings\n",
			len(recs), o.Name, sum.Created, sum.Updated, sum.Events["referral"], sum.Events["placement"], sum.Events["missing"], sum.Events["screening"])
		return nil
	})
}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("export children", flag.ContinueOnError)
	org := fs.String("org", "", "only this organisation's children (default: all)")
	outPath := fs.String("out", "", "file to write, readable by its owner alone (default: standard output)")
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		orgID, err := orgIDNamed(ctx, store, *org)
		if err != nil {
			return err
		}
		if *outPath == "" {
			_, err := registry.New(store).ExportChildren(ctx, operator(), orgID, e.stdout)
			return err
		}
		n, err := writePrivate(*outPath, func(w io.Writer) (int, error) {
			return registry.New(store).ExportChildren(ctx, operator(), orgID, w)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "exported %d children to %s (readable by its owner alone; the export is in the audit log)\n", n, *outPath)
		return nil
	})
}
