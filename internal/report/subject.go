package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
)

// SubjectPDF writes a subject access request's answer as an A4 PDF: who the child is, with the
// first photo, then the care history, contacts, links, bureau searches and who read the record.
// Times are shown in loc; printed says by whom and when.
func SubjectPDF(w io.Writer, s *registry.Subject, loc *time.Location, printed string) error {
	c := s.Child
	d, err := newDoc("Subject access: "+c.Name(), "OFFICIAL-SENSITIVE · subject access · child reference "+c.Ref+" · "+printed)
	if err != nil {
		return err
	}
	d.text(margin, "Subject access request", title)
	note := "Everything Waymark holds on this child"
	if s.Redacted {
		note += "; what is about other people is withheld"
	}
	d.text(margin, note+" · child reference "+c.Ref, small)
	d.y += 10
	var photo *waymark.Photo
	var data []byte
	if len(s.Photos) > 0 {
		photo, data = &s.Photos[0].Photo, s.Photos[0].Data
	}
	photoBottom := d.photo(photo, data)
	d.right = pageW - margin - photoW - 14
	d.text(margin, c.Name(), style{size: 16, strong: true})
	d.y += 4
	for _, f := range subjectHead(c, len(s.Photos)) {
		d.field(f)
	}
	d.right = pageW - margin
	d.y = max(d.y, photoBottom) + 6
	for _, sec := range subjectSections(s, loc) {
		d.heading(sec.Title)
		for _, f := range sec.Fields {
			d.field(f)
		}
	}
	return d.write(w)
}

func subjectHead(c *waymark.Child, photos int) []Field {
	return []Field{
		field("Also known as", each(c.Aliases, func(a waymark.Name) string { return strings.TrimSpace(a.GivenNames + " " + a.FamilyName) })...),
		field("Date of birth", cmp.Or(c.DateOfBirth, "not recorded")+map[bool]string{true: " (estimated)"}[c.DOBEstimated]),
		field("Sex", cmp.Or(waymark.Label(c.Sex), "not recorded")),
		field("Nationality", strings.Join(each(c.Nationalities(), waymark.CountryName), ", ")),
		field("Languages", strings.Join(c.Languages, ", ")),
		field("Phones", c.Phones...),
		field("Documents", each(c.Documents, func(d waymark.Document) string {
			return waymark.Label(d.Type) + " " + d.Number + prefixed(", ", d.Country)
		})...),
		field("Fingerprints and DNA", each(c.Biometrics, func(b waymark.Biometric) string {
			return waymark.Label(b.Kind) + ": " + b.Reference + prefixed(", ", b.Lab) + prefixed(" — basis: ", b.LegalBasis) + prefixed(" — profile: ", b.Profile)
		})...),
		field("Description", c.Description),
		field("Distinguishing marks", c.Marks),
		field("Health needs", c.HealthNeeds),
		field("People and places of concern", c.Concerns),
		field("Photos", fmt.Sprintf("%d (the first above; every one is in the JSON Lines file)", photos)),
	}
}

func subjectSections(s *registry.Subject, loc *time.Location) []Section {
	day := func(t time.Time) string { return t.In(loc).Format("2 Jan 2006") }
	clock := func(t time.Time) string { return t.In(loc).Format("15:04") }
	var history, contacts, links, bureau, read []Field
	for _, e := range s.Record.Events {
		history = append(history, field(waymark.Label(e.Type), strings.Join(nonEmpty(cmp.Or(e.Date, e.Start)+prefixed(" to ", e.End),
			waymark.Label(e.PlacementType), waymark.Label(e.Outcome), e.FoundCircumstances, strings.Join(each(e.Exploitation, waymark.Label), ", ")), " · ")))
	}
	for _, e := range s.Contacts {
		contacts = append(contacts, field(day(e.At), strings.Join(nonEmpty(clock(e.At), waymark.Label(e.Kind), waymark.Label(e.Agency), e.Place), " · "),
			e.Circumstances, prefixed("With: ", e.AccompanyingAdults)))
	}
	for _, l := range s.Links {
		links = append(links, field(l.From, waymark.Label(l.Role)+": "+waymark.Label(l.Entity.Kind)+" "+l.Entity.Value,
			strings.Join(nonEmpty(prefixed("to ", l.To), waymark.Label(l.Confidence)), " · "), l.Note))
	}
	for _, b := range s.Bureau {
		bureau = append(bureau, field(b.AskedOn, waymark.Label(b.Bureau)+", prints "+b.PrintsRef+": "+waymark.Label(b.Outcome)+prefixed(" as ", b.IdentifiedAs)))
	}
	for _, e := range s.Audit {
		read = append(read, field(day(e.At), strings.Join(nonEmpty(clock(e.At), e.Action, e.ActorName, e.Reason), " · ")))
	}
	return []Section{
		{Title: "Care history", Fields: orNone(history)},
		{Title: "Contacts", Fields: orNone(contacts)},
		{Title: "Links to people, phones and places", Fields: orNone(links)},
		{Title: "Fingerprint bureau searches", Fields: orNone(bureau)},
		{Title: "Who viewed or changed the record", Fields: orNone(read)},
	}
}

// orNone says "none recorded" for a section with nothing in it.
func orNone(fs []Field) []Field {
	if len(fs) == 0 {
		return []Field{field("", "none recorded")}
	}
	return fs
}

// nonEmpty leaves out the empty strings.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
