// Package waymark holds Waymark's domain: children, encounters, organisations, users, the access
// policy and the error type. It imports no database, HTTP or template code.
package waymark

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error codes. Only an Error's Message and Fields reach users; anything else is reported as EINTERNAL.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ECONFLICT     = "conflict"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable" // busy for now: the client should try again shortly
	EINTERNAL     = "internal"
)

// FieldError names one bad field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error meant for users: a code, a plain-language message and, for EINVALID, each bad field.
type Error struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("waymark: %s: %s", e.Code, e.Message)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return fmt.Sprintf("waymark: %s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. It has been logged; please try again."
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// problems collects field errors during validation.
type problems []FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// oneOf names field unless v is one of choices: "Choose what: a, b, c". It reports whether v is.
func (p *problems) oneOf(field, what, v string, choices []string) bool {
	if slices.Contains(choices, v) {
		return true
	}
	p.add(field, "Choose %s: %s", what, strings.Join(choices, ", "))
	return false
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	msg := "There is a problem with 1 field."
	if len(p) > 1 {
		msg = fmt.Sprintf("There are problems with %d fields.", len(p))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: p}
}

// Invalid is the error for one bad field.
func Invalid(field, message string) error {
	return &Error{Code: EINVALID, Message: "There is a problem with 1 field.", Fields: []FieldError{{Field: field, Message: message}}}
}
