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
	DueAt         time.Time `json:"due_at"` // when it should be accepted or declined (Due)
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

// TransferWorkingDays is how many working days a council has to accept a transfer under the National
// Transfer Scheme; it is reminded halfway.
const TransferWorkingDays = 10

// Due is when the handover should be accepted or declined: within 4 hours of a handover, within
// 10 working days of a transfer.
func (h *Handover) Due() time.Time {
	if h.Kind == TransferKind {
		return AddWorkingDays(h.RequestedAt, TransferWorkingDays)
	}
	return h.RequestedAt.Add(HandoverAcceptWithin)
}

// Deadlines are the alerts a waiting handover raises, and when: the receiving council is reminded
// halfway through a transfer; when either is overdue, both organisations are told.
func (h *Handover) Deadlines() []Alert {
	due := h.Due()
	overdue, unanswered := AlertHandoverOverdue, AlertHandoverUnanswered
	var out []Alert
	if h.Kind == TransferKind {
		overdue, unanswered = AlertTransferOverdue, AlertTransferUnanswered
		out = append(out, Alert{Kind: AlertTransferReminder, OrgID: h.ToOrgID, DueAt: AddWorkingDays(h.RequestedAt, TransferWorkingDays/2)})
	}
	out = append(out, Alert{Kind: overdue, OrgID: h.ToOrgID, DueAt: due}, Alert{Kind: unanswered, OrgID: h.FromOrgID, DueAt: due})
	for i := range out {
		out[i].Subject, out[i].ChildID = h.ID, h.ChildID
	}
	return out
}

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
	AlertTransferReminder   = "transfer_reminder"   // to the receiving council, halfway through the transfer's working days
	AlertTransferOverdue    = "transfer_overdue"    // to the receiving council, when not accepted in time
	AlertTransferUnanswered = "transfer_unanswered" // the same, to the sending council
)
