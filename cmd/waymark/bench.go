package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark/internal/bench"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/synth"
)

func init() {
	register(command{"bench identify", "measure identification quality and speed beside the PostgreSQL trigram peer", runBenchIdentify})
	register(command{"bench web", "load waymark serve with a realistic mix of pages, API reads, identification and writes at 50, 100, 200 clients", runBenchWeb})
	register(command{"bench network", "search the network by phone and draw children's networks two steps out over N children and 3N links, p50/p99", runBenchNetwork})
	register(command{"bench signin", "send a crowd of bad sign-ins at once to waymark serve and measure its memory and other pages meanwhile", runBenchSignIn})
}

func runBenchWeb(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("bench web", flag.ContinueOnError)
	children := fs.Int("children", 10000, "recorded children")
	clients := fs.String("clients", "50,100,200", "numbers of clients at once, one run each")
	each := fs.Duration("for", 20*time.Second, "how long each run lasts")
	db := fs.String("db", envOr("WAYMARK_BENCH_POSTGRES", ""), "PostgreSQL URL (a schema is created and dropped); none: SQLite in a temporary directory")
	seed := fs.Uint64("seed", 1, "seed of the synthetic data")
	think := fs.Duration("think", 0, "how long each client waits between requests, on average, as a person reading a page does (0: none, to find the most the service can do)")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	var levels []int
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--clients: %q is not a list of positive numbers", *clients)
		}
		levels = append(levels, n)
	}
	if *children < 10 {
		return fmt.Errorf("--children: %d is too few to load (10 at least)", *children)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := bench.Web(ctx, bench.WebOptions{ServeOptions: bench.ServeOptions{Command: self, DSN: *db}, Children: *children,
		Clients: levels, For: *each, Seed: *seed, Think: *think})
	if err != nil {
		return err
	}
	bench.ReportWeb(e.stdout, f)
	return nil
}

