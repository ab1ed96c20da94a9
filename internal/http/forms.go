package http

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

const (
	aliasRows    = 3
	documentRows = 2
	formTime     = "2006-01-02T15:04"
)

func splitList(s string, seps string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
}

// childFromForm reads the identity fields of the first-contact and edit forms. Field problems the
// domain cannot see (an age that is not a number) are returned alongside.
func childFromForm(f url.Values, now time.Time) (*waymark.Child, []waymark.FieldError) {
	var bad []waymark.FieldError
	c := &waymark.Child{
		GivenNames: f.Get("given_names"), FamilyName: f.Get("family_name"), Sex: f.Get("sex"),
		DateOfBirth: f.Get("date_of_birth"), AgeBasis: f.Get("age_basis"), AgeAssessedOn: f.Get("age_assessed_on"), Nationality: f.Get("nationality"),
		OtherNationalities: splitList(f.Get("other_nationalities"), ", "), Languages: splitList(f.Get("languages"), ",;"),
		Phones: splitList(f.Get("phones"), "\r\n,;"), Description: f.Get("description"), Marks: f.Get("marks"),
		HealthNeeds: f.Get("health_needs"), Concerns: f.Get("people_places_concern"),
		UASC: f.Get("uasc") == "yes", UASCCeased: f.Get("uasc_ceased"),
		Status: waymark.Status{LegalStatus: f.Get("legal_status"), CategoryOfNeed: f.Get("category_of_need"), Ethnicity: f.Get("ethnicity"),
			HomeOfficeRef: f.Get("home_office_ref"), ClaimDate: f.Get("asylum_claim_date"), ImmigrationStatus: f.Get("immigration_status"),
			LeaveExpiry: f.Get("leave_expiry")},
	}
	c.DOBEstimated = c.AgeBasis != "" && c.AgeBasis != "document"
	for i := range aliasRows {
		c.Aliases = append(c.Aliases, waymark.Name{GivenNames: f.Get(fmt.Sprintf("alias_given_%d", i)), FamilyName: f.Get(fmt.Sprintf("alias_family_%d", i))})
	}
	for i := range documentRows {
		c.Documents = append(c.Documents, waymark.Document{Type: f.Get(fmt.Sprintf("doc_type_%d", i)),
			Number: f.Get(fmt.Sprintf("doc_number_%d", i)), Country: f.Get(fmt.Sprintf("doc_country_%d", i))})
	}
	c.Biometrics = []waymark.Biometric{{Kind: "fingerprint", Reference: f.Get("fingerprint_ref")},
		{Kind: "dna", Reference: f.Get("dna_ref"), Lab: f.Get("dna_lab"), LegalBasis: f.Get("dna_basis"), Kit: f.Get("dna_kit"), Profile: f.Get("dna_profile")}}
	if dna := c.Biometrics[1]; dna.Reference == "" && dna.Lab == "" && dna.LegalBasis == "" && dna.Kit == "" && strings.TrimSpace(dna.Profile) == "" {
		c.Biometrics[1].Kind = ""
	}
	if c.Biometrics[0].Reference == "" {
		c.Biometrics[0].Kind = ""
	}
	if age := strings.TrimSpace(f.Get("age")); age != "" && strings.TrimSpace(c.DateOfBirth) == "" {
		n, err := strconv.Atoi(age)
		if err != nil || n < 0 || n > 40 {
			bad = append(bad, waymark.FieldError{Field: "age", Message: "Age must be a whole number of years between 0 and 40"})
		} else {
			// An age alone is recorded as 1 January of the birth year, marked estimated.
			c.DateOfBirth, c.DOBEstimated = fmt.Sprintf("%04d-01-01", now.Year()-n), true
			if c.AgeBasis == "" {
				c.AgeBasis = "claimed"
			}
		}
	}
	return c, bad
}

// childForm writes a child back into form fields, for editing.
func childForm(c *waymark.Child) url.Values {
	f := url.Values{}
	set := func(k, v string) {
		if v != "" {
			f.Set(k, v)
		}
	}
	set("given_names", c.GivenNames)
	set("family_name", c.FamilyName)
	set("sex", c.Sex)
	set("date_of_birth", c.DateOfBirth)
	set("age_basis", c.AgeBasis)
	set("age_assessed_on", c.AgeAssessedOn)
	set("nationality", c.Nationality)
	set("other_nationalities", strings.Join(c.OtherNationalities, ", "))
	set("languages", strings.Join(c.Languages, ", "))
	if c.UASC {
		set("uasc", "yes")
	}
	set("uasc_ceased", c.UASCCeased)
	for k, v := range map[string]string{"legal_status": c.LegalStatus, "category_of_need": c.CategoryOfNeed, "ethnicity": c.Ethnicity,
		"home_office_ref": c.HomeOfficeRef, "asylum_claim_date": c.ClaimDate, "immigration_status": c.ImmigrationStatus, "leave_expiry": c.LeaveExpiry} {
		set(k, v)
	}
	set("phones", strings.Join(c.Phones, "\n"))
	set("description", c.Description)
	set("marks", c.Marks)
	set("health_needs", c.HealthNeeds)
	set("people_places_concern", c.Concerns)
	for i, a := range c.Aliases[:min(len(c.Aliases), aliasRows)] {
		set(fmt.Sprintf("alias_given_%d", i), a.GivenNames)
		set(fmt.Sprintf("alias_family_%d", i), a.FamilyName)
	}
	for i, d := range c.Documents[:min(len(c.Documents), documentRows)] {
		set(fmt.Sprintf("doc_type_%d", i), d.Type)
		set(fmt.Sprintf("doc_number_%d", i), d.Number)
		set(fmt.Sprintf("doc_country_%d", i), d.Country)
	}
	for _, b := range c.Biometrics {
		if b.Kind == "fingerprint" {
			set("fingerprint_ref", b.Reference)
		} else if b.Kind == "dna" {
			set("dna_ref", b.Reference)
			set("dna_lab", b.Lab)
			set("dna_basis", b.LegalBasis)
			set("dna_kit", b.Kit)
			set("dna_profile", b.Profile)
		}
	}
	return f
}

// encounterFromForm reads the contact fields; times are entered in the service's time zone.
func encounterFromForm(f url.Values, loc *time.Location) (*waymark.Encounter, []waymark.FieldError) {
	e := &waymark.Encounter{Kind: f.Get("kind"), Place: f.Get("place"), Agency: f.Get("agency"),
		Circumstances: f.Get("circumstances"), AccompanyingAdults: f.Get("accompanying_adults")}
	if at := strings.TrimSpace(f.Get("at")); at != "" {
		t, err := time.ParseInLocation(formTime, at, loc)
		if err != nil {
			return e, []waymark.FieldError{{Field: "at", Message: "Enter the date and time as DD/MM/YYYY HH:MM"}}
		}
		e.At = t
	}
	return e, nil
}

// agencyOf is the agency an organisation's staff act for.
func agencyOf(kind string) string {
	if kind == "" {
		return "other"
	}
	return kind
}
