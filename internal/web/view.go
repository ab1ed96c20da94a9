package web

import (
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/waymark-org/waymark"
)

// View is what every page template receives.
type View struct {
	Title  string
	Actor  waymark.Actor
	Flash  string
	Errors []waymark.FieldError
	Form   url.Values
	Data   any
	// Refresh, when set, reloads the page after that many seconds (a report still being made).
	Refresh int
	// Script runs the offline first-contact app on the page: the one page with script.
	Script bool
}

// Can reports whether the viewer's role has the action at all (for menus and buttons).
func (v *View) Can(action string) bool { return v.Actor.Role.Allowed(waymark.Action(action)) }

// Val returns what was typed into a field.
func (v *View) Val(name string) string { return v.Form.Get(name) }

// Err returns the first error for a field, or "".
func (v *View) Err(name string) string {
	for _, e := range v.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// Field is one form control as a template draws it.
type Field struct {
	Name, Label, Hint, Type, Value, Error, Auto string
	Options                                     []Option
	Checked                                     []string // for a group of checkboxes
}

// Ticked reports whether value is among those sent for the form's field name.
func (v *View) Ticked(name, value string) bool { return slices.Contains(v.Form[name], value) }

// IsChecked reports whether a checkbox of the group is ticked.
func (f Field) IsChecked(value string) bool { return slices.Contains(f.Checked, value) }

// Option is one choice of a select.
type Option struct{ Value, Label string }

// F describes a text-like input (typ is the input type; "" for a textarea).
func (v *View) F(name, label, hint, typ string) Field {
	return Field{Name: name, Label: label, Hint: hint, Type: typ, Value: v.Val(name), Error: v.Err(name)}
}

// Sel describes a select.
func (v *View) Sel(name, label, hint string, opts []Option) Field {
	f := v.F(name, label, hint, "")
	f.Options = opts
	return f
}

// Checks describes a group of checkboxes.
func (v *View) Checks(name, label, hint string, opts []Option) Field {
	f := v.Sel(name, label, hint, opts)
	f.Checked = v.Form[name]
	return f
}

// Options turns codes into choices labelled in words, with a blank first choice when blank is set.
func Options(blank string, codes ...string) []Option {
	var o []Option
	if blank != "" {
		o = append(o, Option{"", blank})
	}
	for _, c := range codes {
		o = append(o, Option{c, waymark.Label(c)})
	}
	return o
}

// CountryOptions lists every country, ordered by name.
var CountryOptions = sync.OnceValue(func() []Option {
	var o []Option
	for _, c := range waymark.Countries() {
		o = append(o, Option{c.Code, c.Name + " (" + c.Code + ")"})
	}
	slices.SortFunc(o, func(a, b Option) int { return strings.Compare(a.Label, b.Label) })
	return append([]Option{{"", "Not known"}}, o...)
})
