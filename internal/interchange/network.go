package interchange

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

// NetworkLine is one line of network interchange: an entity, named in the file by its ref, or a
// link from a child (by the child's ref) to an entity of the file (by its ref).
type NetworkLine struct {
	Type       string `json:"type"` // "entity" or "link"
	Ref        string `json:"ref,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Value      string `json:"value,omitempty"`
	Details    string `json:"details,omitempty"`
	ChildRef   string `json:"child_ref,omitempty"`
	EntityRef  string `json:"entity_ref,omitempty"`
	Role       string `json:"role,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	Source     string `json:"source,omitempty"`
	Confidence string `json:"confidence,omitempty"`
	Note       string `json:"note,omitempty"`
}

// Network is a network file read and checked: its entities by ref, in the file's order, and its
// links, each with the refs it joins.
type Network struct {
	Entities map[string]*waymark.Entity
	Order    []string
	Links    []NetworkLink
}

// NetworkLink is a link of the file, with the line it was read from.
type NetworkLink struct {
	Line                int
	ChildRef, EntityRef string
	Link                waymark.Link
}

// ParseNetwork reads a network file, checking every line. bad lists each bad line with its number
// and every reason; a network is returned only when there is none. A link may come before the
// entity it names.
func ParseNetwork(r io.Reader, now time.Time) (*Network, []string, error) {
	n := &Network{Entities: map[string]*waymark.Entity{}}
	var bad []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if reasons := n.add(line, text, now); len(reasons) > 0 {
			bad = append(bad, fmt.Sprintf("line %d: %s", line, strings.Join(reasons, "; ")))
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, nil, fmt.Errorf("a line is longer than %d bytes", maxLine)
		}
		return nil, nil, fmt.Errorf("read network file: %w", err)
	}
	for _, l := range n.Links {
		e := n.Entities[l.EntityRef]
		if e == nil {
			bad = append(bad, fmt.Sprintf("line %d: entity_ref %q names no entity of the file", l.Line, l.EntityRef))
			continue
		}
		if err := l.Link.Normalize(e.Kind, now); err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %s", l.Line, fieldProblems(err)))
		}
	}
	if len(bad) > 0 {
		return nil, bad, nil
	}
	return n, nil, nil
}

// maxLine bounds a line: an entity's details or a link's note is at most 8,000 characters.
const maxLine = 1 << 20

func (n *Network) add(line int, text string, now time.Time) []string {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	var nl NetworkLine
	if err := dec.Decode(&nl); err != nil {
		return []string{jsonReason(err)}
	}
	switch nl.Type {
	case "entity":
		e := &waymark.Entity{Kind: nl.Kind, Value: nl.Value, Details: nl.Details}
		var reasons []string
		if err := e.Normalize(); err != nil {
			reasons = append(reasons, fieldProblems(err))
		}
		switch {
		case strings.TrimSpace(nl.Ref) == "":
			reasons = append(reasons, "ref: give the entity a ref for links to name it")
		case n.Entities[nl.Ref] != nil:
			reasons = append(reasons, fmt.Sprintf("ref: %q names two entities", nl.Ref))
		}
		if len(reasons) == 0 {
			n.Entities[nl.Ref], n.Order = e, append(n.Order, nl.Ref)
		}
		return reasons
	case "link":
		var reasons []string
		if strings.TrimSpace(nl.ChildRef) == "" {
			reasons = append(reasons, "child_ref: name the child by their ref")
		}
		if strings.TrimSpace(nl.EntityRef) == "" {
			reasons = append(reasons, "entity_ref: name the entity by its ref in the file")
		}
		l := waymark.Link{Role: nl.Role, From: nl.From, To: nl.To, Source: nl.Source, Confidence: nl.Confidence, Note: nl.Note}
		if err := l.Normalize("", now); err != nil { // whether the role suits the entity is known once every entity is read
			reasons = append(reasons, fieldProblems(err))
		}
		if len(reasons) == 0 {
			n.Links = append(n.Links, NetworkLink{Line: line, ChildRef: nl.ChildRef, EntityRef: nl.EntityRef, Link: l})
		}
		return reasons
	}
	return []string{fmt.Sprintf("type: %q is neither entity nor link", nl.Type)}
}

// fieldProblems says every field problem of err, "field: message; …".
func fieldProblems(err error) string {
	fs := waymark.ErrorFields(err)
	if len(fs) == 0 {
		return err.Error()
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Field + ": " + f.Message
	}
	return strings.Join(out, "; ")
}

// WriteNetwork writes entities (by id) then the links, as network interchange; the entities'
// refs are their Waymark ids, and each link names its child by ref.
func WriteNetwork(w io.Writer, entities []*waymark.Entity, links []*waymark.Link, childRef map[string]string) error {
	enc := json.NewEncoder(w)
	for _, e := range entities {
		if err := enc.Encode(NetworkLine{Type: "entity", Ref: e.ID, Kind: e.Kind, Value: e.Value, Details: e.Details}); err != nil {
			return err
		}
	}
	for _, l := range links {
		if err := enc.Encode(NetworkLine{Type: "link", ChildRef: childRef[l.ChildID], EntityRef: l.EntityID, Role: l.Role, From: l.From, To: l.To,
			Source: l.Source, Confidence: l.Confidence, Note: l.Note}); err != nil {
			return err
		}
	}
	return nil
}
