package waymark

import (
	"strings"
	"time"
)

// Handover is a child's care passing from one organisation to another: from the border force or
// police who recorded them to the council whose area it is, or from one council to another (the
// National Transfer Scheme). Until the receiving council accepts, the sending organisation stays
// responsible, and keeps every alert.
type Handover struct {
	ID            string    `json:"id"`
	ChildID       string    `json:"child_id"`
	ChildRef      string    `json:"child_ref,omitempty"` // the sending organisation's reference, read only
	FromOrgID     string    `json:"from_org_id"`
	ToOrgID       string    `json:"to_org_id"`
	Kind          string    `json:"kind"` // HandoverKind or TransferKind
	Reason        string    `json:"reason"`
	Note          string    `json:"note,omitempty"`
	Status        string    `json:"status"`
	RequestedBy   string    `json:"requested_by"`
	RequestedAt   time.Time `json:"requested_at"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	DeclineReason string    `json:"decline_reason,omitempty"`
}

// Handover kinds and states.
const (
	HandoverKind = "handover" // from whoever first met the child to the council responsible
	TransferKind = "transfer" // between councils

	HandoverOpen     = "open"
	HandoverAccepted = "accepted"
	HandoverDeclined = "declined"
)

// HandoverAcceptWithin is how long a receiving council has to accept a handover before both
// organisations' managers are alerted.
const HandoverAcceptWithin = 4 * time.Hour

// Normalize validates a handover asked for.
func (h *Handover) Normalize() error {
	var p problems
	h.ToOrgID, h.Reason, h.Note = strings.TrimSpace(h.ToOrgID), clean(h.Reason), strings.TrimSpace(h.Note)
	if h.ToOrgID == "" {
		p.add("to_org_id", "Choose the council the child is handed to")
	}
	if h.Reason == "" {
		p.add("reason", "Say why the child is handed over, such as: found in the council's area")
	}
	checkLen(&p, "reason", h.Reason, 300)
	checkLen(&p, "note", h.Note, 2000)
	return p.err()
}

// Alert kinds of handovers.
const (
	AlertHandoverRequested  = "handover_requested"  // to the receiving council, at once
	AlertHandoverOverdue    = "handover_overdue"    // to the receiving council, when not accepted in time
	AlertHandoverUnanswered = "handover_unanswered" // the same, to the sending organisation
	AlertHandoverDeclined   = "handover_declined"   // to the sending organisation
)
