// Package interchange reads and writes the child interchange of the design (§6): JSON Lines, one
// child a line, with the source system's ref and optional events.
package interchange

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/screening"
)

// Record is one line: a child and what happened to them.
type Record struct {
	waymark.Child
	Events []Event `json:"events,omitempty"`
}

// Event is a referral, placement, missing episode or screening.
type Event struct {
	Type               string   `json:"type"`
	Date               string   `json:"date,omitempty"`
	Agency             string   `json:"agency,omitempty"`
	Start              string   `json:"start,omitempty"`
	End                string   `json:"end,omitempty"`
	PlacementType      string   `json:"placement_type,omitempty"`
	ProviderKind       string   `json:"provider_kind,omitempty"`
	Postcode           string   `json:"postcode,omitempty"`
	OfstedURN          string   `json:"ofsted_urn,omitempty"`
	Kind               string   `json:"kind,omitempty"` // missing (default) or absent
	FoundAt            string   `json:"found_at,omitempty"`
	FoundCircumstances string   `json:"found_circumstances,omitempty"`
	InterviewAt        string   `json:"interview_at,omitempty"`
	Outcome            string   `json:"outcome,omitempty"`
	Exploitation       []string `json:"exploitation,omitempty"`
	Indicators         []string `json:"indicators,omitempty"` // a screening's, of the shipped catalogue
	// An nrm event: the referral (its date is date) and its decisions.
	RGOutcome string `json:"rg_outcome,omitempty"`
	RGDate    string `json:"rg_date,omitempty"`
	CGOutcome string `json:"cg_outcome,omitempty"`
	CGDate    string `json:"cg_date,omitempty"`
}

// NRM is an nrm event's referral, referred on the day of on (the event's date, read).
func (e *Event) NRM(on time.Time) *waymark.NRMReferral {
	n := &waymark.NRMReferral{RGOutcome: e.RGOutcome, RGDate: e.RGDate, CGOutcome: e.CGOutcome, CGDate: e.CGDate}
	if !on.IsZero() {
		n.ReferredOn = on.UTC().Format(waymark.DateLayout)
	}
	return n
}

// EventTypes are the kinds of event; their vocabularies are the domain's (waymark.PlacementTypes, …).
var EventTypes = []string{"referral", "placement", "missing", "screening", "nrm"}

// LineError is a bad line: its number and every reason.
type LineError struct {
	Line    int
	Ref     string
	Reasons []string
}

func (e LineError) Error() string {
	ref := ""
	if e.Ref != "" {
		ref = " (ref " + e.Ref + ")"
	}
	return fmt.Sprintf("line %d%s: %s", e.Line, ref, strings.Join(e.Reasons, "; "))
}

// Parse reads one line strictly and normalises it; the error lists every problem found.
func Parse(line []byte, now time.Time) (*Record, []string) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, []string{jsonReason(err)}
	}
	if dec.More() {
		return nil, []string{"more than one JSON value on the line"}
	}
	var reasons []string
	if strings.TrimSpace(r.Ref) == "" {
		reasons = append(reasons, "ref: every line needs the source system's reference")
	}
	if err := r.Child.Normalize(now); err != nil {
		for _, f := range waymark.ErrorFields(err) {
			reasons = append(reasons, f.Field+": "+f.Message)
		}
	}
	for i := range r.Events {
		reasons = append(reasons, r.Events[i].check(i, now)...)
	}
	return &r, reasons
}

func jsonReason(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s: wrong type (JSON %s)", typeErr.Field, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("not valid JSON (at character %d)", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return strings.TrimPrefix(err.Error(), "json: ") + " is not part of the interchange"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the line is cut short"
	}
	return "not a JSON object"
}

