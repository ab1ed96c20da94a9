// Package bench measures the identification engine on seeded synthetic data — quality (recall,
// ranks, bands, calibration), latency, build time and memory — beside the peer a council would
// otherwise use: PostgreSQL with pg_trgm, fuzzystrmatch and unaccent, on the same data in the same run.
package bench

import (
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/synth"
)

// Data is a synthetic registry and its probes.
type Data struct {
	Children []*waymark.Child
	Probes   []Probe
	seed     uint64
	world    World
	missing  []int // positions of the children missing now, and of the others
	others   []int
	siblings [][2]int // positions of a child and of the sibling drawn from it
}

// World says how many of the registry's children are missing now, and how many of the recorded
// children found are among them.
type World struct {
	MissingShare float64      // recorded children with a missing episode open
	FoundMissing float64      // recorded children found who were missing when found
	Names        *synth.World // whose children and probes: synth.First when nil
	Faces        float64      // share of recorded children with a photo of their face, and of probes giving one (addFaces)
}

// generator draws from the world's names.
func (w World) generator(seed uint64) *synth.Generator {
	if w.Names == nil {
		return synth.New(seed, benchNow)
	}
	return synth.NewIn(w.Names, seed, benchNow)
}

// DefaultWorld is the benchmark's assumption (docs/identification.md): a tenth of the registry is
// missing now — in the county the project began from, 25 of 107 children went missing within five
// months, and many are never found — and three found children in four are missing children, the
// rest being found while still placed or after an episode had closed. A world where FoundMissing
// equals MissingShare is one where being missing tells nothing.
var DefaultWorld = World{MissingShare: 0.10, FoundMissing: 0.75}

// Probe is a found child's facts, the recorded child they belong to, and whether any method
// could link them at all (the ceiling), judged once against the record.
type Probe struct {
	synth.Probe
	Linkable bool
	Missing  bool // the child was missing when found
}

var benchNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Generate makes n recorded children (with siblings as hard negatives) in world w, and the probes.
func Generate(w World, n, probes int, seed uint64) *Data {
	now := benchNow
	g := w.generator(seed)
	d := &Data{Children: make([]*waymark.Child, 0, n), seed: seed, world: w}
	for len(d.Children) < n {
		c := g.Child()
		c.ID, c.Ref = fmt.Sprintf("c%07d", len(d.Children)), fmt.Sprintf("R%07d", len(d.Children))
		c.Normalize(now)
		d.Children = append(d.Children, c)
		if g.Chance(0.05) && len(d.Children) < n {
			s := g.Sibling(c)
			s.ID, s.Ref = fmt.Sprintf("c%07d", len(d.Children)), fmt.Sprintf("R%07d", len(d.Children))
			s.Normalize(now)
			d.siblings = append(d.siblings, [2]int{len(d.Children) - 1, len(d.Children)})
			d.Children = append(d.Children, s)
		}
	}
	d.goMissing()
	d.Probes = d.probes(g, probes)
	if w.Faces > 0 {
		d.addFaces()
	}
	return d
}

// goMissing marks the world's share of children missing now, drawing on a source of its own so
// that the children themselves are those of any world with the same seed.
func (d *Data) goMissing() {
	r := rand.New(rand.NewPCG(d.seed, 0x6d697373696e67))
	for i, c := range d.Children {
		c.MissingNow = r.Float64() < d.world.MissingShare
		if c.MissingNow {
			d.missing = append(d.missing, i)
		} else {
			d.others = append(d.others, i)
		}
	}
}

// found draws the recorded child a probe is of: a missing one with the world's chance.
func (d *Data) found(g *synth.Generator) *waymark.Child {
	from := d.others
	if len(d.missing) > 0 && (g.Chance(d.world.FoundMissing) || len(d.others) == 0) {
		from = d.missing
	}
	return d.Children[from[g.Intn(len(from))]]
}

// probes draws n probes of recorded children and a quarter as many of children never recorded.
func (d *Data) probes(g *synth.Generator, n int) []Probe {
	var out []Probe
	for range n {
		c := d.found(g)
		p := g.ProbeOf(c)
		p.Query.NormalizeQuery(benchNow)
		out = append(out, Probe{p, linkable(p.Query, c), c.MissingNow})
	}
	for range n / 4 {
		p := Probe{Probe: g.ProbeOf(g.Child())}
		p.Truth, p.Kind = "", "never recorded"
		p.Query.NormalizeQuery(benchNow)
		out = append(out, p)
	}
	return out
}

