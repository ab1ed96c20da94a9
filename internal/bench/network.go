package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/interchange"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/synth"
)

// NetworkFigures are what the network bench measures: how long loading took, and the latencies
// of a search by phone and of a child's picture two steps out.
type NetworkFigures struct {
	Children, Entities, Links int
	LoadChildren, LoadNetwork time.Duration
	SearchP50, SearchP99      time.Duration
	PictureP50, PictureP99    time.Duration
	SearchFound, PictureNodes float64 // means: children a search finds, nodes a picture draws
	Probes                    int
}

// LinksPerChild is how many links the bench gives each child: 3,000,000 for 1,000,000 children.
const LinksPerChild = 3

// Network loads children synthetic children of one council into store, each linked to a phone (most
// their own alone, some shared), an adult (a few adults around many children) and an address or a
// premises, then times probes searches by phone, written nationally, and probes pictures, as the
// council's manager.
func Network(ctx context.Context, store *sqlstore.Store, children, probes int, seed uint64, reuse bool) (*NetworkFigures, error) {
	f := &NetworkFigures{Children: children, Probes: probes}
	now := store.Now()
	r := rand.New(rand.NewPCG(seed, 29))
	var org *waymark.Organisation
	var net *interchange.Network
	var err error
	if reuse { // the world an earlier run loaded with the same children, seed and keys
		if org, err = store.OrgByName(ctx, benchCouncil); err != nil {
			return nil, fmt.Errorf("reuse: %w", err)
		}
		net = networkOf(r, children, now)
		f.Entities, f.Links = len(net.Order), len(net.Links)
	} else if org, net, err = loadNetwork(ctx, store, f, r, seed, now); err != nil {
		return nil, err
	}
	reg := registry.New(store)
	if _, err := reg.LoadIndex(ctx); err != nil {
		return nil, err
	}
	ids, err := store.ChildIDsByRefs(ctx, org.ID, childRefs(children))
	if err != nil {
		return nil, err
	}
	manager := waymark.Actor{UserID: "bench", OrgID: org.ID, Role: waymark.RoleManager, Name: "bench"}

	var search, picture []time.Duration
	found, nodes := 0, 0
	for range probes {
		phone := net.Entities[net.Links[LinksPerChild*r.IntN(children)].EntityRef].Value // a child's phone: their own, or shared
		t0 := time.Now()
		ans, err := reg.SearchNetwork(ctx, manager, waymark.EntitySearch{Phone: "0" + phone[3:]})
		if err != nil {
			return nil, err
		}
		search, found = append(search, time.Since(t0)), found+len(ans.Children)

		t0 = time.Now()
		g, err := reg.Network(ctx, manager, ids[fmt.Sprintf("N%08d", r.IntN(children))])
		if err != nil {
			return nil, err
		}
		picture, nodes = append(picture, time.Since(t0)), nodes+len(g.Nodes)
	}
	f.SearchP50, f.SearchP99 = percentiles(search)
	f.PictureP50, f.PictureP99 = percentiles(picture)
	f.SearchFound, f.PictureNodes = float64(found)/float64(max(probes, 1)), float64(nodes)/float64(max(probes, 1))
	return f, nil
}

func childRefs(n int) []string {
	refs := make([]string, n)
	for i := range refs {
		refs[i] = fmt.Sprintf("N%08d", i)
	}
	return refs
}

// The pools' sizes, per child: shared phones, adults, addresses (three to a postcode), premises.
const (
	sharedPhones = 100
	adults       = 10
	addresses    = 5
	premises     = 200
)

// skewed picks from a pool of n so that a few are picked often: hubs, as real networks have.
func skewed(r *rand.Rand, n int) int { u := r.Float64(); return int(u * u * u * float64(n)) }

