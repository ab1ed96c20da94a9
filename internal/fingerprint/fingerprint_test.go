package fingerprint_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/fingerprint"
)

// record builds a synthetic finger minutiae record: views of n minutiae each.
func record(views ...int) []byte {
	b := []byte("FMR\x00 20\x00")
	b = binary.BigEndian.AppendUint32(b, 0) // the length, set below
	b = append(b, 0, 0, 1, 0xf4, 1, 0xf4, 0, 197, 0, 197, byte(len(views)), 0)
	for i, n := range views {
		b = append(b, byte(i+1), 0, 80, byte(n))
		for m := range n {
			b = append(b, 0x40, byte(m), 0, byte(m*3), byte(m), 60)
		}
		b = append(b, 0, 0)
	}
	binary.BigEndian.PutUint32(b[8:12], uint32(len(b)))
	return b
}

func TestParse(t *testing.T) {
	tmpl, err := fingerprint.Parse(record(32, 41))
	if err != nil || tmpl.Views != 2 || tmpl.Minutiae != 73 || tmpl.Format != fingerprint.FormatISO2005 {
		t.Fatalf("%+v %v", tmpl, err)
	}
	good := record(12)
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"not a record":       {[]byte("%PDF-1.7 this is not a template at all"), "does not begin FMR"},
		"the 2011 version":   {append([]byte("FMR\x00030\x00"), good[8:]...), "only 2005"},
		"cut short":          {good[:len(good)-5], "says it is"},
		"no views":           {func() []byte { b := record(); return b }(), "no finger view"},
		"minutiae past end":  {func() []byte { b := record(12); b[24+3] = 200; return b }(), "run past"},
		"finger position 14": {func() []byte { b := record(12); b[24] = 14; return b }(), "finger position 14"},
		"too large":          {make([]byte, fingerprint.MaxTemplate+1), "at most"},
	} {
		if _, err := fingerprint.Parse(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(record(12))
	f.Add(record(3, 0, 255))
	f.Fuzz(func(t *testing.T, b []byte) {
		tmpl, err := fingerprint.Parse(b)
		if err == nil && (tmpl.Views < 1 || tmpl.Minutiae > 255*tmpl.Views || len(b) > fingerprint.MaxTemplate) {
			t.Fatalf("accepted %+v from %d bytes", tmpl, len(b))
		}
	})
}