// Quality are the figures of one system on the probes.
type Quality struct {
	System                  string
	Probes, Recorded        int
	Ceiling                 float64 // share of recorded probes keeping a name token, phone, document or exact date of birth
	BlockingRecall          float64 // truth among the candidates considered
	Recall1, Recall10, MRR  float64
	TieRecall1, TieRecall10 float64     // recall had every tie at the truth's score broken in its favour
	Bound1, Bound10         float64     // the most a ranking of the candidates gathered that respects each field's evidence can expect
	Offered10               float64     // within ten, or tied with the tenth among the first hundred: the page says so and lists them on request
	StrongCorrect           float64     // recorded probes whose truth is strong
	StrongNeverRecorded     float64     // never-recorded probes given any strong candidate
	StrongWrong             float64     // recorded probes where another child is strong
	ECE                     float64     // expected calibration error of the top candidate's probability, every search
	ECERecorded             float64     // the same over the searches for recorded children alone
	Reliability             Reliability // every search's top candidate, by the tenth its probability falls in
	Banded                  bool        // the system gives bands and probabilities
	P50, P99                time.Duration
	Build                   time.Duration
	MemoryMiB               float64
	Kinds                   map[string]*KindQuality // recorded probes by how the name was changed
	Status                  map[string]*KindQuality // recorded probes by whether the child was missing when found
}

// KindQuality counts, for the probes of one kind, how many there were and how many were found.
type KindQuality struct {
	Probes, Linkable, Blocked, Top1, Top10, TieTop10 int
}

// ranked is one system's answer to one probe.
type ranked struct {
	ids          []string
	bands        []string
	probs        []float64
	blocked      bool
	scored       bool // the system gives every candidate's score, so outranked is known
	outranked    int  // candidates scoring strictly above the truth
	offered      bool // the truth is within ten, or tied with the tenth and shown when the ties are asked for
	bound1       float64
	bound10      float64 // the truth's chance within ten under a ranking field by field (see bound)
	latency      time.Duration
	hasBandsProb bool
}

func evaluate(system string, d *Data, answers []ranked) Quality {
	q := Quality{System: system, Probes: len(answers), Kinds: map[string]*KindQuality{}, Status: map[string]*KindQuality{}}
	var lat []time.Duration
	var recorded Reliability
	ceiling := 0
	for i, a := range answers {
		p := d.Probes[i]
		lat = append(lat, a.latency)
		q.Banded = q.Banded || a.hasBandsProb
		if a.hasBandsProb && len(a.probs) > 0 { // a never-recorded child's top candidate is wrong
			top := p.Truth != "" && a.ids[0] == p.Truth
			q.Reliability.add(a.probs[0], top)
			if p.Truth != "" {
				recorded.add(a.probs[0], top)
			}
		}
		if p.Truth == "" {
			if a.hasBandsProb && slices.Contains(a.bands, identify.Strong) {
				q.StrongNeverRecorded++
			}
			continue
		}
		q.Recorded++
		if p.Linkable {
			ceiling++
		}
		rank := slices.Index(a.ids, p.Truth)
		q.Kinds[p.Kind] = q.Kinds[p.Kind].add(p.Linkable, a, rank)
		status := "not missing when found"
		if p.Missing {
			status = "missing when found"
		}
		q.Status[status] = q.Status[status].add(p.Linkable, a, rank)
		if a.blocked {
			q.BlockingRecall++
		}
		if a.blocked && a.scored {
			if a.outranked == 0 {
				q.TieRecall1++
			}
			if a.outranked < 10 {
				q.TieRecall10++
			}
		}
		if a.offered {
			q.Offered10++
		}
		q.Bound1, q.Bound10 = q.Bound1+a.bound1, q.Bound10+a.bound10
		if rank == 0 {
			q.Recall1++
		}
		if rank >= 0 && rank < 10 {
			q.Recall10++
			q.MRR += 1 / float64(rank+1)
		}
		if a.hasBandsProb {
			for j, id := range a.ids {
				if a.bands[j] == identify.Strong {
					if id == p.Truth {
						q.StrongCorrect++
					} else {
						q.StrongWrong++
						break
					}
				}
			}
		}
	}
	rec, never := float64(max(q.Recorded, 1)), float64(max(len(answers)-q.Recorded, 1))
	q.Ceiling = float64(ceiling) / rec
	q.BlockingRecall /= rec
	q.Recall1 /= rec
	q.Recall10 /= rec
	q.MRR /= rec
	q.TieRecall1 /= rec
	q.TieRecall10 /= rec
	q.Offered10 /= rec
	q.Bound1 /= rec
	q.Bound10 /= rec
	q.StrongCorrect /= rec
	q.StrongWrong /= rec
	q.StrongNeverRecorded /= never
	q.ECE, q.ECERecorded = q.Reliability.ece(), recorded.ece()
	q.P50, q.P99 = percentiles(lat)
	return q
}

