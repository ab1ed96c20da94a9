package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
)

// seedBureau records a bureau search of every second child's fingerprints, by the organisation
// holding the child — the first a hit, the rest no trace — leaving the others flagged as never
// searched.
func seedBureau(ctx context.Context, reg *registry.Registry, byOrg []holding) error {
	now := reg.Now()
	n := 0
	for _, h := range byOrg {
		if err := bureauOf(ctx, reg, h, now, &n); err != nil {
			return err
		}
	}
	return nil
}

func bureauOf(ctx context.Context, reg *registry.Registry, h holding, now time.Time, n *int) error {
	for _, c := range h.children {
		for _, b := range c.Biometrics {
			if b.Kind != "fingerprint" {
				continue
			}
			if *n++; *n%2 == 0 {
				continue
			}
			s := &waymark.BureauSearch{ChildID: c.ID, Bureau: "ident1", PrintsRef: b.Reference, AskedBy: "PC Demo, Northshire Police",
				AskedOn: now.AddDate(0, 0, -10).Format(waymark.DateLayout), Outcome: "no_trace", AnsweredOn: now.AddDate(0, 0, -9).Format(waymark.DateLayout)}
			if *n == 1 {
				s.Outcome, s.IdentifiedAs, s.Note = "hit", "CRO 000417/25D", "Arrested in 2025 under another name, as an adult"
			}
			if err := reg.AddBureauSearch(ctx, h.actor, s); err != nil {
				return fmt.Errorf("demo bureau search: %w", err)
			}
		}
	}
	return nil
}
