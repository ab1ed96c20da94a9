package waymark

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/waymark-org/waymark/internal/dna"
	"github.com/waymark-org/waymark/internal/fingerprint"
)

// Child is the person a record is about: identity facts as the child or a document gives them.
// Its JSON form is the child interchange of the design (§6), extended with the optional facts.
type Child struct {
	ID                 string      `json:"child_id,omitempty"`
	Ref                string      `json:"ref,omitempty"`
	OrgID              string      `json:"org_id,omitempty"`             // the organisation responsible for the child now
	RecordedByOrgID    string      `json:"recorded_by_org_id,omitempty"` // the one that recorded them (read only)
	MergedInto         string      `json:"merged_into,omitempty"`        // the record this one was merged into (read only)
	OtherRefs          []string    `json:"other_refs,omitempty"`         // references of the records merged into this one (read only)
	GivenNames         string      `json:"given_names"`
	FamilyName         string      `json:"family_name"`
	Aliases            []Name      `json:"aliases,omitempty"`
	Sex                string      `json:"sex"`
	DateOfBirth        string      `json:"date_of_birth,omitempty"`
	DOBEstimated       bool        `json:"dob_estimated"`
	AgeBasis           string      `json:"age_basis,omitempty"`
	AgeAssessedOn      string      `json:"age_assessed_on,omitempty"` // the day an age assessment concluded (age_basis age_assessment)
	MinimisedOn        string      `json:"minimised_on,omitempty"`    // the day retention minimised the record (read only)
	Nationality        string      `json:"nationality,omitempty"`
	OtherNationalities []string    `json:"other_nationalities,omitempty"`
	UASC               bool        `json:"uasc,omitempty"`        // an unaccompanied asylum-seeking child
	UASCCeased         string      `json:"uasc_ceased,omitempty"` // when that status ended (a decision, or 18)
	Languages          []string    `json:"languages,omitempty"`
	Phones             []string    `json:"phones,omitempty"`
	Documents          []Document  `json:"documents,omitempty"`
	Description        string      `json:"description,omitempty"`
	Marks              string      `json:"marks,omitempty"`
	HealthNeeds        string      `json:"health_needs,omitempty"`          // medical needs and medication (sealed)
	Concerns           string      `json:"people_places_concern,omitempty"` // people, places, phones of concern (sealed)
	Biometrics         []Biometric `json:"biometrics,omitempty"`
	Status
	Photos    []Photo   `json:"photos,omitempty"`
	Lacks     []string  `json:"lacking,omitempty"` // what its organisation's rule finds lacking (read only)
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// MissingNow is read from the care record, never written with the child: a missing or absent
	// episode is open. Identification leans on it, as a child found is most often one reported missing.
	MissingNow bool `json:"-"`
}

// Name is one name a child is known by, as written.
type Name struct {
	GivenNames string `json:"given_names"`
	FamilyName string `json:"family_name"`
	Language   string `json:"language,omitempty"`
}

// Script names the writing system of the name ("Latin", "Arabic", "Han", …).
func (n Name) Script() string { return Script(n.GivenNames + n.FamilyName) }

// Document is an identity or travel document the child holds or held.
type Document struct {
	Type    string `json:"type"`
	Number  string `json:"number"`
	Country string `json:"country,omitempty"`
}

// Biometric is a reference to a fingerprint record or DNA sample held elsewhere, with, for a
// sample the lab has typed, its STR profile (dna.Parse's form), searched one against all.
type Biometric struct {
	Kind       string `json:"kind"`
	Reference  string `json:"reference"`
	Lab        string `json:"lab,omitempty"`
	LegalBasis string `json:"legal_basis,omitempty"`
	TakenOn    string `json:"taken_on,omitempty"`
	Kit        string `json:"kit,omitempty"`     // the typing kit, e.g. PowerPlex ESI 17
	Profile    string `json:"profile,omitempty"` // "D3S1358 15,16; vWA 17,18; …; AMEL X,Y"
	// Template is the prints' finger minutiae record, when one came with them (ISO/IEC 19794-2,
	// base64 in JSON): kept whole and sealed, for a matcher; TemplateFormat says what it is.
	Template       []byte `json:"template,omitempty"`
	TemplateFormat string `json:"template_format,omitempty"`
}