func runBenchSignIn(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("bench signin", flag.ContinueOnError)
	clients := fs.Int("clients", 500, "bad sign-ins sent at once, each from an address of its own")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *clients < 1 {
		return fmt.Errorf("--clients: %d is not a positive number", *clients)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := bench.FloodSignIn(ctx, bench.ServeOptions{Command: self}, *clients)
	if err != nil {
		return err
	}
	bench.ReportSignInFlood(e.stdout, f)
	return nil
}

func runBenchIdentify(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("bench identify", flag.ContinueOnError)
	n := fs.Int("n", 100000, "recorded children")
	probes := fs.Int("probes", 2000, "probes of recorded children (plus a quarter as many never recorded)")
	peerProbes := fs.Int("peer-probes", 500, "how many probes the peer answers (it is slower)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic data")
	train := fs.Bool("train", false, "estimate the model from the data (u by sampling, m by EM over the unlabelled probes) instead of the priors")
	learnU := fs.Bool("learn-u", false, "learn u from the registry as waymark serve does at start-up (every level from 200,000 random pairs, the date of birth's between namesakes by how many hold the name), keeping the shipped m")
	calibrate := fs.Bool("calibrate", false, "fit the calibration on held-out probes (another seed) and print it, instead of the default")
	peer := fs.String("peer", envOr("WAYMARK_BENCH_POSTGRES", ""), "PostgreSQL URL for the peer (needs pg_trgm, fuzzystrmatch, unaccent); none: engine only")
	served := fs.Bool("http", false, "also write the children into a database, start waymark serve on it and post every probe to its identify API")
	servedDB := fs.String("http-db", "", "PostgreSQL URL for --http (a schema is created and dropped); none: SQLite in a temporary directory")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	missingShare := fs.Float64("missing-share", bench.DefaultWorld.MissingShare, "share of recorded children missing now")
	blind := fs.Bool("status-blind", false, "keep from the engine which children are missing now (to measure what knowing it earns)")
	lostTo := fs.String("lost", "", "write each linkable probe the engine did not rank within ten to this file, with its evidence")
	foundMissing := fs.Float64("found-missing", bench.DefaultWorld.FoundMissing, "share of recorded children found who were missing (equal to --missing-share: being missing tells nothing; the second world's default)")
	faces := fs.Float64("faces", 0, "share of recorded children with a photo of their face, and of probes giving one: random faces, the found child's 0.1–0.5 from their record's (engine only)")
	worldName := fs.String("world", "first", "the synthetic world: first (the engine's model was fitted on it) or second (other names, spellings and ways facts change; being missing tells nothing)")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	world := bench.World{MissingShare: *missingShare, FoundMissing: *foundMissing, Faces: *faces}
	switch *worldName {
	case "first":
	case "second":
		world.Names = synth.Second
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "found-missing" })
		if !set {
			world.FoundMissing = world.MissingShare
		}
	default:
		return fmt.Errorf("--world: %q is not first or second", *worldName)
	}
	if *faces > 0 && *served {
		return fmt.Errorf("--faces: the service is not given the faces; measure them on the engine alone (without --http)")
	}
	for name, v := range map[string]float64{"missing-share": *missingShare, "found-missing": *foundMissing, "faces": *faces} {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("--%s: %v is not a share from 0 to 1", name, v)
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	o := bench.Options{Train: *train, LearnU: *learnU, Calibrate: *calibrate, StatusBlind: *blind}
	if *lostTo != "" {
		f, err := os.Create(*lostTo)
		if err != nil {
			return fmt.Errorf("--lost: %w", err)
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		o.Lost = w
	}
	start := time.Now()
	d := bench.Generate(world, *n, *probes, *seed)
	fmt.Fprintf(e.stdout, "generated %d children and %d probes in %s\n", len(d.Children), len(d.Probes), time.Since(start).Round(time.Millisecond))
	engine, e2 := bench.Engine(d, o)
	if *calibrate {
		fmt.Fprintf(e.stdout, "calibration fitted on held-out probes: A=%.4f B=%.4f\n", e2.Model.Calibration.A, e2.Model.Calibration.B)
	}
	if *train {
		fmt.Fprintln(e.stdout, "model estimated: u by sampling random pairs, m by EM over held-out unlabelled probes")
		bench.ReportModel(e.stdout, e2.Model)
	}
	results := []bench.Quality{engine}
	if *peer != "" {
		p, err := bench.NewPeer(ctx, *peer, d)
		if err != nil {
			return err
		}
		defer p.Close(context.Background())
		q, err := p.Answer(ctx, d, *peerProbes)
		if err != nil {
			return err
		}
		results = append(results, q)
	}
	bench.Report(e.stdout, len(d.Children), results...)
	bench.ReportKinds(e.stdout, engine)
	if *served {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		s, err := bench.Serve(ctx, d, bench.ServeOptions{Command: self, DSN: *servedDB})
		if err != nil {
			return err
		}
		bench.ReportServed(e.stdout, s)
	}
	return nil
}

func runBenchNetwork(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("bench network", flag.ContinueOnError)
	children := fs.Int("children", 100000, "recorded children (each with 3 links)")
	probes := fs.Int("probes", 2000, "searches and pictures timed, each")
	db := fs.String("db", "", "an empty PostgreSQL database's URL; none: SQLite in a temporary directory")
	seed := fs.Uint64("seed", 1, "seed of the synthetic data")
	keyFile := fs.String("keys", "", "data-encryption key file, created if missing (none: a key for this run alone)")
	reuse := fs.Bool("reuse", false, "time the probes alone, over the world an earlier run loaded into --db with the same --children, --seed and --keys")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *reuse && (*db == "" || *keyFile == "") {
		return fmt.Errorf("--reuse needs the --db and --keys of the run that loaded the world")
	}
	if *children < 10 || *probes < 1 {
		return fmt.Errorf("--children (10 at least) and --probes (1 at least): %d, %d", *children, *probes)
	}
	dsn := *db
	if dsn == "" {
		dir, err := os.MkdirTemp("", "waymark-bench-network-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = dir
	}
	keys, err := crypto.ParseKeys(crypto.NewKeyLine(1))
	if *keyFile != "" {
		keys, _, err = crypto.LoadOrCreate(*keyFile, "")
	}
	if err != nil {
		return err
	}
	store, err := sqlstore.Open(ctx, dsn, keys)
	if err != nil {
		return err
	}
	defer store.Close()
	f, err := bench.Network(ctx, store, *children, *probes, *seed, *reuse)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "machine: %d CPUs, %s\n", runtime.NumCPU(), store.Dialect())
	bench.ReportNetwork(e.stdout, f)
	return nil
}
