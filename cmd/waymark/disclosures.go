package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/report"
)

func init() {
	register(command{"agreement add", "record an information-sharing agreement between organisations (--name, --orgs \"A; B\", --purpose, --basis, --from, --to)", runAgreementAdd})
	register(command{"agreement list", "list the information-sharing agreements and whether each is in force", runAgreementList})
	register(command{"disclosures", "write an organisation's disclosure log as CSV: what it shared outside itself, with whom, why and under what lawful basis (--org, --since, --out)", runDisclosures})
}

func runAgreementAdd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("agreement add", flag.ContinueOnError)
	name := fs.String("name", "", "the agreement's name")
	orgs := fs.String("orgs", "", "the organisations it binds, by name, separated by semicolons")
	purpose := fs.String("purpose", "", "what the sharing is for")
	basis := fs.String("basis", "safeguarding", "the lawful basis: "+strings.Join(waymark.LawfulBasisCodes(), ", "))
	from := fs.String("from", time.Now().Format(waymark.DateLayout), "the day it starts (YYYY-MM-DD)")
	to := fs.String("to", "", "the day it ends (YYYY-MM-DD; none: until ended)")
	return withRegistry(ctx, e, fs, args, []string{"name", "orgs", "purpose"}, func(reg *registry.Registry) error {
		ag := &waymark.Agreement{Name: *name, Purpose: *purpose, LawfulBasis: *basis, StartsOn: *from, EndsOn: *to}
		for _, n := range strings.Split(*orgs, ";") {
			o, err := reg.OrgByName(ctx, operator(), strings.TrimSpace(n))
			if err != nil {
				return fmt.Errorf("--orgs: %q: %w", strings.TrimSpace(n), err)
			}
			ag.OrgIDs = append(ag.OrgIDs, o.ID)
		}
		if err := reg.AddAgreement(ctx, operator(), ag); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "recorded the agreement %s between %d organisations, from %s\n", ag.String(), len(ag.OrgIDs), ag.StartsOn)
		return nil
	})
}

func runAgreementList(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("agreement list", flag.ContinueOnError)
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
		all, err := reg.Agreements(ctx, operator())
		if err != nil {
			return err
		}
		names, err := orgNames(ctx, reg)
		if err != nil {
			return err
		}
		today := time.Now().Format(waymark.DateLayout)
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tORGANISATIONS\tBASIS\tFROM\tTO\tIN FORCE")
		for _, ag := range all {
			var orgs []string
			for _, id := range ag.OrgIDs {
				orgs = append(orgs, names[id])
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\n", ag.Name, strings.Join(orgs, "; "), ag.LawfulBasis, ag.StartsOn, ag.EndsOn, ag.InForce(today))
		}
		return tw.Flush()
	})
}

func orgNames(ctx context.Context, reg *registry.Registry) (map[string]string, error) {
	all, err := reg.Orgs(ctx, operator())
	names := map[string]string{}
	for _, o := range all {
		names[o.ID] = o.Name
	}
	return names, err
}

func runDisclosures(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("disclosures", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	since := fs.String("since", "", "from this day (YYYY-MM-DD; default: a year ago)")
	outPath := fs.String("out", "", "file to write, readable by its owner alone (default: standard output)")
	return withRegistry(ctx, e, fs, args, []string{"org"}, func(reg *registry.Registry) error {
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		from := time.Now().AddDate(-1, 0, 0)
		if *since != "" {
			if from, err = time.Parse(waymark.DateLayout, *since); err != nil {
				return fmt.Errorf("--since: give the day as YYYY-MM-DD, not %q", *since)
			}
		}
		ds, err := reg.Disclosures(ctx, operator(), o.ID, from)
		if err != nil {
			return err
		}
		rows := [][]string{{"at", "child_id", "kind", "recipient", "purpose", "lawful_basis", "basis_in_full", "agreement_id", "actor"}}
		for _, d := range ds {
			rows = append(rows, []string{d.At.UTC().Format(time.RFC3339), d.ChildID, d.Kind, d.Recipient, d.Purpose, d.LawfulBasis, waymark.LawfulBases[d.LawfulBasis], d.AgreementID, d.Actor})
		}
		write := func(w io.Writer) (int, error) { return len(ds), report.WriteCSV(w, rows...) }
		if *outPath == "" {
			_, err := write(e.stdout)
			return err
		}
		n, err := writePrivate(*outPath, write)
		if err == nil {
			fmt.Fprintf(e.stdout, "wrote %d disclosures of %s to %s\n", n, o.Name, *outPath)
		}
		return err
	})
}
