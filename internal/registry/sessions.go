package registry

import (
	"context"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
)

// touchEvery bounds the writes that keep sessions and tokens in use alive: one a minute each.
const touchEvery = time.Minute

// Session returns the user signed in by the session with secret, extending the session by idle
// while in use, never past max from the sign-in. A session still pending its second step, a
// disabled user's, or an expired one signs no one in (nil).
func (r *Registry) Session(ctx context.Context, secret string, idle, max time.Duration) (*waymark.User, error) {
	if secret == "" {
		return nil, nil
	}
	se, u, err := r.store.SessionUser(ctx, auth.Digest(secret))
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || err == nil && (u.Disabled || se.Pending != "") {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if now := r.store.Now(); now.Sub(se.LastSeen) > touchEvery {
		expires := now.Add(idle)
		if limit := se.CreatedAt.Add(max); limit.Before(expires) {
			expires = limit
		}
		if err := r.store.TouchSession(ctx, se.Digest, now, expires); err != nil {
			return u, err
		}
	}
	return u, nil
}

// SignOut ends the session with secret.
func (r *Registry) SignOut(ctx context.Context, secret string) error {
	return r.store.DeleteSession(ctx, auth.Digest(secret))
}

var errToken = waymark.Errorf(waymark.EUNAUTHORIZED, "The API token is missing, wrong or revoked.")

// TokenActor returns the actor of an API request bearing header (an Authorization header) from
// addr, noting the token's use.
func (r *Registry) TokenActor(ctx context.Context, header, addr string) (waymark.Actor, error) {
	secret, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return waymark.Actor{}, errToken
	}
	t, err := r.store.TokenByDigest(ctx, auth.Digest(strings.TrimSpace(secret)))
	if waymark.ErrorCode(err) == waymark.ENOTFOUND || err == nil && t.Role.TokenAllowed() != nil {
		return waymark.Actor{}, errToken
	} else if err != nil {
		return waymark.Actor{}, err
	}
	a := waymark.Actor{TokenID: t.ID, OrgID: t.OrgID, Role: t.Role, Name: "token " + t.Name, Addr: addr}
	if now := r.store.Now(); now.Sub(t.LastUsed) > touchEvery {
		err = r.store.TouchToken(ctx, t.ID, now)
	}
	return a, err
}

// May reports whether the actor may act on a child now (where to send them after a write).
func (r *Registry) May(ctx context.Context, a waymark.Actor, act waymark.Action, childID string) bool {
	sc, err := r.store.ChildScope(ctx, childID)
	return err == nil && waymark.Can(a, act, sc) == nil
}