// networkOf makes the network file the bench imports: LinksPerChild links a child.
func networkOf(r *rand.Rand, children int, now time.Time) *interchange.Network {
	n := &interchange.Network{Entities: map[string]*waymark.Entity{}}
	entity := func(ref, kind, value string) string {
		if n.Entities[ref] == nil {
			n.Entities[ref], n.Order = &waymark.Entity{Kind: kind, Value: value}, append(n.Order, ref)
		}
		return ref
	}
	from := func() string { return now.AddDate(0, 0, -r.IntN(400)).Format(waymark.DateLayout) }
	link := func(child int, ref, role string) {
		n.Links = append(n.Links, interchange.NetworkLink{ChildRef: fmt.Sprintf("N%08d", child), EntityRef: ref,
			Link: waymark.Link{Role: role, From: from(), Source: "police_intelligence", Confidence: "possible"}})
	}
	for c := range children {
		phone := fmt.Sprintf("phone-%d", c)
		value := fmt.Sprintf("+4477%08d", c)
		if r.IntN(5) == 0 {
			i := skewed(r, max(children/sharedPhones, 1))
			phone, value = fmt.Sprintf("shared-phone-%d", i), fmt.Sprintf("+4478%08d", i)
		}
		link(c, entity(phone, "phone", value), "called_from")
		a := skewed(r, max(children/adults, 1))
		link(c, entity(fmt.Sprintf("adult-%d", a), "person", fmt.Sprintf("Adult %d", a)), "associate")
		if r.IntN(20) == 0 {
			p := skewed(r, max(children/premises, 1))
			link(c, entity(fmt.Sprintf("premises-%d", p), "premises", fmt.Sprintf("Car wash %d, Unit %d, Bench Road NB%d %dAA", p, p%50, p%90+1, p%10)), "worked_at")
		} else {
			a := r.IntN(max(children/addresses, 1))
			link(c, entity(fmt.Sprintf("address-%d", a), "address", fmt.Sprintf("%d Bench Street, Town NB%d %d%c%c", a%3+1, a/3%90+1, a/3%10,
				'A'+rune(a/30%26), 'A'+rune(a/780%26))), "lived_at")
		}
	}
	return n
}

// benchCouncil holds the bench's children.
const benchCouncil = "Bench Council"

// loadNetwork loads the bench's world: the children, then their network.
func loadNetwork(ctx context.Context, store *sqlstore.Store, f *NetworkFigures, r *rand.Rand, seed uint64, now time.Time) (*waymark.Organisation, *interchange.Network, error) {
	org := &waymark.Organisation{Name: benchCouncil, Kind: "council"}
	if err := store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(org) }); err != nil {
		return nil, nil, err
	}
	g := synth.New(seed, now)
	start := time.Now()
	err := store.InBulkTx(ctx, func(tx *sqlstore.Tx) error {
		for done := 0; done < f.Children; {
			batch := make([]*interchange.Record, 0, 1000)
			for ; done < f.Children && len(batch) < cap(batch); done++ {
				c := g.Child()
				c.Ref = fmt.Sprintf("N%08d", done)
				c.Normalize(now)
				batch = append(batch, interchange.Export(c, []*waymark.Encounter{{Kind: "referral", At: now.AddDate(0, 0, -done%300), Agency: "police"}}, interchange.History{}))
			}
			if _, _, err := interchange.Load(tx, org, batch, "network bench", nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = store.Analyze(ctx)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load children: %w", err)
	}
	f.LoadChildren = time.Since(start)

	net := networkOf(r, f.Children, now)
	f.Entities, f.Links = len(net.Order), len(net.Links)
	reg := registry.New(store)
	start = time.Now()
	if _, _, bad, err := reg.ImportNetwork(ctx, waymark.Operator("bench"), org.ID, net); err != nil || len(bad) > 0 {
		return nil, nil, fmt.Errorf("load network: %v %v", bad, err)
	}
	if err := store.Analyze(ctx); err != nil { // as waymark import network does
		return nil, nil, err
	}
	f.LoadNetwork = time.Since(start)
	return org, net, nil
}

// ReportNetwork writes the figures.
func ReportNetwork(w io.Writer, f *NetworkFigures) {
	fmt.Fprintf(w, "network: %d children, %d entities, %d links; loaded in %s (children) + %s (network)\n", f.Children, f.Entities, f.Links,
		f.LoadChildren.Round(time.Second), f.LoadNetwork.Round(time.Second))
	fmt.Fprintf(w, "search by phone:   p50 %6.2f ms  p99 %6.2f ms  (%d probes; %.1f children found on average)\n",
		ms(f.SearchP50), ms(f.SearchP99), f.Probes, f.SearchFound)
	fmt.Fprintf(w, "picture, 2 steps:  p50 %6.2f ms  p99 %6.2f ms  (%.1f nodes on average)\n", ms(f.PictureP50), ms(f.PictureP99), f.PictureNodes)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