// Photo describes a stored photograph; the image itself is encrypted at rest.
type Photo struct {
	ID          string    `json:"id"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	CreatedAt   time.Time `json:"created_at"`
	// Face describes the photo's largest face (face.Size numbers) for identification: biometric
	// data, sealed at rest and never sent out. FaceModel names the networks that looked at the
	// photo: empty when none has, set with no Face when they found no face.
	Face      []float32 `json:"-"`
	FaceModel string    `json:"face_model,omitempty"`
}

// Enumerations of the domain, in the order forms offer them.
var (
	Sexes          = []string{"M", "F", ""}
	AgeBases       = []string{"document", "claimed", "age_assessment", "disputed"}
	DocumentTypes  = []string{"passport", "national_id", "birth_certificate", "residence_permit", "travel_document", "driving_licence", "other"}
	BiometricKinds = []string{"fingerprint", "dna"}
)

// Name returns the child's primary name for display, family name last unless the script puts it first.
func (c *Child) Name() string {
	n := Name{GivenNames: c.GivenNames, FamilyName: c.FamilyName}.Written(c.Nationality)
	if n == "" {
		return "(no name given)"
	}
	return n
}

// familyFirst are the nationalities whose names are written family name first.
var familyFirst = []string{"CN", "TW", "HK", "MO", "VN", "KR", "KP", "JP", "HU", "KH"}

// Written writes the name as the child's custom writes it: the family name first where that is
// the custom (Chinese, Vietnamese, Korean, Japanese, Hungarian names; any in Han or Hangul script),
// and with no space between the parts in Han and Hangul (李明, not 明 李).
func (n Name) Written(nationality string) string {
	script := n.Script()
	first, second := n.GivenNames, n.FamilyName
	if script == "Han" || script == "Hangul" || slices.Contains(familyFirst, strings.ToUpper(nationality)) {
		first, second = second, first
	}
	sep := " "
	if script == "Han" || script == "Hangul" {
		sep = ""
	}
	return strings.TrimSpace(strings.TrimSpace(first) + sep + strings.TrimSpace(second))
}

// AllNames returns the primary name followed by the aliases.
func (c *Child) AllNames() []Name {
	return append([]Name{{GivenNames: c.GivenNames, FamilyName: c.FamilyName}}, c.Aliases...)
}

// Nationalities returns every nationality recorded, the primary first.
func (c *Child) Nationalities() []string {
	if c.Nationality == "" {
		return c.OtherNationalities
	}
	return append([]string{c.Nationality}, c.OtherNationalities...)
}

// Age returns the child's age in whole years on day, or -1 when no date of birth is recorded.
func (c *Child) Age(day time.Time) int {
	dob, err := time.Parse(DateLayout, c.DateOfBirth)
	if err != nil {
		return -1
	}
	age := day.Year() - dob.Year()
	if day.Month() < dob.Month() || day.Month() == dob.Month() && day.Day() < dob.Day() {
		age--
	}
	return age
}

// IdentificationFacts are what an organisation may require of a child's identification record,
// and DefaultCompleteness what it requires unless it says otherwise: never a DNA reference, since
// a child's DNA is taken only with consent or a legal basis.
var (
	IdentificationFacts = []string{"photo", "name", "date_of_birth", "nationality", "fingerprints_or_document", "document", "fingerprints", "dna"}
	DefaultCompleteness = []string{"photo", "name", "date_of_birth", "nationality", "fingerprints_or_document"}
)

// Lacking lists the facts rule requires (DefaultCompleteness when nil) that the child's record
// lacks. Children vanish in the first days, so the list is shown until it is empty.
func (c *Child) Lacking(rule []string) []string {
	if rule == nil {
		rule = DefaultCompleteness
	}
	kind := func(k string) bool {
		return slices.ContainsFunc(c.Biometrics, func(b Biometric) bool { return b.Kind == k })
	}
	has := map[string]bool{"photo": len(c.Photos) > 0, "name": c.GivenNames != "" || c.FamilyName != "",
		"date_of_birth": c.DateOfBirth != "", "nationality": c.Nationality != "", "document": len(c.Documents) > 0,
		"fingerprints": kind("fingerprint"), "dna": kind("dna")}
	has["fingerprints_or_document"] = has["fingerprints"] || has["document"]
	var out []string
	for _, f := range IdentificationFacts {
		if slices.Contains(rule, f) && !has[f] {
			out = append(out, f)
		}
	}
	return out
}

// Rule writes a completeness rule (nil: the default) as its facts, separated by commas.
func Rule(rule []string) string {
	if rule == nil {
		rule = DefaultCompleteness
	}
	return strings.Join(rule, ",")
}

// Identifiable reports whether anything recorded identifies the child beyond what they say: a
// document or fingerprints.
func (c *Child) Identifiable() bool {
	return !slices.Contains(c.Lacking([]string{"fingerprints_or_document"}), "fingerprints_or_document")
}

// DateLayout is the form of every calendar date in Waymark (ISO 8601).
const DateLayout = "2006-01-02"

// Normalize trims and canonicalises the child's facts in place (phones to E.164, codes upper-case),
// then validates them, naming each bad field. now is used to reject dates in the future.
func (c *Child) Normalize(now time.Time) error { return c.normalize(now, true) }

// NormalizeQuery is Normalize for what a found child gives: any field, the name too, may be blank.
func (c *Child) NormalizeQuery(now time.Time) error { return c.normalize(now, false) }

func (c *Child) normalize(now time.Time, needName bool) error {
	var p problems
	c.Ref = strings.TrimSpace(c.Ref)
	checkRef(&p, "ref", c.Ref)
	c.GivenNames, c.FamilyName = clean(c.GivenNames), clean(c.FamilyName)
	if needName && c.GivenNames == "" && c.FamilyName == "" {
		p.add("given_names", "Enter the name the child gives (or write Unknown)")
	}
	checkLen(&p, "given_names", c.GivenNames, 200)
	checkLen(&p, "family_name", c.FamilyName, 200)
	aliases := c.Aliases[:0]
	for _, a := range c.Aliases {
		a.GivenNames, a.FamilyName, a.Language = clean(a.GivenNames), clean(a.FamilyName), clean(a.Language)
		if a.GivenNames != "" || a.FamilyName != "" {
			checkLen(&p, "aliases", a.GivenNames+a.FamilyName, 400)
			aliases = append(aliases, a)
		}
	}
	c.Aliases = aliases
	c.Sex = strings.ToUpper(strings.TrimSpace(c.Sex))
	if !slices.Contains(Sexes, c.Sex) {
		p.add("sex", "Sex must be M, F or left blank, not %q", c.Sex)
	}
	c.normalizeDOB(&p, now)
	c.normalizeNationalities(&p)
	c.normalizeUASC(&p)
	c.Status.normalize(&p)
	c.Languages = cleanList(c.Languages)
	c.normalizePhones(&p)
	c.normalizeDocuments(&p)
	c.normalizeBiometrics(&p, needName)
	c.Description, c.Marks = strings.TrimSpace(c.Description), strings.TrimSpace(c.Marks)
	checkLen(&p, "description", c.Description, 4000)
	checkLen(&p, "marks", c.Marks, 4000)
	c.HealthNeeds, c.Concerns = strings.TrimSpace(c.HealthNeeds), strings.TrimSpace(c.Concerns)
	checkLen(&p, "health_needs", c.HealthNeeds, 4000)
	checkLen(&p, "people_places_concern", c.Concerns, 8000)
	return p.err()
}

func (c *Child) normalizeDOB(p *problems, now time.Time) {
	c.DateOfBirth = strings.TrimSpace(c.DateOfBirth)
	c.AgeBasis = strings.TrimSpace(c.AgeBasis)
	if c.AgeBasis != "" && !slices.Contains(AgeBases, c.AgeBasis) {
		p.add("age_basis", "Basis of age must be one of %s", strings.Join(AgeBases, ", "))
	}
	if c.AgeAssessedOn = strings.TrimSpace(c.AgeAssessedOn); c.AgeAssessedOn != "" {
		day, err := time.Parse(DateLayout, c.AgeAssessedOn)
		switch {
		case err != nil:
			p.add("age_assessed_on", "Give the day the age assessment concluded as YYYY-MM-DD, not %q", c.AgeAssessedOn)
		case day.After(now):
			p.add("age_assessed_on", "The age assessment concluded on %s, which is still to come", c.AgeAssessedOn)
		case c.AgeBasis != "age_assessment":
			p.add("age_assessed_on", "An age assessment's day goes with the basis of age \"age_assessment\"")
		}
	}
	if c.DateOfBirth == "" {
		return
	}
	dob, err := time.Parse(DateLayout, c.DateOfBirth)
	switch {
	case err != nil:
		p.add("date_of_birth", "Date of birth must be a real date written YYYY-MM-DD, not %q", c.DateOfBirth)
	case dob.After(now):
		p.add("date_of_birth", "Date of birth cannot be in the future")
	case now.Year()-dob.Year() > 40:
		p.add("date_of_birth", "Date of birth %s would make the person over 40; check the year", c.DateOfBirth)
	}
}

func (c *Child) normalizeUASC(p *problems) {
	c.UASCCeased = strings.TrimSpace(c.UASCCeased)
	if c.UASCCeased == "" {
		return
	}
	ceased, err := time.Parse(DateLayout, c.UASCCeased)
	adult := eighteenth(c.DateOfBirth)
	switch {
	case err != nil:
		p.add("uasc_ceased", "The date UASC status ended must be a real date written YYYY-MM-DD, not %q", c.UASCCeased)
	case !c.UASC:
		p.add("uasc_ceased", "Only an unaccompanied asylum-seeking child has a date that status ended")
	case adult != "" && c.UASCCeased < c.DateOfBirth:
		p.add("uasc_ceased", "The date UASC status ended is before the date of birth")
	case adult != "" && c.UASCCeased > adult:
		p.add("uasc_ceased", "UASC status ends at 18 at the latest (%s)", adult)
	default:
		c.UASCCeased = ceased.Format(DateLayout)
	}
}

// eighteenth is the 18th birthday of someone born on dob (YYYY-MM-DD), or "" when dob is not a date.
func eighteenth(dob string) string {
	d, err := time.Parse(DateLayout, dob)
	if err != nil {
		return ""
	}
	return d.AddDate(18, 0, 0).Format(DateLayout)
}

func (c *Child) normalizeNationalities(p *problems) {
	c.Nationality = strings.ToUpper(strings.TrimSpace(c.Nationality))
	if c.Nationality != "" && CountryName(c.Nationality) == "" {
		p.add("nationality", "Nationality must be a two-letter ISO 3166 country code such as VN or ER, not %q", c.Nationality)
	}
	others := cleanList(c.OtherNationalities)
	for i, n := range others {
		others[i] = strings.ToUpper(n)
		if CountryName(others[i]) == "" {
			p.add("other_nationalities", "%q is not a two-letter ISO 3166 country code", n)
		}
	}
	c.OtherNationalities = others
}

func (c *Child) normalizePhones(p *problems) {
	phones := cleanList(c.Phones)
	for i, raw := range phones {
		e164, err := NormalizePhone(raw)
		if err != nil {
			p.add("phones", "%s", err.Error())
		}
		phones[i] = e164
	}
	c.Phones = slices.Compact(phones)
}

func (c *Child) normalizeDocuments(p *problems) {
	docs := c.Documents[:0]
	for _, d := range c.Documents {
		d.Type = strings.TrimSpace(d.Type)
		d.Number = NormalizeDocumentNumber(d.Number)
		d.Country = strings.ToUpper(strings.TrimSpace(d.Country))
		if d.Number == "" && d.Type == "" {
			continue
		}
		if !slices.Contains(DocumentTypes, d.Type) {
			p.add("documents", "Document type must be one of %s, not %q", strings.Join(DocumentTypes, ", "), d.Type)
		}
		if d.Number == "" {
			p.add("documents", "Enter the %s number (letters and digits)", strings.ReplaceAll(d.Type, "_", " "))
		}
		if d.Country != "" && CountryName(d.Country) == "" {
			p.add("documents", "Issuing country must be a two-letter ISO 3166 code, not %q", d.Country)
		}
		docs = append(docs, d)
	}
	c.Documents = docs
}

// normalizeBiometrics checks the references and profiles; a record's need their reference, and a
// DNA sample its legal basis, where a search's may be a profile alone.
func (c *Child) normalizeBiometrics(p *problems, record bool) {
	bs := c.Biometrics[:0]
	for _, b := range c.Biometrics {
		b.Kind, b.Reference = strings.TrimSpace(b.Kind), strings.TrimSpace(b.Reference)
		b.Lab, b.LegalBasis, b.TakenOn = clean(b.Lab), clean(b.LegalBasis), strings.TrimSpace(b.TakenOn)
		b.Kit, b.Profile = clean(b.Kit), strings.TrimSpace(b.Profile)
		if b.Kind == "" && b.Reference == "" && b.Profile == "" {
			continue
		}
		if !slices.Contains(BiometricKinds, b.Kind) {
			p.add("biometrics", "Biometric kind must be fingerprint or dna, not %q", b.Kind)
		}
		if record && b.Reference == "" {
			p.add("biometrics", "Enter the %s reference (record or sample id)", b.Kind)
		}
		if record && b.Kind == "dna" && b.LegalBasis == "" {
			p.add("biometrics", "A DNA sample needs its consent or legal basis")
		}
		b.TemplateFormat = ""
		if len(b.Template) > 0 {
			if t, err := fingerprint.Parse(b.Template); b.Kind != "fingerprint" {
				p.add("biometrics", "Only fingerprints have a template")
			} else if err != nil {
				p.add("biometrics", "Fingerprint template: %v", err)
			} else {
				b.TemplateFormat = t.Format
			}
		}
		if b.Profile != "" {
			if prof, err := dna.Parse(b.Profile); b.Kind != "dna" {
				p.add("dna_profile", "Only a DNA sample has a profile")
			} else if err != nil {
				p.add("dna_profile", "DNA profile: %v", err)
			} else {
				b.Profile = prof.String()
			}
		}
		if _, err := time.Parse(DateLayout, b.TakenOn); b.TakenOn != "" && err != nil {
			p.add("biometrics", "Date taken must be written YYYY-MM-DD, not %q", b.TakenOn)
		}
		bs = append(bs, b)
	}
	c.Biometrics = bs
}

// NormalizePhone returns a phone number in E.164 form. Numbers written nationally (leading 0) are
// taken as UK numbers; others need their country code (+ or 00), with or without "(0)" after it.
func NormalizePhone(raw string) (string, error) {
	t := strings.TrimSpace(raw)
	if strings.HasPrefix(t, "+") || strings.HasPrefix(t, "00") {
		t = strings.Replace(t, "(0)", "", 1) // +44 (0)7700…: the national trunk 0, never dialled after the country code
	}
	var b strings.Builder
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", Errorf(EINVALID, "Phone %q may hold only digits, spaces and a leading +", raw)
		}
	}
	s := b.String()
	switch {
	case strings.HasPrefix(s, "00"):
		s = "+" + s[2:]
	case strings.HasPrefix(s, "0"):
		s = "+44" + s[1:]
	case !strings.HasPrefix(s, "+"):
		return "", Errorf(EINVALID, "Phone %q needs its country code, e.g. +84 or 0044", raw)
	}
	if n := len(s) - 1; n < 7 || n > 15 || s[1] == '0' {
		return "", Errorf(EINVALID, "Phone %q is not a valid international number (7 to 15 digits after the +)", raw)
	}
	return s, nil
}

// NormalizeDocumentNumber upper-cases a document number and drops spaces and punctuation.
func NormalizeDocumentNumber(raw string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, raw)
}

// Script names the dominant writing system of s, or "" when it has no letters.
func Script(s string) string {
	counts := map[string]int{}
	for _, r := range s {
		for _, sc := range scripts {
			if unicode.Is(sc.table, r) {
				counts[sc.name]++
				break
			}
		}
	}
	best, n := "", 0
	for _, sc := range scripts {
		if counts[sc.name] > n {
			best, n = sc.name, counts[sc.name]
		}
	}
	return best
}

var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Arabic", unicode.Arabic}, {"Ethiopic", unicode.Ethiopic},
	{"Han", unicode.Han}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Devanagari", unicode.Devanagari}, {"Bengali", unicode.Bengali}, {"Thai", unicode.Thai},
	{"Hangul", unicode.Hangul}, {"Tamil", unicode.Tamil}, {"Gurmukhi", unicode.Gurmukhi},
}

func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// checkLen checks a text field's length and that it is text: valid UTF-8 with no control
// characters but tabs and line breaks (an escape or a NUL is never part of what a person typed).
func checkLen(p *problems, field, s string, max int) {
	switch {
	case utf8.RuneCountInString(s) > max:
		p.add(field, "Too long: at most %d characters", max)
	case !utf8.ValidString(s):
		p.add(field, "Contains bytes that are not text (UTF-8)")
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }):
		p.add(field, "Contains a control character; type or paste it again as plain text")
	}
}

// checkRef checks a reference from another system: one line of at most 100 characters.
func checkRef(p *problems, field, s string) {
	if strings.ContainsFunc(s, unicode.IsControl) {
		p.add(field, "Contains a tab, line break or other control character; a reference is one line")
		return
	}
	checkLen(p, field, s, 100)
}
