package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/waymark-org/waymark/internal/registry"
)

func init() {
	register(command{"retention plan", "list what the retention rules say has been kept long enough, and why, erasing nothing (--org: one organisation)", runRetentionPlan})
	register(command{"retention apply", "erase what `retention plan` lists, each audited with its rule (--org: one organisation)", runRetentionApply})
	register(command{"retention set", "set how many years an organisation keeps a kind of record (--org, --kind case_record|adult_record|biometrics, --years; 0 keeps it for ever)", runRetentionSet})
}

func runRetentionPlan(ctx context.Context, e *env, args []string) error {
	return retention(ctx, e, "retention plan", args, func(reg *registry.Registry, orgID string) ([]registry.Retained, error) {
		return reg.RetentionPlan(ctx, operator(), orgID)
	})
}

func runRetentionApply(ctx context.Context, e *env, args []string) error {
	return retention(ctx, e, "retention apply", args, func(reg *registry.Registry, orgID string) ([]registry.Retained, error) {
		return reg.ApplyRetention(ctx, operator(), orgID)
	})
}

// retention runs a plan or its application over one organisation (--org) or all, and lists what
// it found or did.
func retention(ctx context.Context, e *env, name string, args []string, do func(*registry.Registry, string) ([]registry.Retained, error)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name (default: every organisation)")
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
		orgID := ""
		if *org != "" {
			o, err := reg.OrgByName(ctx, operator(), *org)
			if err != nil {
				return err
			}
			orgID = o.ID
		}
		items, err := do(reg, orgID)
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REF\tRULE\tGOES")
		for _, it := range items {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Ref, it.Why, it.Goes)
		}
		tw.Flush()
		verb := map[string]string{"retention plan": "would be erased", "retention apply": "erased"}[name]
		fmt.Fprintf(e.stdout, "%d %s\n", len(items), verb)
		return err
	})
}

func runRetentionSet(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("retention set", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	kind := fs.String("kind", "", "case_record, adult_record or biometrics")
	years := fs.Int("years", -1, "years to keep it (0: for ever)")
	return withRegistry(ctx, e, fs, args, []string{"org", "kind"}, func(reg *registry.Registry) error {
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		if err := reg.SetRetention(ctx, operator(), o.ID, *kind, *years); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s keeps %s %d years\n", o.Name, *kind, *years)
		return nil
	})
}
