package registry

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Sign-in throttling. Failures are counted per account and client address, so one address cannot
// lock a user out everywhere, and per account from every address, with a slower back-off, so many
// addresses cannot guess freely either. Each lock doubles from a minute up to its cap.
var (
	addrLock    = lockPolicy{free: 5, max: time.Hour}
	accountLock = lockPolicy{free: 20, max: 15 * time.Minute}
)

// failuresFade is how long a failure is remembered when no other follows it.
const failuresFade = 24 * time.Hour

// bookkeeping bounds the sign-in's own writes, which go on whether or not the client is still there.
const bookkeeping = 15 * time.Second

type lockPolicy struct {
	free int
	max  time.Duration
}

func (p lockPolicy) after(failed int) time.Duration {
	if failed < p.free {
		return 0
	}
	return min(time.Minute<<min(failed-p.free, 10), p.max)
}

var errSignIn = waymark.Errorf(waymark.EUNAUTHORIZED, "The e-mail address or password is not right.")

// pendingFor is how long a session that has passed the password waits for its second step.
const pendingFor = 10 * time.Minute

// SignedIn is a sign-in that went through: the user, and the secret of their session for the
// cookie. Pending says what is still to come before the session opens anything: "" nothing,
// "code" the code of their second factor, "enrol" setting one up, which their role requires.
type SignedIn struct {
	User    *waymark.User
	Secret  string
	Pending string
}

// SignIn checks an e-mail address and password from a client address and, when they are right,
// opens a session lasting idle (or a pending one, when a second step is to come). Unknown addresses, disabled users and wrong
// passwords get the same answer, take as long and are counted alike. Once the password has been
// hashed, the counting, the audit and the session no longer depend on ctx: a client that goes
// away mid-request cannot undo the count, nor tell a right password by a different failure.
func (r *Registry) SignIn(ctx context.Context, email, password, addr string, idle time.Duration) (*SignedIn, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	account := auth.Digest(email)
	if err := r.signInAllowed(ctx, email, account, addr); err != nil {
		return nil, err
	}
	// The user is read first: once the hashing has begun, nothing depends on the client.
	u, err := r.store.UserByEmail(ctx, email)
	if waymark.ErrorCode(err) == waymark.ENOTFOUND {
		u = nil
	} else if err != nil {
		return nil, err
	}
	release, err := r.Hashing.Acquire(ctx)
	if errors.Is(err, auth.ErrBusy) {
		return nil, waymark.Errorf(waymark.EUNAVAILABLE, "Waymark is busy signing others in. Try again in a few seconds.")
	} else if err != nil {
		return nil, err
	}
	ok := false
	if u != nil {
		ok, _ = auth.VerifyPassword(u.PasswordHash, password)
	} else {
		auth.DummyVerify(password)
	}
	release()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeeping)
	defer cancel()
	if !ok || u.Disabled {
		if err := r.countFailure(ctx, u, account, addr, ""); err != nil {
			return nil, err
		}
		return nil, errSignIn
	}
	pending, err := r.secondStep(ctx, u)
	if err != nil {
		return nil, err
	}
	if pending != "" {
		return r.openSession(ctx, u, addr, pendingFor, pending, "password", nil)
	}
	return r.openSession(ctx, u, addr, idle, "", "password", func(tx *sqlstore.Tx) error {
		return tx.ClearSignInFailures(account, addr, r.store.Now().Add(-failuresFade))
	})
}

// signInAllowed refuses a sign-in attempt from addr that comes too fast, or to an account locked
// for it. A locked attempt is refused unchecked, and still written down, so that an admin sees
// guessing go on through a lock.
func (r *Registry) signInAllowed(ctx context.Context, email, account, addr string) error {
	if ok, retry := r.SignInRate.Allow(addr); !ok {
		return tooMany(retry)
	}
	until, err := r.store.SignInLock(ctx, account, addr)
	if err != nil {
		return err
	}
	now := r.store.Now()
	if !now.Before(until) {
		return nil
	}
	u, err := r.store.UserByEmail(ctx, email)
	if err != nil && waymark.ErrorCode(err) != waymark.ENOTFOUND {
		return err
	}
	e := failedSignIn(u, err == nil, addr)
	e.Reason = "locked: not checked"
	if err := r.store.Audit(ctx, e); err != nil {
		return err
	}
	return tooMany(until.Sub(now))
}

// openSession opens a session for u lasting idle, pending a second step or not, with then's
// writes in its transaction; a full one is audited as the sign-in, with how it was made.
func (r *Registry) openSession(ctx context.Context, u *waymark.User, addr string, idle time.Duration, pending, how string, then func(*sqlstore.Tx) error) (*SignedIn, error) {
	secret := auth.NewSecret("wms_") // new at every step: a session id planted or seen before is worthless
	now := r.store.Now()
	se := &sqlstore.Session{Digest: auth.Digest(secret), UserID: u.ID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(idle), Addr: addr, Pending: pending}
	err := r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.CreateSession(se); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx); err != nil {
				return err
			}
		}
		e := &audit.Entry{UserID: u.ID, ActorName: u.Name, OrgID: u.OrgID, Action: "signin", RecordType: "user", RecordID: u.ID, Addr: addr, Reason: how}
		if pending != "" {
			e.Action, e.Reason = "signin.password", "second step to come: "+pending
		}
		return tx.Audit(e)
	})
	if err != nil {
		return nil, err
	}
	return &SignedIn{User: u, Secret: secret, Pending: pending}, nil
}

// countFailure counts a failed sign-in against the account from addr and from everywhere, locks
// whichever has had too many, and audits the attempt (u is nil for an unknown address) with why.
func (r *Registry) countFailure(ctx context.Context, u *waymark.User, account, addr, why string) error {
	e := failedSignIn(u, u != nil, addr)
	e.Reason = why
	now := r.store.Now()
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		for _, c := range []struct {
			addr   string
			policy lockPolicy
		}{{addr, addrLock}, {"", accountLock}} {
			failed, err := tx.CountSignInFailure(account, c.addr, now.Add(-failuresFade))
			if err != nil {
				return err
			}
			if d := c.policy.after(failed); d > 0 {
				if err := tx.LockSignIn(account, c.addr, now.Add(d)); err != nil {
					return err
				}
			}
		}
		return tx.Audit(e)
	})
}

// failedSignIn is the audit entry of a refused sign-in, to the user's account when known.
func failedSignIn(u *waymark.User, known bool, addr string) *audit.Entry {
	e := &audit.Entry{ActorName: "unknown account", Action: "signin", RecordType: "user", Addr: addr, Outcome: audit.Denied}
	if known {
		e.UserID, e.ActorName, e.OrgID, e.RecordID = u.ID, u.Email, u.OrgID, u.ID
	}
	return e
}

func tooMany(wait time.Duration) error {
	mins := int(wait.Minutes()) + 1
	return waymark.Errorf(waymark.ETOOMANY, "Too many attempts. Try again in %d minute(s), or ask your administrator.", mins)
}