func (e *Event) check(i int, now time.Time) []string {
	var bad []string
	at := fmt.Sprintf("events[%d]", i)
	date := func(field, v string, required bool) time.Time {
		if v == "" {
			if required {
				bad = append(bad, fmt.Sprintf("%s.%s: required", at, field))
			}
			return time.Time{}
		}
		for _, layout := range []string{time.RFC3339, waymark.DateLayout} {
			if t, err := time.Parse(layout, v); err == nil {
				return t
			}
		}
		bad = append(bad, fmt.Sprintf("%s.%s: %q is not an ISO 8601 date or date-time", at, field, v))
		return time.Time{}
	}
	oneOf := func(field, v string, allowed []string) {
		if v != "" && !slices.Contains(allowed, v) {
			bad = append(bad, fmt.Sprintf("%s.%s: %q is not one of %s", at, field, v, strings.Join(allowed, ", ")))
		}
	}
	switch e.Type {
	case "referral":
		date("date", e.Date, true)
		oneOf("agency", e.Agency, waymark.Agencies)
	case "placement", "missing":
		start, end := date("start", e.Start, true), date("end", e.End, false)
		if !start.IsZero() && !end.IsZero() && end.Before(start) {
			bad = append(bad, at+".end: before its start")
		}
		if e.Type == "placement" {
			oneOf("placement_type", e.PlacementType, waymark.PlacementTypes)
			oneOf("provider_kind", e.ProviderKind, waymark.ProviderKinds)
		} else {
			oneOf("kind", e.Kind, waymark.MissingKinds)
			oneOf("found_circumstances", e.FoundCircumstances, waymark.FoundCircumstances)
			date("found_at", e.FoundAt, false)
			date("interview_at", e.InterviewAt, false)
		}
	case "screening":
		date("date", e.Date, true)
		oneOf("outcome", e.Outcome, waymark.ScreeningOutcomes)
		for _, x := range e.Exploitation {
			oneOf("exploitation", x, waymark.ExploitationTypes)
		}
		for _, x := range e.Indicators {
			if !screening.Shipped.Has(x) {
				bad = append(bad, fmt.Sprintf("%s.indicators: %q is not in the indicator catalogue %s", at, x, screening.Shipped.Version))
			}
		}
	case "nrm":
		n := e.NRM(date("date", e.Date, true))
		for _, f := range waymark.ErrorFields(n.Normalize(now)) {
			bad = append(bad, fmt.Sprintf("%s.%s: %s", at, f.Field, f.Message))
		}
	default:
		bad = append(bad, fmt.Sprintf("%s.type: %q is not one of %s", at, e.Type, strings.Join(EventTypes, ", ")))
	}
	return bad
}

// ReadAll parses every line of r (blank lines skipped), returning the good records and every bad
// line; a ref used twice in one file is bad on its second line.
func ReadAll(r io.Reader, now time.Time, progress func(bytes int)) ([]*Record, []LineError, error) {
	var good []*Record
	bad, err := Scan(r, now, progress, func(rec *Record, _ int) error { good = append(good, rec); return nil })
	if err != nil {
		return nil, nil, err
	}
	return good, bad, nil
}

// Scan parses r line by line as ReadAll does, handing each good record to each with the number of
// bad lines before it, and keeping only the bad lines and the refs seen: a file of any size is
// read in bounded memory.
func Scan(r io.Reader, now time.Time, progress func(bytes int), each func(rec *Record, badBefore int) error) ([]LineError, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var bad []LineError
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if progress != nil {
			progress(len(line) + 1)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, reasons := Parse(line, now)
		if rec != nil && rec.Ref != "" {
			if first, dup := seen[rec.Ref]; dup {
				reasons = append(reasons, fmt.Sprintf("ref %q already on line %d", rec.Ref, first))
			} else {
				seen[rec.Ref] = n
			}
		}
		if len(reasons) > 0 {
			le := LineError{Line: n, Reasons: reasons}
			if rec != nil {
				le.Ref = rec.Ref
			}
			bad = append(bad, le)
			continue
		}
		if err := each(rec, len(bad)); err != nil {
			return bad, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return bad, nil
}

// Write writes one record as a line.
func Write(w io.Writer, r *Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
