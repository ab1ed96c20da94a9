package http

import (
	"net/url"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

// FuzzChildFromForm: any posted form is read without panicking, and what it yields either passes
// validation or is refused with named fields.
func FuzzChildFromForm(f *testing.F) {
	f.Add("given_names=Selam&age=15&phones=%2B291+7123456%0A07700900123&doc_type_0=passport&doc_number_0=a1&dna_ref=S1")
	f.Add("date_of_birth=2010-01-01&age=x&alias_given_2=%E1%88%B0")
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		c, _ := childFromForm(form, now)
		if err := c.Normalize(now); err != nil && (waymark.ErrorCode(err) != waymark.EINVALID || len(waymark.ErrorFields(err)) == 0) {
			t.Fatalf("refusal without named fields: %v", err)
		}
		encounterFromForm(form, time.UTC)
		childForm(c)
	})
}

func TestAgeOnlyBecomesEstimatedDate(t *testing.T) {
	c, bad := childFromForm(url.Values{"given_names": {"A"}, "age": {"16"}}, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if len(bad) != 0 || c.DateOfBirth != "2010-01-01" || !c.DOBEstimated || c.AgeBasis != "claimed" {
		t.Fatalf("age 16 → %+v %v", c, bad)
	}
	if _, bad := childFromForm(url.Values{"age": {"sixteen"}}, time.Now()); len(bad) != 1 || bad[0].Field != "age" {
		t.Fatalf("bad age: %v", bad)
	}
}

func TestUASCRoundTrip(t *testing.T) {
	in := url.Values{"given_names": {"A"}, "date_of_birth": {"2009-02-02"}, "uasc": {"yes"}, "uasc_ceased": {"2026-01-15"}}
	c, bad := childFromForm(in, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if len(bad) != 0 || !c.UASC || c.UASCCeased != "2026-01-15" {
		t.Fatalf("read %+v %v", c, bad)
	}
	if out := childForm(c); out.Get("uasc") != "yes" || out.Get("uasc_ceased") != "2026-01-15" {
		t.Fatalf("written back %v", out)
	}
	if c, _ := childFromForm(url.Values{"given_names": {"A"}}, time.Now()); c.UASC || childForm(c).Has("uasc") {
		t.Fatal("an unticked box reads as UASC")
	}
}
