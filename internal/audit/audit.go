// Package audit defines the audit log's entries and its chain: each entry's hash is an HMAC, under
// a key kept outside the database, of its fields and the previous entry's hash, so a changed,
// inserted or deleted entry breaks the chain, and whoever can write the database but not read the
// key cannot write a new chain over it. Cutting the chain's tail is found by an anchor: the chain's
// head at one moment, signed and kept elsewhere.
package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Entry records who did what to which record, when, from where, and why.
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	UserID     string    `json:"user_id,omitempty"`
	TokenID    string    `json:"token_id,omitempty"`
	ActorName  string    `json:"actor,omitempty"`
	OrgID      string    `json:"org_id,omitempty"`
	Action     string    `json:"action"`
	RecordType string    `json:"record_type,omitempty"`
	RecordID   string    `json:"record_id,omitempty"`
	RecordOrg  string    `json:"record_org,omitempty"`
	Addr       string    `json:"addr,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Outcome    string    `json:"outcome"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// Outcomes of an audited action.
const (
	Allowed = "allowed"
	Denied  = "denied"
)

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Sum computes the entry's hash from its fields and PrevHash: an HMAC-SHA256 under key, or a plain
// SHA-256 when key is nil (the unkeyed chain of databases made before the key, read once to rekey).
func (e *Entry) Sum(key []byte) string {
	fields := []string{
		strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.TokenID, e.ActorName,
		e.OrgID, e.Action, e.RecordType, e.RecordID, e.RecordOrg, e.Addr, e.Reason, e.Outcome, e.PrevHash,
	}
	h := sha256.New()
	if key != nil {
		h = hmac.New(sha256.New, key)
	}
	for _, f := range fields {
		// Length-prefixed, so that no two different entries share an encoding.
		fmt.Fprintf(h, "%d:%s|", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Problem is one break in the chain.
type Problem struct {
	Seq    int64
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("entry %d: %s", p.Seq, p.Reason) }

// Verifier checks entries fed to it in sequence order, under the chain's key.
type Verifier struct {
	key      []byte
	prev     string
	next     int64
	anchor   *Anchor
	anchored bool // the anchor's entry was met, with the anchor's hash
	Checked  int64
	Problems []Problem
}

// NewVerifier starts a verification at the first entry. With an anchor, it also checks that the
// anchored entry is still there with the anchored hash, and so that nothing before it changed.
func NewVerifier(key []byte, anchor *Anchor) *Verifier {
	return &Verifier{key: key, prev: Genesis, next: 1, anchor: anchor}
}

// Add checks the next entry.
func (v *Verifier) Add(e Entry) {
	v.Checked++
	var why []string
	if e.Seq != v.next {
		why = append(why, fmt.Sprintf("expected entry %d here: entries were deleted or inserted", v.next))
	}
	if e.PrevHash != v.prev {
		why = append(why, "does not follow from the entry before it")
	}
	if e.Sum(v.key) != e.Hash {
		why = append(why, "its contents were changed after it was written, or it was written without the chain's key")
	}
	if v.anchor != nil && e.Seq == v.anchor.Seq {
		if e.Hash != v.anchor.Hash {
			why = append(why, "it is not the entry the anchor recorded: the log before the anchor was rewritten")
		} else {
			v.anchored = true
		}
	}
	if len(why) > 0 {
		v.Problems = append(v.Problems, Problem{e.Seq, strings.Join(why, "; ")})
	}
	v.prev, v.next = e.Hash, e.Seq+1
}

// Finish checks the chain's head against the stored head (seq and hash), which catches deleted tail entries.
func (v *Verifier) Finish(headSeq int64, headHash string) {
	if headSeq != v.next-1 || (headSeq > 0 && headHash != v.prev) {
		v.Problems = append(v.Problems, Problem{headSeq, fmt.Sprintf("the log ends at entry %d but its head records entry %d: entries at the end were removed", v.next-1, headSeq)})
	}
	if v.anchor != nil && !v.anchored && v.anchor.Seq > v.next-1 {
		v.Problems = append(v.Problems, Problem{v.anchor.Seq, fmt.Sprintf("the anchor records entry %d, but the log ends at entry %d: entries at the end were removed", v.anchor.Seq, v.next-1)})
	}
}
