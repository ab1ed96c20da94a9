package audit

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Anchor is the chain's head at one moment, signed with a key kept outside the database. Kept
// elsewhere (another machine, a printout, the data protection officer's mailbox), it shows later
// that the log up to that entry is the one that was anchored, and that the log was not cut before it.
type Anchor struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`
	PublicKey []byte    `json:"public_key"`
	Signature []byte    `json:"signature"`
}

func (a *Anchor) signed() []byte {
	return []byte("waymark audit anchor v1|" + strconv.FormatInt(a.Seq, 10) + "|" + a.Hash + "|" + a.At.UTC().Format(time.RFC3339Nano))
}

// NewAnchor signs the head seq, hash at at.
func NewAnchor(seq int64, hash string, at time.Time, key ed25519.PrivateKey) *Anchor {
	a := &Anchor{Seq: seq, Hash: hash, At: at.UTC(), PublicKey: key.Public().(ed25519.PublicKey)}
	a.Signature = ed25519.Sign(key, a.signed())
	return a
}

// ErrAnchor means an anchor is not one this installation signed, or was altered.
var ErrAnchor = errors.New("the anchor's signature does not verify with this installation's key: it was altered, or made elsewhere")

// ParseAnchor reads an anchor and checks its signature against the installation's public key.
func ParseAnchor(data []byte, key ed25519.PublicKey) (*Anchor, error) {
	var a Anchor
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("read anchor: %w", err)
	}
	if !ed25519.Verify(key, a.signed(), a.Signature) {
		return nil, ErrAnchor
	}
	return &a, nil
}
