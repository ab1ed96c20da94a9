package waymark_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/waymark-org/waymark"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+84 90 123 4567", "+84901234567"},
		{"0084-90-123-4567", "+84901234567"},
		{"07700 900123", "+447700900123"},
		{"(+291) 7 123 456", ""},
		{"+291 7123456", "+2917123456"},
		{"12345", ""},
		{"+0123456789", ""},
		{"+44 7700 9001 2345 678", ""},
		{"call me", ""},
		{"+44 7700 900123 ext", ""},
	}
	for _, tt := range tests {
		got, err := waymark.NormalizePhone(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("NormalizePhone(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func fields(err error) []string {
	var out []string
	for _, f := range waymark.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestChildNormalize(t *testing.T) {
	tests := []struct {
		name  string
		child waymark.Child
		bad   []string
	}{
		{"minimal", waymark.Child{GivenNames: " Selam "}, nil},
		{"no name", waymark.Child{Sex: "M"}, []string{"given_names"}},
		{"bad sex", waymark.Child{GivenNames: "A", Sex: "male"}, []string{"sex"}},
		{"bad date", waymark.Child{GivenNames: "A", DateOfBirth: "11/04/2008"}, []string{"date_of_birth"}},
		{"future date", waymark.Child{GivenNames: "A", DateOfBirth: "2030-01-01"}, []string{"date_of_birth"}},
		{"escape in a name", waymark.Child{GivenNames: "A\x1b[2J", FamilyName: "B\x00"}, []string{"given_names", "family_name"}},
		{"line break in a ref", waymark.Child{Ref: "C1\r\n=1+1", GivenNames: "A"}, []string{"ref"}},
		{"tab in a ref", waymark.Child{Ref: "C1\t2", GivenNames: "A"}, []string{"ref"}},
		{"ref too long", waymark.Child{Ref: strings.Repeat("R", 101), GivenNames: "A"}, []string{"ref"}},
		{"line breaks in marks", waymark.Child{GivenNames: "A", Marks: "scar, left hand\r\ntattoo, right arm"}, nil},
		{"escape in marks", waymark.Child{GivenNames: "A", Marks: "scar\x1b"}, []string{"marks"}},
		{"UASC ended", waymark.Child{GivenNames: "A", DateOfBirth: "2008-04-11", UASC: true, UASCCeased: "2026-04-11"}, nil},
		{"UASC ended after 18", waymark.Child{GivenNames: "A", DateOfBirth: "2008-04-11", UASC: true, UASCCeased: "2026-04-12"}, []string{"uasc_ceased"}},
		{"UASC ended before birth", waymark.Child{GivenNames: "A", DateOfBirth: "2008-04-11", UASC: true, UASCCeased: "2008-04-10"}, []string{"uasc_ceased"}},
		{"ended but never UASC", waymark.Child{GivenNames: "A", UASCCeased: "2026-01-01"}, []string{"uasc_ceased"}},
		{"UASC end not a date", waymark.Child{GivenNames: "A", UASC: true, UASCCeased: "soon"}, []string{"uasc_ceased"}},
		{"too old", waymark.Child{GivenNames: "A", DateOfBirth: "1950-01-01"}, []string{"date_of_birth"}},
		{"bad nationality", waymark.Child{GivenNames: "A", Nationality: "Vietnam"}, []string{"nationality"}},
		{"Kosovo (user-assigned code)", waymark.Child{GivenNames: "A", Nationality: "xk"}, nil},
		{"bad phone", waymark.Child{GivenNames: "A", Phones: []string{"12"}}, []string{"phones"}},
		{"document without number", waymark.Child{GivenNames: "A", Documents: []waymark.Document{{Type: "passport"}}}, []string{"documents"}},
		{"unknown document", waymark.Child{GivenNames: "A", Documents: []waymark.Document{{Type: "visa", Number: "1"}}}, []string{"documents"}},
		{"dna without basis", waymark.Child{GivenNames: "A", Biometrics: []waymark.Biometric{{Kind: "dna", Reference: "S1"}}}, []string{"biometrics"}},
		{"several", waymark.Child{Sex: "X", Nationality: "ZZ"}, []string{"given_names", "sex", "nationality"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.child.Normalize(now)
			if got := fields(err); !slices.Equal(got, tt.bad) {
				t.Fatalf("bad fields = %v, want %v (%v)", got, tt.bad, err)
			}
			if err != nil && waymark.ErrorCode(err) != waymark.EINVALID {
				t.Fatalf("code = %s", waymark.ErrorCode(err))
			}
		})
	}
}

func TestChildNormalizeCanonicalises(t *testing.T) {
	c := waymark.Child{GivenNames: "  Văn   Nam ", FamilyName: "Nguyễn", Sex: "m", Nationality: "vn",
		Phones:    []string{"+84 90 123 4567", "0084901234567"},
		Documents: []waymark.Document{{Type: "passport", Number: "c 123-4567", Country: "vn"}, {}},
		Aliases:   []waymark.Name{{}, {GivenNames: "Nam"}}}
	if err := c.Normalize(now); err != nil {
		t.Fatal(err)
	}
	want := waymark.Child{GivenNames: "Văn Nam", FamilyName: "Nguyễn", Sex: "M", Nationality: "VN",
		Phones: []string{"+84901234567"}, Documents: []waymark.Document{{Type: "passport", Number: "C1234567", Country: "VN"}},
		Aliases: []waymark.Name{{GivenNames: "Nam"}}, Languages: []string{}, OtherNationalities: []string{}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("normalised = %+v\nwant %+v", c, want)
	}
}

func TestLackingAndAge(t *testing.T) {
	c := waymark.Child{DateOfBirth: "2009-11-23"}
	if got := c.Lacking(nil); !slices.Equal(got, []string{"photo", "name", "nationality", "fingerprints_or_document"}) {
		t.Fatalf("lacking = %v", got)
	}
	if age := c.Age(now); age != 16 {
		t.Fatalf("age the day before the birthday = %d", age)
	}
	c.DateOfBirth = "2009-11-22"
	if age := c.Age(now); age != 17 {
		t.Fatalf("age on the birthday = %d", age)
	}
	// No DNA by default: a passport, or fingerprints, is enough beside the rest.
	c.GivenNames, c.Nationality, c.Photos = "Nam", "VN", []waymark.Photo{{ID: "p"}}
	for _, has := range []func(c *waymark.Child){
		func(c *waymark.Child) { c.Documents = []waymark.Document{{Type: "passport", Number: "1"}} },
		func(c *waymark.Child) { c.Biometrics = []waymark.Biometric{{Kind: "fingerprint", Reference: "FP-1"}} },
	} {
		d := c
		has(&d)
		if got := d.Lacking(nil); len(got) != 0 || !d.Identifiable() {
			t.Fatalf("complete record lacks %v", got)
		}
	}
	if got := c.Lacking([]string{"photo", "dna", "document"}); !slices.Equal(got, []string{"document", "dna"}) || c.Identifiable() {
		t.Fatalf("an organisation's own rule: lacking %v", got)
	}
}

func TestScript(t *testing.T) {
	for in, want := range map[string]string{"Nguyễn": "Latin", "ሰላም": "Ethiopic", "محمد": "Arabic", "王伟": "Han", "Иван": "Cyrillic", "123": ""} {
		if got := waymark.Script(in); got != want {
			t.Errorf("Script(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+84 90 123 4567", "07700900123", "00", "+", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := waymark.NormalizePhone(s)
		if err != nil {
			return
		}
		again, err := waymark.NormalizePhone(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", s, got, again, err)
		}
	})
}

// FuzzChildNormalize feeds interchange JSON through decoding and normalisation: no panic, and a
// child that passes once passes again unchanged.
func FuzzChildNormalize(f *testing.F) {
	f.Add([]byte(`{"given_names":"Văn Nam","family_name":"Nguyễn","sex":"M","date_of_birth":"2008-04-11","nationality":"VN","phones":["+84901234567"],"documents":[{"type":"passport","number":"C1234567","country":"VN"}]}`))
	f.Add([]byte(`{"given_names":"","aliases":[{"given_names":"ሰላም"}],"biometrics":[{"kind":"dna","reference":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c waymark.Child
		if json.Unmarshal(data, &c) != nil {
			return
		}
		if c.Normalize(now) != nil {
			return
		}
		before, _ := json.Marshal(c)
		if err := c.Normalize(now); err != nil {
			t.Fatalf("normalised child rejected on second pass: %v", err)
		}
		if after, _ := json.Marshal(c); string(after) != string(before) {
			t.Fatalf("normalisation not idempotent:\n%s\n%s", before, after)
		}
	})
}

func FuzzOpenReason(f *testing.F) {
	f.Add("found", "NP-2026-1121", "raid")
	f.Add("other", "1", "")
	f.Add("x", "aaaaaaaaaa", "\x1b[2J")
	f.Fuzz(func(t *testing.T, category, reference, note string) {
		o := waymark.OpenReason{Category: category, Reference: reference, Note: note}
		if err := o.Normalize(); err == nil {
			if !strings.ContainsFunc(o.Reference, unicode.IsDigit) || strings.ContainsFunc(o.Reference+o.Note, unicode.IsControl) {
				t.Fatalf("accepted %+v", o)
			}
		} else if waymark.ErrorCode(err) != waymark.EINVALID || len(waymark.ErrorFields(err)) == 0 {
			t.Fatalf("refused without naming a field: %v", err)
		}
	})
}

func TestNameWrittenAsItsCustom(t *testing.T) {
	for _, tc := range []struct {
		given, family, nationality, want string
	}{
		{"明", "李", "", "李明"},
		{"Văn Nam", "Nguyễn", "VN", "Nguyễn Văn Nam"},
		{"Ming", "Li", "CN", "Li Ming"},
		{"민준", "김", "", "김민준"},
		{"Fitsum", "Gebremedhin Asfaha", "ER", "Fitsum Gebremedhin Asfaha"},
		{"", "Hoxha", "AL", "Hoxha"},
	} {
		c := waymark.Child{GivenNames: tc.given, FamilyName: tc.family, Nationality: tc.nationality}
		if got := c.Name(); got != tc.want {
			t.Errorf("%q %q (%s) written %q, want %q", tc.given, tc.family, tc.nationality, got, tc.want)
		}
	}
}

func TestAgeAssessedOn(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		basis, day, want string
	}{
		{"age_assessment", "2026-11-30", ""},
		{"age_assessment", "30/11/2026", "YYYY-MM-DD"},
		{"age_assessment", "2027-01-01", "still to come"},
		{"claimed", "2026-11-30", "goes with the basis"},
		{"", "", ""},
	} {
		ch := &waymark.Child{GivenNames: "Ermal", Sex: "M", DateOfBirth: "2006-01-01", AgeBasis: c.basis, AgeAssessedOn: c.day}
		err := ch.Normalize(now)
		var got string
		for _, f := range waymark.ErrorFields(err) {
			if f.Field == "age_assessed_on" {
				got = f.Message
			}
		}
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("basis %q, day %q: %q, want %q", c.basis, c.day, got, c.want)
		}
	}
}
