package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"org create", "add an organisation (--name, --kind council|police|border|charity)", runOrgCreate})
	register(command{"user create", "add a user (--org, --role, --email); prints a generated password", runUserCreate})
	register(command{"user disable", "stop a user signing in and end their sessions now (--email)", runUserDisable})
	register(command{"token create", "print a new API token for an organisation and role", runTokenCreate})
}

func runOrgCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org create", flag.ContinueOnError)
	name := fs.String("name", "", "the organisation's name")
	kind := fs.String("kind", "", "council, police, border or charity")
	return withStore(ctx, e, fs, args, nil, func(store *sqlstore.Store) error {
		o := &waymark.Organisation{Name: *name, Kind: *kind}
		if err := store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created organisation %q (%s), id %s\n", o.Name, o.Kind, o.ID)
		return nil
	})
}

func runUserCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	role := fs.String("role", "", "border, social_worker, manager, police, guardian, analyst or admin")
	email := fs.String("email", "", "the user's e-mail address (their sign-in name)")
	name := fs.String("name", "", "the user's full name")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	return withStore(ctx, e, fs, args, []string{"org", "role", "email"}, func(store *sqlstore.Store) error {
		password, err := newPassword(e, *stdin)
		if err != nil {
			return err
		}
		o, err := store.OrgByName(ctx, *org)
		if err != nil {
			return err
		}
		u := &waymark.User{OrgID: o.ID, Email: *email, Name: *name, Role: waymark.Role(*role), PasswordHash: auth.HashPassword(password)}
		if err := store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUser(u) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s %s in %q\n", u.Role, u.Email, o.Name)
		if !*stdin {
			fmt.Fprintf(e.stdout, "password: %s\n(give it to the user over a separate channel)\n", password)
		}
		return nil
	})
}

// newPassword reads a password from standard input, or makes one.
func newPassword(e *env, fromStdin bool) (string, error) {
	if !fromStdin {
		return auth.NewSecret("")[:20], nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if why := auth.CheckPassword(password); why != "" {
		return "", fmt.Errorf("password: %s", why)
	}
	return password, nil
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user disable", flag.ContinueOnError)
	email := fs.String("email", "", "the user's e-mail address")
	return withStore(ctx, e, fs, args, []string{"email"}, func(store *sqlstore.Store) error {
		u, err := store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(*email)))
		if err != nil {
			return err
		}
		err = store.InTx(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.DisableUser(u.ID); err != nil {
				return err
			}
			return tx.Audit(&audit.Entry{ActorName: "command line", OrgID: u.OrgID, Action: "user.disable", RecordType: "user", RecordID: u.ID, RecordOrg: u.OrgID})
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "disabled %s; their sessions have ended\n", u.Email)
		return nil
	})
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	role := fs.String("role", "", "the role the token acts with")
	name := fs.String("name", "api", "what the token is for (shown in the audit log)")
	return withStore(ctx, e, fs, args, []string{"org", "role"}, func(store *sqlstore.Store) error {
		if err := waymark.Role(*role).TokenAllowed(); err != nil {
			return fmt.Errorf("--role: %s", waymark.ErrorMessage(err))
		}
		o, err := store.OrgByName(ctx, *org)
		if err != nil {
			return err
		}
		secret := auth.NewSecret("wmt_")
		t := &sqlstore.APIToken{Digest: auth.Digest(secret), OrgID: o.ID, Role: waymark.Role(*role), Name: *name}
		if err := store.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateToken(t) }); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		return nil
	})
}
