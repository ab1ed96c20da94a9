package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/waymark-org/waymark/internal/demo"
	"github.com/waymark-org/waymark/internal/registry"
)

func init() {
	register(command{"demo", "serve a synthetic demo world on a fresh embedded database", runDemo})
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var sf serveFlags
	sf.add(fs)
	sf.installFaces = true
	dir := fs.String("db", "", "SQLite data directory for the demo (default: a new temporary one)")
	children := fs.Int("children", 200, "how many synthetic children")
	seed := fs.Uint64("seed", 1, "seed of the synthetic world")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "waymark-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	start := time.Now()
	db := dbFlags{dsn: *dir, keys: *dir + "/keys"}
	store, err := db.open(ctx, &env{log: e.log, stdout: e.stdout, stderr: e.stderr})
	e.keyFile = db.keys
	if err != nil {
		return err
	}
	defer store.Close()
	logins, err := demo.Seed(ctx, registry.New(store), demo.Options{Children: *children, Seed: *seed, Journey: true, SetClock: store.SetClock})
	if err != nil {
		return err
	}
	return serve(ctx, e, store, sf, func(addr string) {
		fmt.Fprintf(e.stdout, "\nWaymark demo: %d synthetic children, ready in %s.\n", *children, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(e.stdout, "Open http://localhost:%s and sign in as one of:\n\n", port(addr))
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ROLE\tORGANISATION\tE-MAIL\tPASSWORD")
		for _, l := range logins {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Role, l.Org, l.Email, l.Password)
		}
		tw.Flush()
		fmt.Fprintln(e.stdout, "\nAll data is synthetic and is deleted when the demo stops (Ctrl-C).")
		fmt.Fprintln(e.stdout, "The demo asks no one for a second step at sign-in; a real organisation asks every role but analyst")
		fmt.Fprintln(e.stdout, "for an authenticator app (waymark org second-factor), and may sign in through its own provider (waymark org sso).")
	})
}

func port(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i+1:]
		}
	}
	return addr
}
