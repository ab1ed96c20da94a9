package demo

import (
	"context"
	"fmt"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
)

// The demo's network: a dozen children around two adults, three phones, a vehicle, a car wash and
// a cannabis farm, recorded by the councils and the police that hold them. The shared phone and
// the car wash have three children linked within 60 days, and so raise their alerts.
var (
	uncle   = &waymark.Entity{Kind: "person", Value: "\"Uncle Tran\"", Details: "Man in his forties, says he is the children's uncle; collects them in a silver car."}
	bigK    = &waymark.Entity{Kind: "person", Value: "\"Big K\"", Details: "Young man, early twenties; runs a phone line for drugs between Eastport and Northtown."}
	phones  = []string{"07700 900401", "07700 900402", "+44 7700 900403"}
	carWash = &waymark.Entity{Kind: "premises", Value: "Sparkle Hand Car Wash, Unit 4, Mill Road, Northtown NS4 7QT", Details: "Open all hours; young workers sleep on site."}
	farm    = &waymark.Entity{Kind: "premises", Value: "Flat above 22 Station Parade, Westmarsh NS7 2LP", Details: "Cannabis farm, raided in the summer."}
	car     = &waymark.Entity{Kind: "vehicle", Value: "NS19 KXR"}
)

// ties says, for the i-th child of the network, what they are linked to: the entity (a phone by
// its index), the role, how many days ago, and how sure.
var ties = [][]struct {
	to         any
	role       string
	daysAgo    int
	confidence string
}{
	{{uncle, "trafficker_suspected", 160, "confirmed"}, {uncle, "cawn", 150, "confirmed"}}, // the police's child: the notice is theirs
	{{uncle, "trafficker_suspected", 200, "probable"}, {0, "called_from", 40, "confirmed"}, {farm, "found_at", 150, "confirmed"}},
	{{uncle, "trafficker_suspected", 180, "possible"}, {0, "contacted_by", 20, "probable"}, {car, "collected_by", 25, "probable"}},
	{{uncle, "claimed_relative", 90, "probable"}, {farm, "found_at", 150, "confirmed"}},
	{{0, "called_from", 10, "confirmed"}, {carWash, "worked_at", 30, "probable"}},
	{{carWash, "worked_at", 14, "confirmed"}, {1, "called_from", 12, "probable"}},
	{{carWash, "worked_at", 7, "possible"}, {car, "transported_in", 9, "possible"}},
	{{bigK, "exploiter_suspected", 70, "probable"}, {1, "contacted_by", 70, "confirmed"}},
	{{bigK, "exploiter_suspected", 100, "possible"}, {2, "called_from", 95, "probable"}},
	{{bigK, "associate", 120, "possible"}, {2, "contacted_by", 110, "possible"}},
	{{farm, "found_at", 150, "confirmed"}, {bigK, "found_with", 150, "probable"}},
	{{car, "collected_by", 45, "possible"}, {2, "called_from", 44, "possible"}},
}

var sources = []string{"return_interview", "police_intelligence", "phone_seized", "disclosure", "where_found"}

// holding is an organisation's actor and the children it holds.
type holding struct {
	actor    waymark.Actor
	children []*waymark.Child
}

// seedNetwork links children to the network, each recorded by an actor of the organisation holding
// them, the police's first.
func seedNetwork(ctx context.Context, reg *registry.Registry, byOrg []holding) error {
	now := reg.Now()
	known := map[*waymark.Entity]string{}
	i := 0
	for _, group := range byOrg {
		for _, c := range group.children {
			if i == len(ties) {
				return nil
			}
			for k, t := range ties[i] {
				l := &waymark.Link{ChildID: c.ID, Role: t.role, From: now.AddDate(0, 0, -t.daysAgo).Format(waymark.DateLayout),
					Source: sources[(i+k)%len(sources)], Confidence: t.confidence}
				switch to := t.to.(type) {
				case int:
					l.Entity = &waymark.Entity{Kind: "phone", Value: phones[to]}
				case *waymark.Entity:
					if l.EntityID = known[to]; l.EntityID == "" {
						e := *to
						l.Entity = &e
					}
				}
				if err := reg.AddLink(ctx, group.actor, l); err != nil {
					return fmt.Errorf("demo link %d.%d: %w", i, k, err)
				}
				if e, ok := t.to.(*waymark.Entity); ok {
					known[e] = l.EntityID
				}
			}
			i++
		}
	}
	return nil // a smaller demo has a smaller network
}