// percentiles sorts lat and returns its median and 99th percentile (0 when empty).
func percentiles(lat []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(lat)
	if len(lat) == 0 {
		return 0, 0
	}
	return lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
}

func abs(f float64) float64 { return max(f, -f) }

// Reliability holds top candidates' probabilities in tenths, with how often each was the child.
type Reliability [10]struct {
	N, Hits int
	SumP    float64
}

func (r *Reliability) add(p float64, hit bool) {
	b := &r[min(int(p*10), 9)]
	b.N++
	b.SumP += p
	if hit {
		b.Hits++
	}
}

// ece is the expected calibration error: each tenth's gap between its mean probability and its
// share of hits, weighed by its share of the answers.
func (r *Reliability) ece() float64 {
	total := 0
	for _, b := range r {
		total += b.N
	}
	e := 0.0
	for _, b := range r {
		if b.N > 0 {
			e += float64(b.N) / float64(total) * abs(b.SumP/float64(b.N)-float64(b.Hits)/float64(b.N))
		}
	}
	return e
}

func (k *KindQuality) add(linkable bool, a ranked, rank int) *KindQuality {
	if k == nil {
		k = &KindQuality{}
	}
	k.Probes++
	count := func(n *int, ok bool) {
		if ok {
			*n++
		}
	}
	count(&k.Linkable, linkable)
	count(&k.Blocked, a.blocked)
	count(&k.Top1, rank == 0)
	count(&k.Top10, rank >= 0 && rank < 10)
	count(&k.TieTop10, a.blocked && a.scored && a.outranked < 10)
	return k
}

// linkable reports whether a found child's facts still share a name token, phone, document or
// exact date of birth with their record: what any method could link on.
func linkable(found, recorded *waymark.Child) bool {
	q, r := identify.FromChild(found), identify.FromChild(recorded)
	for _, t := range q.Tokens {
		if slices.Contains(r.Tokens, t) {
			return true
		}
	}
	for _, ph := range q.Phones {
		if slices.Contains(r.Phones, ph) {
			return true
		}
	}
	for _, doc := range q.Docs {
		if slices.Contains(r.Docs, doc) {
			return true
		}
	}
	return q.DOB != 0 && !q.DOBEst && q.DOB == r.DOB
}

// Engine builds the index from the data and answers every probe; train replaces the prior model by
// one estimated from the data (u sampled from the index, m by EM over the probes, unlabelled).
// Options choose how the engine's model is made: the priors, or estimated (Train), whether to
// fit its calibration on held-out probes first (Calibrate), and whether to keep from it which
// children are missing now (StatusBlind), to measure what knowing that earns.
type Options struct {
	Train, Calibrate, StatusBlind bool
	LearnU                        bool      // learn u from the registry as waymark serve does at start-up (Engine.LearnU), keeping the shipped m
	Lost                          io.Writer // where to write each linkable probe not found within ten, with its evidence
}

