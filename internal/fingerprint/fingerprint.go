// Package fingerprint keeps finger minutiae templates honestly and puts the searching of prints
// behind Matcher. Waymark matches no prints itself — councils do not, and no matcher is to be had:
// the police search IDENT1, the Home Office IABS. A template supplied with a child's prints is
// kept whole and sealed, read only far enough to know it is one.
package fingerprint

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
)

// FormatISO2005 is the one template format read: ISO/IEC 19794-2:2005 finger minutiae records.
const FormatISO2005 = "ISO/IEC 19794-2:2005"

// MaxTemplate bounds a template's size: ten views of 255 minutiae take under 16 KiB.
const MaxTemplate = 64 << 10

// Template is what is read of a finger minutiae record.
type Template struct {
	Format   string
	Views    int // finger views
	Minutiae int // over every view
}

// The record's header: format identifier, version, total length, capture equipment, image size
// and resolution, number of views, a reserved byte.
const headerLen = 24

// Parse reads a finger minutiae record, checking that every part is where its lengths say.
func Parse(b []byte) (Template, error) {
	t := Template{Format: FormatISO2005}
	switch {
	case len(b) > MaxTemplate:
		return t, fmt.Errorf("the template is %d bytes; at most %d", len(b), MaxTemplate)
	case len(b) < headerLen || string(b[:4]) != "FMR\x00":
		return t, errors.New("not a finger minutiae record (ISO/IEC 19794-2): it does not begin FMR")
	case string(b[4:8]) != " 20\x00":
		return t, fmt.Errorf("finger minutiae record version %q: only 2005's (\" 20\") is read", b[4:7])
	case int(binary.BigEndian.Uint32(b[8:12])) != len(b):
		return t, fmt.Errorf("the record says it is %d bytes long, and is %d", binary.BigEndian.Uint32(b[8:12]), len(b))
	case b[22] == 0:
		return t, errors.New("the record holds no finger view")
	case b[23] != 0:
		return t, errors.New("the record's reserved byte is not zero")
	}
	t.Views = int(b[22])
	at := headerLen
	for v := range t.Views {
		if at+4 > len(b) {
			return t, fmt.Errorf("finger view %d: the record ends in its header", v+1)
		}
		position, impression, quality, n := b[at], b[at+1]&0x0f, b[at+2], int(b[at+3])
		switch {
		case position > 10:
			return t, fmt.Errorf("finger view %d: finger position %d (0–10)", v+1, position)
		case impression > 3 && impression != 8:
			return t, fmt.Errorf("finger view %d: impression type %d", v+1, impression)
		case quality > 100:
			return t, fmt.Errorf("finger view %d: quality %d (0–100)", v+1, quality)
		}
		at += 4 + 6*n
		if at+2 > len(b) {
			return t, fmt.Errorf("finger view %d: %d minutiae run past the record's end", v+1, n)
		}
		at += 2 + int(binary.BigEndian.Uint16(b[at:at+2])) // extended data
		if at > len(b) {
			return t, fmt.Errorf("finger view %d: its extended data runs past the record's end", v+1)
		}
		t.Minutiae += n
	}
	if at != len(b) {
		return t, fmt.Errorf("%d bytes after the last finger view", len(b)-at)
	}
	return t, nil
}

// Matcher searches a child's prints (by their reference, with the template if one is held).
type Matcher interface {
	// Name is the bureau as a bureau search records it (waymark.Bureaus).
	Name() string
	// Ask asks for a search and says what is known at once.
	Ask(ctx context.Context, printsRef string, template []byte) (Answer, error)
}

// Answer is what a matcher says: pending until a bureau answers, then no_trace or hit, with the
// record the prints were identified as.
type Answer struct {
	Outcome      string
	IdentifiedAs string
}

// Bureau is a national fingerprint bureau, asked by the officer through its own channel: the
// search is pending from the moment it is asked, and a person records the answer when it comes.
type Bureau string

// Name returns the bureau's code.
func (b Bureau) Name() string { return string(b) }

// Ask records nothing and sends nothing: the bureau is asked by the officer; the answer is later.
func (Bureau) Ask(context.Context, string, []byte) (Answer, error) {
	return Answer{Outcome: "pending"}, nil
}
