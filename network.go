package waymark

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark/internal/fold"
)

// Entity is someone or something around children that matters to their safety: an adult of
// concern, a phone, an address, a vehicle, a social-media handle, a premises. The same phone,
// address or adult around two children is itself intelligence, so an entity is one for the whole
// registry: a phone, a registration, a handle or an address is recorded once, whoever records it.
type Entity struct {
	ID         string    `json:"id,omitempty"`
	Kind       string    `json:"kind"`              // EntityKinds
	Value      string    `json:"value"`             // the name, number, registration, address or handle (sealed)
	Details    string    `json:"details,omitempty"` // anything more: a description, who uses it (sealed)
	OrgID      string    `json:"org_id,omitempty"`  // who recorded it first
	RecordedBy string    `json:"recorded_by,omitempty"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
}

// EntityKinds are the kinds of entity.
var EntityKinds = []string{"person", "phone", "address", "vehicle", "handle", "premises"}

// Normalize checks the entity, naming each bad field, and writes its value in one form.
func (e *Entity) Normalize() error {
	var p problems
	e.Kind, e.Value, e.Details = strings.TrimSpace(e.Kind), clean(e.Value), strings.TrimSpace(e.Details)
	switch v, err := entityValue(e.Kind, e.Value); {
	case !p.oneOf("kind", "what it is", e.Kind, EntityKinds):
	case e.Value == "":
		p.add("value", "Enter the %s", entityWhat[e.Kind])
	case err != nil:
		p.add("value", "%s", ErrorMessage(err))
	default:
		e.Value = v
	}
	checkLen(&p, "value", e.Value, 300)
	checkLen(&p, "details", e.Details, 8000)
	return p.err()
}

var entityWhat = map[string]string{"person": "person's name or nickname", "phone": "phone number", "address": "address",
	"vehicle": "vehicle registration", "handle": "social-media handle", "premises": "premises' name"}

var vrm = regexp.MustCompile(`^[A-Z0-9]{2,8}$`)

// entityValue writes a value in the one form its kind is searched by.
func entityValue(kind, v string) (string, error) {
	switch kind {
	case "phone":
		return NormalizePhone(v)
	case "vehicle":
		r := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(v))
		if !vrm.MatchString(r) {
			return v, Errorf(EINVALID, "A registration is 2 to 8 letters and digits, not %q", v)
		}
		return r, nil
	case "handle":
		return strings.ToLower(strings.TrimPrefix(v, "@")), nil
	}
	return v, nil
}

// SearchKeys are what an entity is found by: one that names it (none for a person or a premises,
// whose names are not unique) first, then any other (the postcode of an address or a premises).
func (e *Entity) SearchKeys() (name string, others []string) {
	switch e.Kind {
	case "phone", "vehicle", "handle":
		return e.Kind + ":" + e.Value, nil
	case "address", "premises": // a premises is found by its address's postcode, as an address is
		if pc := Postcode(e.Value); pc != "" {
			others = []string{"postcode:" + pc}
		}
		if e.Kind == "address" {
			return "address:" + fold.String(e.Value), others
		}
	}
	return "", others
}

var postcodeIn = regexp.MustCompile(`(?i)\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b`)

// Postcode returns the UK postcode in an address, written without a space, or "".
func Postcode(address string) string {
	m := postcodeIn.FindStringSubmatch(address)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1] + m[2])
}

// Link joins a child to an entity: how (the role), when, on what evidence, and how sure.
type Link struct {
	ID         string  `json:"id,omitempty"`
	ChildID    string  `json:"child_id,omitempty"`
	EntityID   string  `json:"entity_id,omitempty"`
	Entity     *Entity `json:"entity,omitempty"` // a new entity, or the one linked when read
	OrgID      string  `json:"org_id,omitempty"`
	Role       string  `json:"role"`           // LinkRoles
	From       string  `json:"from"`           // YYYY-MM-DD
	To         string  `json:"to,omitempty"`   // YYYY-MM-DD; empty while it goes on or is not known
	Source     string  `json:"source"`         // LinkSources
	Confidence string  `json:"confidence"`     // Confidences
	Note       string  `json:"note,omitempty"` // sealed
	RecordedBy string  `json:"recorded_by,omitempty"`
}

// LinkRoles are how a child is linked to an entity, each with the kinds of entity it joins.
var LinkRoles = []string{"trafficker_suspected", "exploiter_suspected", "associate", "claimed_relative", "found_with",
	"collected_by", "cawn", "called_from", "contacted_by", "lived_at", "found_at", "worked_at", "transported_in", "other"}

var roleKinds = map[string][]string{
	"trafficker_suspected": {"person"}, "exploiter_suspected": {"person"}, "associate": {"person"}, "claimed_relative": {"person"},
	"found_with": {"person"}, "collected_by": {"person", "vehicle"}, "cawn": {"person"},
	"called_from": {"phone"}, "contacted_by": {"phone", "handle", "person"},
	"lived_at": {"address", "premises"}, "found_at": {"address", "premises"}, "worked_at": {"address", "premises"},
	"transported_in": {"vehicle"}, "other": EntityKinds,
}

// LinkSources are where knowledge of a link comes from; earlier_notes is the free text of people
// and places of concern written before links were recorded.
var LinkSources = append(slices.Clone(ExploitationSources), "earlier_notes")

// Confidences say how sure the recorder is of a link.
var Confidences = []string{"confirmed", "probable", "possible"}

// Normalize checks the link, and the new entity it carries, naming each bad field. The role must
// suit the kind of entity (a child lives at an address, not at a phone).
func (l *Link) Normalize(kind string, now time.Time) error {
	var p problems
	l.Role, l.Source, l.Confidence, l.Note = strings.TrimSpace(l.Role), strings.TrimSpace(l.Source), strings.TrimSpace(l.Confidence), strings.TrimSpace(l.Note)
	if p.oneOf("role", "how the child is linked", l.Role, LinkRoles) && kind != "" && !slices.Contains(roleKinds[l.Role], kind) {
		p.add("role", "A child is not linked to a %s as %q: choose a role for a %s", kind, Label(l.Role), kind)
	}
	p.oneOf("source", "where this comes from", l.Source, LinkSources)
	p.oneOf("confidence", "how sure this is", l.Confidence, Confidences)
	if strings.TrimSpace(l.From) == "" {
		p.add("from", "Enter when the link was first known")
	} else if l.From = checkDate(&p, "from", "The date from", l.From); l.From > now.Format(DateLayout) {
		p.add("from", "The date from cannot be in the future")
	}
	switch l.To = checkDate(&p, "to", "The date to", l.To); {
	case l.To != "" && l.To < l.From:
		p.add("to", "The date to cannot be before the date from")
	case l.To > now.Format(DateLayout):
		p.add("to", "The date to cannot be in the future")
	}
	checkLen(&p, "note", l.Note, 8000)
	return p.err()
}

// OverlapWindow and OverlapChildren say when an entity's children are themselves intelligence:
// this many children linked to one phone, adult, address or premises within the window.
const (
	OverlapWindow   = 60 * 24 * time.Hour
	OverlapChildren = 3
)

// EntitySearch is what a practitioner searches the network with: a phone, a registration, an
// address (or its postcode) or a handle, as written, or an entity already found (its id).
type EntitySearch struct {
	Phone, VRM, Address, Handle, Entity string
}

// Keys returns the search keys of what was given, naming a value that cannot be one.
func (q EntitySearch) Keys() ([]string, error) {
	var p problems
	var keys []string
	for _, f := range []struct{ field, kind, v string }{{"phone", "phone", q.Phone}, {"vrm", "vehicle", q.VRM}, {"address", "address", q.Address}, {"handle", "handle", q.Handle}} {
		if strings.TrimSpace(f.v) == "" {
			continue
		}
		e := &Entity{Kind: f.kind, Value: f.v}
		if err := e.Normalize(); err != nil {
			for _, fe := range ErrorFields(err) {
				p.add(f.field, "%s", fe.Message)
			}
			continue
		}
		name, others := e.SearchKeys()
		if f.kind == "address" && len(others) > 0 {
			keys = append(keys, others...) // an address is found by its postcode, however its lines are written
			continue
		}
		keys = append(keys, name)
	}
	if len(keys) == 0 && len(p) == 0 && q.Entity == "" {
		p.add("phone", "Enter a phone number, a vehicle registration, an address or postcode, or a handle")
	}
	return keys, p.err()
}
