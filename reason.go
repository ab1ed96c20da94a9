package waymark

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Why another organisation's child's record may be opened. The owner sees the reason, and a
// category with the case or incident it is for makes a reason that can be checked.
var OpenCategories = []Option{
	{"found", "A child found: finding out who they are"},
	{"missing", "A missing-person investigation"},
	{"referral", "A safeguarding, trafficking (NRM) or court referral"},
	{"care", "Taking over or sharing the child's care"},
	{"other", "Something else (say what in the note)"},
}

// Option is one choice of a coded field and its words for people.
type Option struct{ Value, Label string }

// OpenReason is why a practitioner opens another organisation's child's record.
type OpenReason struct {
	Category  string // one of OpenCategories
	Reference string // the case, incident or crime reference it is for
	Note      string
}

// Normalize checks the reason, naming each field that falls short.
func (o *OpenReason) Normalize() error {
	var p problems
	o.Category, o.Reference, o.Note = strings.TrimSpace(o.Category), clean(o.Reference), clean(o.Note)
	if !slices.ContainsFunc(OpenCategories, func(c Option) bool { return c.Value == o.Category }) {
		p.add("category", "Choose what the record is opened for")
	}
	switch {
	case len([]rune(o.Reference)) < 3 || len([]rune(o.Reference)) > 60 || !strings.ContainsFunc(o.Reference, unicode.IsDigit):
		p.add("reference", "Give the case, incident or crime reference this is for, with its number (e.g. NP-2026-1121)")
	case strings.ContainsFunc(o.Reference, unicode.IsControl):
		p.add("reference", "The reference contains a control character")
	}
	checkLen(&p, "note", o.Note, 500)
	if o.Category == "other" && len([]rune(o.Note)) < 10 {
		p.add("note", "Say in a sentence what the record is opened for")
	}
	return p.err()
}

func (o OpenReason) String() string {
	s := fmt.Sprintf("%s; ref %s", o.Category, o.Reference)
	if o.Note != "" {
		s += "; " + o.Note
	}
	return s
}
