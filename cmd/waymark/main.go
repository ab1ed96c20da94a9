// Command waymark is Waymark's server and command line: serve, demo, and the set-up, import,
// export and audit commands, one file each.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // the service's time zone must load on machines without zoneinfo

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// command is one subcommand; name may hold two words ("org create").
type command struct {
	name, usage string
	run         func(ctx context.Context, env *env, args []string) error
}

var commands []command

func register(c command) { commands = append(commands, c) }

// env is what commands share: where they write and how they open the database.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	keyFile        string // the key file the store was opened with ("" when the keys came from $WAYMARK_KEYS)
	log            *slog.Logger
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	if err := run(ctx, e, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "waymark:", message(err))
		os.Exit(1)
	}
}

// message gives a user error's message and fields, or the whole error otherwise.
func message(err error) string {
	var we *waymark.Error
	if !errors.As(err, &we) {
		return err.Error()
	}
	msg := we.Message
	for _, f := range we.Fields {
		msg += fmt.Sprintf("\n  --%s: %s", strings.ReplaceAll(f.Field, "_", "-"), f.Message)
	}
	return msg
}

func run(ctx context.Context, e *env, args []string) error {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c.run(ctx, e, args[len(words):])
		}
	}
	usage(e.stderr)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return nil
	}
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}

func usage(w io.Writer) {
	sort.Slice(commands, func(i, j int) bool { return commands[i].name < commands[j].name })
	fmt.Fprintln(w, "Usage: waymark COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'waymark COMMAND -h' for a command's flags.")
}

// dbFlags are the flags every command that opens the database takes, as serve does.
type dbFlags struct{ dsn, keys string }

func (d *dbFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&d.dsn, "db", envOr("WAYMARK_DB", "./waymark-data"), "SQLite data directory, or a postgres:// URL ($WAYMARK_DB)")
	fs.StringVar(&d.keys, "keys", envOr("WAYMARK_KEY_FILE", "./waymark-keys"), "file of data-encryption keys, created if missing; $WAYMARK_KEYS overrides it with the keys themselves")
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// open opens the database, creating the key file with a warning when it is new.
func (d *dbFlags) open(ctx context.Context, e *env) (*sqlstore.Store, error) {
	keys, created, err := crypto.LoadOrCreate(d.keys, "WAYMARK_KEYS")
	if err != nil {
		return nil, err
	}
	store, err := sqlstore.Open(ctx, d.dsn, keys)
	switch {
	case errors.Is(err, sqlstore.ErrWrongKeys) && created:
		os.Remove(d.keys) // a new key is no key for data sealed already
		return nil, fmt.Errorf("the key file %s is missing, and the database already holds data sealed with its keys: "+
			"restore the key file backed up with this database (docs/backup.md); Waymark makes no new key for it", d.keys)
	case errors.Is(err, sqlstore.ErrWrongKeys):
		return nil, fmt.Errorf("the keys in %s (or $WAYMARK_KEYS) are not this database's: %w; restore the key file backed up with it (docs/backup.md)", d.keys, err)
	case err != nil:
		return nil, err
	}
	if created {
		e.log.Warn("created a new data-encryption key file: back it up separately from the database; without it encrypted photos and documents cannot be read", "file", d.keys)
	}
	return store, nil
}

// parse parses flags, rejecting stray arguments.
func parse(fs *flag.FlagSet, e *env, args []string) error {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// withStore adds the database flags to fs, parses args, checks the required flags, and runs fn on
// the opened store.
func withStore(ctx context.Context, e *env, fs *flag.FlagSet, args []string, required []string, fn func(*sqlstore.Store) error) error {
	var db dbFlags
	db.add(fs)
	if err := parse(fs, e, args); err != nil {
		return err
	}
	for _, n := range required {
		if fs.Lookup(n).Value.String() == "" {
			return fmt.Errorf("--%s is required", n)
		}
	}
	store, err := db.open(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	if os.Getenv("WAYMARK_KEYS") == "" {
		e.keyFile = db.keys
	}
	return fn(store)
}

// withRegistry is withStore for a command that goes, as every command should that can, through
// the registry: as the operator, checked and audited.
func withRegistry(ctx context.Context, e *env, fs *flag.FlagSet, args []string, required []string, fn func(*registry.Registry) error) error {
	return withStore(ctx, e, fs, args, required, func(store *sqlstore.Store) error { return fn(registry.New(store)) })
}

// operator is the actor of this command: the account running it on the server.
func operator() waymark.Actor {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return waymark.Operator(name)
}

// writePrivate writes a file that only its owner can read (0600), through a temporary file beside
// it, so that a failed write leaves nothing half-written; write returns how many records it wrote.
func writePrivate(path string, write func(io.Writer) (int, error)) (int, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing left to remove
	n, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return n, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// orgIDNamed returns the id of the organisation called name, or "" (every organisation) for "".
func orgIDNamed(ctx context.Context, reg *registry.Registry, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	o, err := reg.OrgByName(ctx, operator(), name)
	if err != nil {
		return "", err
	}
	return o.ID, nil
}
