package waymark

import (
	"slices"
	"strings"
	"time"
)

// Merge joins two records found to be the same child: the survivor keeps both records' identity
// facts and everything that happened to either; the merged record's reference leads to the
// survivor. When the two records belong to different organisations, the other must agree. A merge
// can be undone, leaving both records as they were.
type Merge struct {
	ID             string    `json:"id"`
	SurvivorID     string    `json:"survivor_id"`
	MergedID       string    `json:"merged_id"`
	SurvivorRef    string    `json:"survivor_ref,omitempty"` // read only
	MergedRef      string    `json:"merged_ref,omitempty"`   // names the merged record when merged_id is not given
	Reason         string    `json:"reason"`
	Status         string    `json:"status"`
	RequestedBy    string    `json:"requested_by"`
	RequestedOrgID string    `json:"requested_org_id"`
	OtherOrgID     string    `json:"other_org_id"` // must agree, if not the requester's own
	RequestedAt    time.Time `json:"requested_at"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
	DeclineReason  string    `json:"decline_reason,omitempty"`
	MergedAt       time.Time `json:"merged_at,omitzero"`
	UndoneBy       string    `json:"undone_by,omitempty"`
	UndoneAt       time.Time `json:"undone_at,omitzero"`
}

// Merge states.
const (
	MergeRequested = "requested"
	MergeDeclined  = "declined"
	MergeDone      = "merged"
	MergeUndone    = "undone"
)

// AlertMergeRequested tells an organisation that another asks to merge one of its records.
const AlertMergeRequested = "merge_requested"

// Normalize validates a merge asked for.
func (m *Merge) Normalize() error {
	var p problems
	m.SurvivorID, m.MergedID, m.Reason = strings.TrimSpace(m.SurvivorID), strings.TrimSpace(m.MergedID), clean(m.Reason)
	if m.MergedID == "" || m.MergedID == m.SurvivorID {
		p.add("merged_id", "Choose the other record of this child")
	}
	if m.Reason == "" {
		p.add("reason", "Say why these are the same child: the identification confirmed, the document that matches")
	}
	checkLen(&p, "reason", m.Reason, 1000)
	return p.err()
}

// Absorb adds to c the identity facts of o, the same child recorded again: o's reference and names
// become c's other reference and aliases; documents, phones, biometrics, languages and nationalities are joined; a fact c lacks
// is taken from o, and free text of o's that c does not hold is added below c's.
func (c *Child) Absorb(o *Child) {
	names := append([]Name{{GivenNames: o.GivenNames, FamilyName: o.FamilyName}}, o.Aliases...)
	for _, n := range names {
		same := func(x Name) bool {
			return strings.EqualFold(x.GivenNames, n.GivenNames) && strings.EqualFold(x.FamilyName, n.FamilyName)
		}
		if (n.GivenNames != "" || n.FamilyName != "") && !same(Name{c.GivenNames, c.FamilyName, ""}) && !slices.ContainsFunc(c.Aliases, same) {
			c.Aliases = append(c.Aliases, n)
		}
	}
	c.OtherRefs = union(c.OtherRefs, append([]string{o.Ref}, o.OtherRefs...))
	c.Phones = union(c.Phones, o.Phones)
	c.Languages = union(c.Languages, o.Languages)
	for _, n := range o.Nationalities() {
		if n != c.Nationality && !slices.Contains(c.OtherNationalities, n) {
			if c.Nationality == "" {
				c.Nationality = n
			} else {
				c.OtherNationalities = append(c.OtherNationalities, n)
			}
		}
	}
	for _, d := range o.Documents {
		if !slices.ContainsFunc(c.Documents, func(x Document) bool { return x.Type == d.Type && x.Number == d.Number }) {
			c.Documents = append(c.Documents, d)
		}
	}
	for _, b := range o.Biometrics {
		if !slices.ContainsFunc(c.Biometrics, func(x Biometric) bool { return x.Kind == b.Kind && x.Reference == b.Reference }) {
			c.Biometrics = append(c.Biometrics, b)
		}
	}
	if c.DateOfBirth == "" {
		c.DateOfBirth, c.DOBEstimated, c.AgeBasis = o.DateOfBirth, o.DOBEstimated, o.AgeBasis
	}
	if c.Sex == "" {
		c.Sex = o.Sex
	}
	c.UASC = c.UASC || o.UASC
	for _, f := range []struct {
		to   *string
		from string
	}{{&c.Description, o.Description}, {&c.Marks, o.Marks},
		{&c.HealthNeeds, o.HealthNeeds}, {&c.Concerns, o.Concerns}} {
		if f.from != "" && !strings.Contains(*f.to, f.from) {
			*f.to = strings.TrimSpace(*f.to + "\n" + f.from)
		}
	}
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