// Engine builds the engine on the data and answers every probe.
func Engine(d *Data, o Options) (Quality, *identify.Engine) {
	before := liveHeap()
	start := time.Now()
	e := identify.New()
	for _, c := range d.Children {
		if o.StatusBlind && c.MissingNow {
			blind := *c
			blind.MissingNow = false
			c = &blind
		}
		e.Put(c)
	}
	if o.LearnU && !o.Train {
		e.LearnU(7)
	}
	if o.Train { // from the priors, not from the shipped estimate
		e.Model = identify.Priors()
		e.EstimateU(200000, 7)
		var queries []*identify.Record // unlabelled, and not the probes measured below
		for _, p := range d.probes(d.world.generator(d.seed+2_000_003), max(len(d.Probes), 2000)*4/5) {
			queries = append(queries, identify.FromChild(p.Query))
		}
		e.EstimateM(queries, 20, 15)
	}
	build := time.Since(start)
	mem := float64(liveHeap()-before) / (1 << 20)
	if o.Calibrate {
		e.Model.Calibration = calibrate(e, d)
	}
	answers := make([]ranked, len(d.Probes))
	for i, p := range d.Probes { // timed on its own: the analysis below would leave its garbage in the timings
		t := time.Now()
		top := e.Identify(p.Query, 10)
		a := ranked{latency: time.Since(t), hasBandsProb: true}
		for _, c := range top {
			a.ids, a.bands, a.probs = append(a.ids, c.ChildID), append(a.bands, c.Band), append(a.probs, c.Probability)
		}
		answers[i] = a
	}
	lost := newLost(o.Lost, d)
	for i, p := range d.Probes {
		all, a := e.Identify(p.Query, 0), &answers[i]
		at := slices.IndexFunc(all, func(c identify.Candidate) bool { return c.ChildID == p.Truth })
		if at >= 0 {
			a.blocked, a.scored = true, true
			a.outranked = slices.IndexFunc(all, func(c identify.Candidate) bool { return c.Score <= all[at].Score })
			a.offered = at < 10 || a.outranked < 10 && at < registry.MaxLimit
			a.bound1, a.bound10 = bound(all, all[at])
		}
		lost.add(p, all, at, a.outranked)
	}
	lost.close()
	q := evaluate("waymark engine", d, answers)
	q.Build, q.MemoryMiB = build, mem
	return q, e
}

// calibrate fits the engine's calibration on probes drawn afresh (another seed) from the same
// registry, so that the figures reported are measured on probes the fit never saw.
func calibrate(e *identify.Engine, d *Data) identify.Calibration {
	e.Model.Calibration = identify.Calibration{}
	var probs []float64
	var hits []bool
	for _, p := range d.probes(d.world.generator(d.seed+1_000_003), max(len(d.Probes), 2000)*4/5) {
		if top := e.Identify(p.Query, 1); len(top) > 0 {
			probs, hits = append(probs, top[0].Probability), append(hits, top[0].ChildID == p.Truth)
		}
	}
	return identify.FitCalibration(probs, hits)
}

// liveHeap is the heap in use after a collection: what the engine itself holds, apart from the
// generated data it was built from.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Report prints the figures side by side.
func Report(w io.Writer, n int, qs ...Quality) {
	fmt.Fprintf(w, "\nIdentification benchmark: %d recorded children, machine: %d CPUs, %s\n\n", n, runtime.NumCPU(), runtime.GOARCH)
	row := func(label string, f func(q Quality) string) {
		fmt.Fprintf(w, "%-44s", label)
		for _, q := range qs {
			fmt.Fprintf(w, " %22s", f(q))
		}
		fmt.Fprintln(w)
	}
	pct := func(f func(Quality) float64) func(Quality) string {
		return func(q Quality) string { return fmt.Sprintf("%.3f", f(q)) }
	}
	row("", func(q Quality) string { return q.System })
	row("probes (recorded)", func(q Quality) string { return fmt.Sprintf("%d (%d)", q.Probes, q.Recorded) })
	row("ceiling (probes keeping a linkable fact)", pct(func(q Quality) float64 { return q.Ceiling }))
	row("blocking recall", pct(func(q Quality) float64 { return q.BlockingRecall }))
	row("recall@1", pct(func(q Quality) float64 { return q.Recall1 }))
	row("recall@10", pct(func(q Quality) float64 { return q.Recall10 }))
	row("MRR", pct(func(q Quality) float64 { return q.MRR }))
	row("recall@1 / @10, ties broken for the truth", func(q Quality) string {
		if q.TieRecall10 == 0 {
			return "—"
		}
		return fmt.Sprintf("%.3f / %.3f", q.TieRecall1, q.TieRecall10)
	})
	row("recall@1 / @10 bound for the ranking", func(q Quality) string {
		if q.Bound10 == 0 {
			return "—"
		}
		return fmt.Sprintf("%.3f / %.3f", q.Bound1, q.Bound10)
	})
	row("within 10, or tied with the 10th, on request", func(q Quality) string {
		if !q.Banded || q.TieRecall10 == 0 {
			return "—"
		}
		return fmt.Sprintf("%.3f", q.Offered10)
	})
	banded := func(f func(Quality) float64) func(Quality) string { // a peer gives no bands or probabilities
		return func(q Quality) string {
			if !q.Banded {
				return "—"
			}
			return pct(f)(q)
		}
	}
	row("strong, correct child", banded(func(q Quality) float64 { return q.StrongCorrect }))
	row("strong given to a never-recorded child", banded(func(q Quality) float64 { return q.StrongNeverRecorded }))
	row("strong given to the wrong child", banded(func(q Quality) float64 { return q.StrongWrong }))
	row("calibration error (ECE), every search", banded(func(q Quality) float64 { return q.ECE }))
	row("calibration error, recorded children only", banded(func(q Quality) float64 { return q.ECERecorded }))
	row("latency p50", func(q Quality) string { return q.P50.Round(time.Microsecond).String() })
	row("latency p99", func(q Quality) string { return q.P99.Round(time.Microsecond).String() })
	row("index build", func(q Quality) string { return q.Build.Round(time.Millisecond).String() })
	row("index memory, live heap (MiB)", func(q Quality) string {
		if q.MemoryMiB == 0 { // the peer's lives in PostgreSQL
			return "—"
		}
		return fmt.Sprintf("%.0f", q.MemoryMiB)
	})
	if len(qs) == 2 {
		ratio := func(a, b float64) string {
			if b == 0 {
				return "n/a"
			}
			return fmt.Sprintf("%.2fx", a/b)
		}
		fmt.Fprintf(w, "\nengine vs peer: recall@1 %s, recall@10 %s, p99 latency %s faster\n",
			ratio(qs[0].Recall1, qs[1].Recall1), ratio(qs[0].Recall10, qs[1].Recall10), ratio(float64(qs[1].P99), float64(qs[0].P99)))
	}
}

