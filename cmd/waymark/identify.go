package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/waymark-org/waymark/internal/registry"
)

func init() {
	register(command{"identify model", "show what waymark serve re-learns of the identification model from confirmed matches, and from how many", runIdentifyModel})
}

func runIdentifyModel(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("identify model", flag.ContinueOnError)
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
		l, err := reg.LearnModel(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d judgements kept, %d of them confirmed matches; %d counted (at most %d a person, %d an organisation, the newest first)\n",
			l.Judgements, l.Confirmed, l.Counted, registry.LearnPerActor, registry.LearnPerOrg)
		if len(l.Changes) == 0 {
			fmt.Fprintln(e.stdout, "no field has enough confirmed matches to re-learn: the model is as shipped")
			return nil
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "FIELD\tLEVEL\tSEEN\tM SHIPPED\tM RE-LEARNT\tUSED")
		for _, c := range l.Changes {
			used := "yes"
			if slices.Contains(l.Refused, c.Field) {
				used = "REFUSED: moves implausibly far"
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%.4f\t%.4f\t%s\n", c.Field, c.Level, c.Seen, c.Was, c.Now, used)
		}
		return w.Flush()
	})
}
