package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// How long what a user sent is kept for them, and how many of each kind at most.
const (
	HeldFor = 2 * time.Hour
	heldMax = 5
)

// HeldRequest is a form posted after its sender's session ended, kept until they sign in again.
type HeldRequest struct {
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	ContentType string    `json:"content_type"`
	At          time.Time `json:"-"`
	Body        []byte    `json:"-"`
}

// HeldPhoto is a photo taken on a form that was sent back for correction.
type HeldPhoto struct {
	Data      []byte
	Thumbnail []byte
}

// HoldRequest keeps a form posted with a session that has ended, sealed, for the user the session
// was theirs; it returns the token that gives it back to them once signed in again. A browser with
// no session that ever signed in can hold nothing.
func (r *Registry) HoldRequest(ctx context.Context, sessionSecret, addr string, req *HeldRequest) (string, error) {
	if sessionSecret == "" {
		return "", waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	userID, err := r.store.EndedSessionUser(ctx, auth.Digest(sessionSecret))
	if err != nil {
		return "", err
	}
	u, err := r.store.User(ctx, userID)
	if err != nil {
		return "", err
	}
	meta, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	a := waymark.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name, Addr: addr}
	return r.hold(ctx, a, "request", append(append(meta, '\n'), req.Body...), "held.request", req.Path)
}

// HeldRequest returns the actor's form held under token, without sending or forgetting it.
func (r *Registry) HeldRequest(ctx context.Context, a waymark.Actor, token string) (*HeldRequest, error) {
	plain, at, err := r.held(ctx, a, token, "request")
	if err != nil {
		return nil, err
	}
	meta, body, _ := bytes.Cut(plain, []byte{'\n'})
	var req HeldRequest
	if err := json.Unmarshal(meta, &req); err != nil {
		return nil, fmt.Errorf("read held form: %w", err)
	}
	req.At, req.Body = at, body
	return &req, nil
}

// TakeHeldRequest returns the actor's form held under token and forgets it, so that it is sent
// once; audited.
func (r *Registry) TakeHeldRequest(ctx context.Context, a waymark.Actor, token string) (*HeldRequest, error) {
	req, err := r.HeldRequest(ctx, a, token)
	if err == nil {
		err = r.DropHeld(ctx, a, token, "held.send", req.Path)
	}
	return req, err
}

// DropHeld forgets what is held under token for the actor; audited as action.
func (r *Registry) DropHeld(ctx context.Context, a waymark.Actor, token, action, what string) error {
	if a.UserID == "" {
		return waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	if err := r.store.DropHeld(ctx, auth.Digest(token), a.UserID); err != nil {
		return err
	}
	return r.store.Audit(ctx, entry(a, action, "held", what, a.OrgID))
}

// HoldPhoto keeps a photo the actor took on a form sent back for correction, so that it need not
// be sent again; it returns the token naming it and its thumbnail.
func (r *Registry) HoldPhoto(ctx context.Context, a waymark.Actor, data []byte) (string, error) {
	if a.UserID == "" {
		return "", waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	img, err := photo.Process(data)
	if err != nil {
		return "", err
	}
	meta, _ := json.Marshal(len(img.Thumbnail))
	return r.hold(ctx, a, "photo", append(append(append(meta, '\n'), img.Thumbnail...), data...), "held.photo", "")
}

// HeldPhoto returns the photo the actor holds under token.
func (r *Registry) HeldPhoto(ctx context.Context, a waymark.Actor, token string) (*HeldPhoto, error) {
	plain, _, err := r.held(ctx, a, token, "photo")
	if err != nil {
		return nil, err
	}
	meta, rest, _ := bytes.Cut(plain, []byte{'\n'})
	var n int
	if err := json.Unmarshal(meta, &n); err != nil || n < 0 || n > len(rest) {
		return nil, fmt.Errorf("read held photo: %d of %d: %v", n, len(rest), err)
	}
	return &HeldPhoto{Thumbnail: rest[:n], Data: rest[n:]}, nil
}

func (r *Registry) hold(ctx context.Context, a waymark.Actor, kind string, plain []byte, action, what string) (string, error) {
	token := auth.NewSecret("")
	err := r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Hold(a.UserID, kind, auth.Digest(token), plain, HeldFor, heldMax); err != nil {
			return err
		}
		return tx.Audit(entry(a, action, "held", what, a.OrgID))
	})
	return token, err
}

func (r *Registry) held(ctx context.Context, a waymark.Actor, token, kind string) ([]byte, time.Time, error) {
	if a.UserID == "" {
		return nil, time.Time{}, waymark.Errorf(waymark.EUNAUTHORIZED, "Please sign in.")
	}
	return r.store.Held(ctx, auth.Digest(token), kind, a.UserID)
}