// ReportKinds prints a system's figures by how the probe's name was changed, and by whether the
// child was missing when found: where recall is lost.
func ReportKinds(w io.Writer, q Quality) {
	reportBy(w, q.System+" by how the name was changed", "kind", q.Kinds)
	reportBy(w, q.System+" by whether the child was missing", "status", q.Status)
	if q.Banded {
		fmt.Fprintf(w, "\n%s: the top candidate's probability against how often it was the child, every search:\n", q.System)
		fmt.Fprintf(w, "%-12s %8s %12s %10s\n", "probability", "searches", "mean given", "the child")
		for i, b := range q.Reliability {
			if b.N > 0 {
				fmt.Fprintf(w, "%.1f–%.1f %11d %12.3f %10.3f\n", float64(i)/10, float64(i+1)/10, b.N, b.SumP/float64(b.N), float64(b.Hits)/float64(b.N))
			}
		}
	}
}

func reportBy(w io.Writer, title, what string, groups map[string]*KindQuality) {
	fmt.Fprintf(w, "\n%s (shares of each group's probes):\n", title)
	fmt.Fprintf(w, "%-28s %6s %8s %8s %8s %8s %10s\n", what, "probes", "ceiling", "blocked", "@1", "@10", "@10 ties")
	for _, kind := range slices.Sorted(maps.Keys(groups)) {
		k := groups[kind]
		share := func(n int) float64 { return float64(n) / float64(k.Probes) }
		fmt.Fprintf(w, "%-28s %6d %8.3f %8.3f %8.3f %8.3f %10.3f\n", kind, k.Probes, share(k.Linkable),
			share(k.Blocked), share(k.Top1), share(k.Top10), share(k.TieTop10))
	}
}

// ReportModel prints a model's m, u and weight for every field and level, for the operator to read
// or to carry into the default model.
func ReportModel(w io.Writer, m *identify.Model) {
	fmt.Fprintf(w, "\n%-14s %-26s %8s %10s %8s\n", "field", "level", "m", "u", "weight")
	for _, field := range slices.Sorted(maps.Keys(m.Levels)) {
		levels := m.Levels[field]
		for _, level := range slices.Sorted(maps.Keys(levels)) {
			p := levels[level]
			fmt.Fprintf(w, "%-14s %-26s %8.4f %10.6f %8.2f\n", field, level, p.M, p.U, p.Weight())
		}
	}
}
