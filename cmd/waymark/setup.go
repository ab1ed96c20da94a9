package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/screening"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func init() {
	register(command{"org create", "add an organisation (--name, --kind council|police|border|charity)", runOrgCreate})
	register(command{"user create", "add a user (--org, --role, --email); prints a generated password", runUserCreate})
	register(command{"user reset-password", "give a user a new password for one sign-in, at which they choose their own (--email); prints it", runUserResetPassword})
	register(command{"org completeness", "choose what a child's identification record must hold (--org, --require default|fact,fact: " +
		strings.Join(waymark.IdentificationFacts, ", ") + ")", runOrgCompleteness})
	register(command{"org indicator add", "add one of an organisation's own screening indicators (--org, --code local_…, --text, --why, --ask)", runOrgIndicatorAdd})
	register(command{"org second-factor", "choose the roles that must sign in with an authenticator app as well (--org, --roles default|none|role,role)", runOrgSecondFactor})
	register(command{"org offline", "turn offline capture (records kept on a device until it has signal) off with --off, or on again (--org)", runOrgOffline})
	register(command{"org sso", "sign an organisation's users in through its OpenID Connect provider (--org, --domain, --issuer, --client-id; the secret in $WAYMARK_SSO_CLIENT_SECRET; --off)", runOrgSSO})
	register(command{"user reset-second-factor", "remove a user's authenticator app, lost with their phone; they set up a new one at their next sign-in (--email)", runUserResetSecondFactor})
	register(command{"user disable", "stop a user signing in and end their sessions now (--email)", runUserDisable})
	register(command{"token create", "print a new API token for an organisation and role (--expires, 90 days unless said)", runTokenCreate})
	register(command{"token list", "list API tokens: organisation, role, expiry, last use (--org)", runTokenList})
	register(command{"token revoke", "stop an API token working at once (--id)", runTokenRevoke})
}

func runOrgCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org create", flag.ContinueOnError)
	name := fs.String("name", "", "the organisation's name")
	kind := fs.String("kind", "", "council, police, border or charity")
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
		o := &waymark.Organisation{Name: *name, Kind: *kind}
		if err := reg.CreateOrg(ctx, operator(), o); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created organisation %q (%s), id %s\n", o.Name, o.Kind, o.ID)
		return nil
	})
}

func runUserCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	role := fs.String("role", "", "border, social_worker, manager, police, ictg, key_worker, carer, analyst or admin")
	email := fs.String("email", "", "the user's e-mail address (their sign-in name)")
	name := fs.String("name", "", "the user's full name")
	phone := fs.String("phone", "", "a telephone number, shown to the team around each child they work with")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	return withRegistry(ctx, e, fs, args, []string{"org", "role", "email"}, func(reg *registry.Registry) error {
		password, err := newPassword(e, *stdin)
		if err != nil {
			return err
		}
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		u := &waymark.User{OrgID: o.ID, Email: *email, Name: *name, Role: waymark.Role(*role), Phone: *phone}
		if err := reg.CreateUser(ctx, operator(), u, password); err != nil {
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
	return withRegistry(ctx, e, fs, args, []string{"email"}, func(reg *registry.Registry) error {
		u, err := reg.UserByEmail(ctx, operator(), *email)
		if err != nil {
			return err
		}
		if err := reg.DisableUser(ctx, operator(), u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "disabled %s; their sessions have ended\n", u.Email)
		return nil
	})
}

func runUserResetPassword(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user reset-password", flag.ContinueOnError)
	email := fs.String("email", "", "the user's e-mail address")
	return withRegistry(ctx, e, fs, args, []string{"email"}, func(reg *registry.Registry) error {
		u, err := reg.UserByEmail(ctx, operator(), *email)
		if err != nil {
			return err
		}
		temporary, err := reg.ResetPassword(ctx, operator(), u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password: %s\n(for one sign-in, at which %s chooses their own; give it over a separate channel)\n", temporary, u.Email)
		return nil
	})
}

func runOrgSecondFactor(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org second-factor", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	list := fs.String("roles", "", `"default" (every role but analyst), "none", or roles separated by commas`)
	return withRegistry(ctx, e, fs, args, []string{"org", "roles"}, func(reg *registry.Registry) error {
		roles, err := waymark.ParseRoles(*list)
		if err != nil {
			return fmt.Errorf("--roles: %s", waymark.ErrorMessage(err))
		}
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		if err := reg.SetMFARoles(ctx, operator(), o.ID, roles); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%q: a second factor is required of %s\n", o.Name, waymark.JoinRoles(roles))
		return nil
	})
}

func runOrgCompleteness(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org completeness", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	list := fs.String("require", "", `"default" (`+strings.Join(waymark.DefaultCompleteness, ", ")+`), or facts separated by commas`)
	return withRegistry(ctx, e, fs, args, []string{"org", "require"}, func(reg *registry.Registry) error {
		var rule []string
		if *list != "default" {
			for _, f := range strings.Split(*list, ",") {
				rule = append(rule, strings.TrimSpace(f))
			}
		}
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		if err := reg.SetCompleteness(ctx, operator(), o.ID, rule); err != nil {
			if fs := waymark.ErrorFields(err); len(fs) > 0 {
				return fmt.Errorf("--require: %s", fs[0].Message)
			}
			return err
		}
		fmt.Fprintf(e.stdout, "%q: a child's identification record must hold %s\n", o.Name, waymark.Rule(rule))
		return nil
	})
}

func runOrgIndicatorAdd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org indicator add", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	var in screening.Indicator
	fs.StringVar(&in.Code, "code", "", "its code: "+screening.LocalPrefix+" then small letters, digits and _")
	fs.StringVar(&in.Text, "text", "", "what to look for, as the form shows it")
	fs.StringVar(&in.Why, "why", "", "why it matters")
	fs.StringVar(&in.Ask, "ask", "", "what to ask or do")
	return withRegistry(ctx, e, fs, args, []string{"org", "code", "text", "why", "ask"}, func(reg *registry.Registry) error {
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		if err := reg.AddLocalIndicator(ctx, operator(), o.ID, in); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%q: screenings now offer %s\n", o.Name, in.Code)
		return nil
	})
}

func runOrgSSO(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org sso", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	c := &sqlstore.SSO{}
	fs.StringVar(&c.Domain, "domain", "", "the domain of its users' e-mail addresses (council.example.gov.uk)")
	fs.StringVar(&c.Issuer, "issuer", "", "the provider's issuer URL (Entra ID: https://login.microsoftonline.com/TENANT/v2.0)")
	fs.StringVar(&c.ClientID, "client-id", "", "Waymark's client (application) id at the provider")
	off := fs.Bool("off", false, "turn single sign-on off for the organisation")
	return withRegistry(ctx, e, fs, args, []string{"org"}, func(reg *registry.Registry) error {
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		c.OrgID = o.ID
		if *off {
			if err := reg.RemoveSSO(ctx, operator(), o.ID); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%q: single sign-on is off; its users sign in with their passwords\n", o.Name)
			return nil
		}
		c.ClientSecret = os.Getenv("WAYMARK_SSO_CLIENT_SECRET") // never a flag: a flag shows in the process list
		if err := reg.SetSSO(ctx, operator(), c); err != nil {
			return flagError(err)
		}
		fmt.Fprintf(e.stdout, "%q: users @%s sign in through %s\nregister this redirect URI at the provider: <public-url>/signin/sso/callback\n", o.Name, c.Domain, c.Issuer)
		return nil
	})
}

func runUserResetSecondFactor(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("user reset-second-factor", flag.ContinueOnError)
	email := fs.String("email", "", "the user's e-mail address")
	return withRegistry(ctx, e, fs, args, []string{"email"}, func(reg *registry.Registry) error {
		u, err := reg.UserByEmail(ctx, operator(), *email)
		if err != nil {
			return err
		}
		if err := reg.ResetSecondFactor(ctx, operator(), u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed the authenticator app of %s; they set up a new one at their next sign-in\n", u.Email)
		return nil
	})
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	role := fs.String("role", "", "the role the token acts with")
	name := fs.String("name", "api", "what the token is for (shown in the audit log)")
	expires := fs.String("expires", "90d", "how long the token works: days (30d) or hours (12h), at most a year")
	return withRegistry(ctx, e, fs, args, []string{"org", "role"}, func(reg *registry.Registry) error {
		lifetime, err := parseLifetime(*expires)
		if err != nil {
			return err
		}
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		t, secret, err := reg.CreateToken(ctx, operator(), o.ID, waymark.Role(*role), *name, lifetime)
		if err != nil {
			return flagError(err)
		}
		fmt.Fprintln(e.stdout, secret)
		fmt.Fprintf(e.stderr, "token %s works until %s; revoke it sooner with: waymark token revoke --id %s\n",
			t.ID, t.ExpiresAt.Format(time.DateOnly), t.ID)
		return nil
	})
}

// parseLifetime reads a token's lifetime: whole days ("90d") or a Go duration ("12h").
func parseLifetime(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--expires: %q is not a number of days (30d) or hours (12h)", s)
}

// flagError words a user's error about a field as an error about the flag of that name.
func flagError(err error) error {
	if fs := waymark.ErrorFields(err); len(fs) > 0 {
		return fmt.Errorf("--%s: %s", fs[0].Field, fs[0].Message)
	}
	return err
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("token list", flag.ContinueOnError)
	org := fs.String("org", "", "only this organisation's tokens (default: all)")
	return withRegistry(ctx, e, fs, args, nil, func(reg *registry.Registry) error {
		orgID, err := orgIDNamed(ctx, reg, *org)
		if err != nil {
			return err
		}
		ts, err := reg.Tokens(ctx, operator(), orgID)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tORGANISATION\tROLE\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		now, names := reg.Now(), map[string]string{}
		for _, t := range ts {
			if _, ok := names[t.OrgID]; !ok {
				o, err := reg.Org(ctx, operator(), t.OrgID)
				if err != nil {
					return err
				}
				names[t.OrgID] = o.Name
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, names[t.OrgID], t.Role, t.Name, day(t.CreatedAt),
				day(t.ExpiresAt), day(t.LastUsed), tokenState(t, now))
		}
		return w.Flush()
	})
}

func tokenState(t *sqlstore.APIToken, now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked " + day(t.RevokedAt)
	case !t.Live(now):
		return "expired"
	}
	return "live"
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("token revoke", flag.ContinueOnError)
	id := fs.String("id", "", "the token's id (waymark token list)")
	return withRegistry(ctx, e, fs, args, []string{"id"}, func(reg *registry.Registry) error {
		if err := reg.RevokeToken(ctx, operator(), *id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked token %s: it no longer works\n", *id)
		return nil
	})
}

func runOrgOffline(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("org offline", flag.ContinueOnError)
	org := fs.String("org", "", "the organisation's name")
	off := fs.Bool("off", false, "turn offline capture off (without it: on)")
	return withRegistry(ctx, e, fs, args, []string{"org"}, func(reg *registry.Registry) error {
		o, err := reg.OrgByName(ctx, operator(), *org)
		if err != nil {
			return err
		}
		if err := reg.SetOfflineOff(ctx, operator(), o.ID, *off); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "offline capture for %s: %s\n", o.Name, map[bool]string{true: "off", false: "on"}[*off])
		return nil
	})
}
