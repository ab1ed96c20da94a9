package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/report"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

func year(t *testing.T, s string) report.Period {
	t.Helper()
	p, err := report.ParseYear(s, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func placement(kind, start, end string) *waymark.Placement {
	p := &waymark.Placement{Type: kind, Start: day(start).Add(10 * time.Hour), ProviderKind: "own_council", Postcode: "NE1 4ST"}
	if end != "" {
		p.End = day(end).Add(15 * time.Hour)
	}
	return p
}

func episode(kind, start, found string) *waymark.MissingEpisode {
	e := &waymark.MissingEpisode{Kind: kind, LastSeenAt: day(start).Add(22 * time.Hour)}
	if found != "" {
		e.FoundAt = day(found).Add(3 * time.Hour)
	}
	return e
}

// histories is a council's year 2025-26: A moved from foster care to a B&B and went missing twice;
// B went missing after the placement had ended; C left care the year before; D is still placed,
// in supported accommodation not registered with Ofsted, and nothing the return needs of D is recorded.
func histories() []*sqlstore.Case {
	return []*sqlstore.Case{
		{Ref: "A", Sex: "M", DateOfBirth: "2009-05-01", UASC: true, LegalStatus: "V2", CategoryOfNeed: "N8", Ethnicity: "BAFR",
			Placements: []*waymark.Placement{placement("foster", "2025-01-10", "2025-06-01"), placement("bnb_hostel", "2025-06-01", "")},
			Episodes:   []*waymark.MissingEpisode{episode("missing", "2025-07-03", "2025-07-05"), episode("absent", "2026-03-30", "")}},
		{Ref: "B", Sex: "F", LegalStatus: "C2", CategoryOfNeed: "N1", Ethnicity: "WOTH", Screenings: []*waymark.Screening{{Date: day("2024-02-01"), Outcome: "trafficking_concern"}},
			Placements: []*waymark.Placement{placement("residential", "2024-01-01", "2024-12-31")},
			Episodes:   []*waymark.MissingEpisode{episode("missing", "2025-05-01", "2025-05-02")}},
		{Ref: "C", Sex: "M", DateOfBirth: "2008-01-01", Placements: []*waymark.Placement{placement("foster", "2023-01-01", "2024-03-01")}},
		{Ref: "D", DateOfBirth: "2010-02-02", UASC: true, UASCCeased: "2026-06-01",
			Screenings: []*waymark.Screening{{Date: day("2025-04-02"), Outcome: "trafficking_concern"}},
			Placements: []*waymark.Placement{{Type: "supported", Start: day("2025-04-01").Add(10 * time.Hour), End: day("2026-05-01").Add(15 * time.Hour)}},
			Episodes:   []*waymark.MissingEpisode{episode("missing", "2026-03-31", "2026-04-02")}},
	}
}

func TestReturnTables(t *testing.T) {
	r := report.BuildReturn(histories(), year(t, "2025-26"), time.UTC, day("2026-06-01"))
	want := map[string][][]string{
		"header.csv": {{"A", "1", "01/05/2009", "BAFR", "", "", ""}, {"B", "2", "", "WOTH", "", "", ""}, {"D", "", "02/02/2010", "", "", "", ""}},
		"episodes.csv": {
			{"A", "10/01/2025", "S", "V2", "N8", "U6", "PR1", "01/06/2025", "X1", "", "", "NE1 4ST", "XXXXXXX"},
			{"A", "01/06/2025", "P", "V2", "N8", "P2", "PR1", "", "", "", "", "NE1 4ST", "XXXXXXX"},
			{"D", "01/04/2025", "S", "", "", "K3", "", "", "", "", "", "", "XXXXXXX"},
		},
		"missing.csv": {{"A", "01/05/2009", "M", "03/07/2025", "05/07/2025"}, {"A", "01/05/2009", "A", "30/03/2026", ""},
			{"B", "", "M", "01/05/2025", "02/05/2025"}, {"D", "02/02/2010", "M", "31/03/2026", ""}},
		"uasc.csv": {{"A", "1", "01/05/2009", ""}, {"D", "", "02/02/2010", ""}},
	}
	for _, tb := range r.Tables() {
		if !reflect.DeepEqual(tb.Rows, want[tb.File]) {
			t.Errorf("%s:\n got %q\nwant %q", tb.File, tb.Rows, want[tb.File])
		}
	}
	got := r.Validate()
	// Nothing unknown is written as a default: each field not recorded fails, naming the child.
	wantFailures := []report.Failure{
		{Code: "101", Table: "Header", Child: "D"},
		{Code: "102", Table: "Header", Child: "B"},
		{Code: "103", Table: "Header", Child: "D"},
		{Code: "144", Table: "Episodes", Child: "D"},
		{Code: "145", Table: "Episodes", Child: "D"},
		{Code: "WM4", Table: "Episodes", Child: "D"},
		{Code: "WM5", Table: "Episodes", Child: "D"},
		{Code: "WM2", Table: "Missing", Child: "B"},
	}
	if len(got) != len(wantFailures) {
		t.Fatalf("failures %+v, want %+v", got, wantFailures)
	}
	for i, f := range got {
		if f.Code != wantFailures[i].Code || f.Child != wantFailures[i].Child || f.Table != wantFailures[i].Table || f.Message == "" {
			t.Errorf("failure %d = %+v, want %+v", i, f, wantFailures[i])
		}
	}
	warnings := r.Warnings()
	if len(warnings) != 2 || warnings[0].Child != "A" || warnings[0].Message != waymark.Rules[waymark.RuleBnBHostel] ||
		warnings[1].Child != "D" || warnings[1].Message != waymark.Rules[waymark.RuleNotRegistered] {
		t.Errorf("warnings %+v", warnings)
	}
	if w := report.BuildReturn(histories(), year(t, "2025-26"), time.UTC, day("2026-02-01")).Warnings(); len(w) == 0 || w[0].Code != "W1" {
		t.Errorf("a year not yet over is not warned of: %+v", w)
	}
}

// clean is a return that breaks no rule; each case below breaks one.
func clean(t *testing.T) *report.Return {
	return &report.Return{
		Year:   year(t, "2025-26"),
		Header: []report.HeaderRow{{Child: "K", Sex: "2", DOB: "01/05/2009", Ethnic: "NOBT"}},
		Episodes: []report.EpisodeRow{{Child: "K", DECOM: day("2025-04-10"), DEC: day("2025-09-01"), RNE: "S", Place: "U6", REC: "X1", LS: "V2", CIN: "N1", Provider: "PR1", PlPost: "NE1 4ST"},
			{Child: "K", DECOM: day("2025-09-01"), RNE: "P", Place: "K2", LS: "V2", CIN: "N1", Provider: "PR4", PlPost: "NE2 1AA"}},
		Missing: []report.MissingRow{{Child: "K", DOB: "01/05/2009", Missing: "M", Start: day("2025-09-01"), End: day("2025-09-03")}},
		UASC:    []report.UASCRow{{Child: "K", Sex: "2", DOB: "01/05/2009", DUC: day("2027-05-01")}},
	}
}

func TestReturnRules(t *testing.T) {
	if f := clean(t).Validate(); len(f) != 0 {
		t.Fatalf("clean return fails: %+v", f)
	}
	cases := []struct {
		rule   string
		break_ func(r *report.Return)
	}{
		{"101", func(r *report.Return) { r.Header[0].Sex = "9" }},
		{"102", func(r *report.Return) { r.Header[0].DOB = "31/02/2009" }},
		{"103", func(r *report.Return) { r.Header[0].Ethnic = "" }},
		{"144", func(r *report.Return) { r.Episodes[1].LS = "" }},
		{"145", func(r *report.Return) { r.Episodes[0].CIN = "N9" }},
		{"WM4", func(r *report.Return) { r.Episodes[1].Provider = "" }},
		{"WM5", func(r *report.Return) { r.Episodes[0].PlPost = "" }},
		{"141", func(r *report.Return) { r.Episodes[0].DECOM = time.Time{} }},
		{"146", func(r *report.Return) { r.Episodes[1].Place = "H9" }},
		{"356", func(r *report.Return) { r.Episodes[0].DEC = day("2025-04-09") }},
		{"WM1", func(r *report.Return) { r.Episodes[0].DEC = time.Time{} }},
		{"1004", func(r *report.Return) { r.Missing[0].Start = time.Time{} }},
		{"1006", func(r *report.Return) { r.Missing[0].Missing = "X" }},
		{"567", func(r *report.Return) { r.Missing[0].End = day("2025-08-31") }},
		{"571", func(r *report.Return) { r.Missing[0].End = day("2026-04-01") }},
		{"WM2", func(r *report.Return) { r.Missing[0].Start = day("2025-04-09") }},
		{"WM3", func(r *report.Return) { r.UASC[0].DUC = day("2027-05-02") }},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			r := clean(t)
			c.break_(r)
			f := r.Validate()
			if len(f) == 0 || f[0].Code != c.rule || f[0].Child != "K" {
				t.Fatalf("failures %+v, want rule %s for K first", f, c.rule)
			}
		})
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.rule] = true
	}
	for _, rule := range report.Rules {
		if !covered[rule.Code] {
			t.Errorf("rule %s has no case that breaks it", rule.Code)
		}
	}
}

func TestParseYear(t *testing.T) {
	for _, c := range []struct{ in, from, to, err string }{
		{"2025-26", "2025-04-01", "2026-03-31", ""},
		{"1999/00", "1999-04-01", "2000-03-31", ""},
		{"2025", "", "", "Write the collection year as 2025-26"},
		{"2025-27", "", "", "is not a year and the next"},
		{"0000-01", "", "", "outside the years a return can cover"},
	} {
		p, err := report.ParseYear(c.in, time.UTC)
		if c.err != "" {
			if err == nil || !strings.Contains(waymark.ErrorFields(err)[0].Message, c.err) || waymark.ErrorFields(err)[0].Field != "year" {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || p.From.Format(waymark.DateLayout) != c.from || p.To.Format(waymark.DateLayout) != c.to {
			t.Errorf("%q = %v – %v, %v", c.in, p.From, p.To, err)
		}
		if report.YearLabel(p) != strings.Replace(c.in, "/", "-", 1) {
			t.Errorf("label %q", report.YearLabel(p))
		}
	}
}

func TestReturnZip(t *testing.T) {
	var buf bytes.Buffer
	if err := report.BuildReturn(histories(), year(t, "2025-26"), time.UTC, day("2026-06-01")).WriteZip(&buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		rows, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil || len(rows) < 2 || rows[0][0] != "CHILD" || rows[1][0] != "A" {
			t.Errorf("%s: %q %v", f.Name, rows, err)
		}
	}
	if strings.Join(names, " ") != "header.csv episodes.csv missing.csv uasc.csv" {
		t.Errorf("files %v", names)
	}
}

// FuzzParseYear: any text is read without panicking; a year it accepts runs 1 April to 31 March
// and is written back as it was read.
func FuzzParseYear(f *testing.F) {
	for _, s := range []string{"2025-26", "1999/00", "2025", "9999-00", "0000-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := report.ParseYear(s, time.UTC)
		if err != nil {
			if len(waymark.ErrorFields(err)) != 1 {
				t.Fatalf("%q: refusal without the field: %v", s, err)
			}
			return
		}
		if p.From.Month() != time.April || p.From.Day() != 1 || p.To.Month() != time.March || p.To.Day() != 31 ||
			report.YearLabel(p) != strings.Replace(s, "/", "-", 1) {
			t.Fatalf("%q → %v – %v (%s)", s, p.From, p.To, report.YearLabel(p))
		}
	})
}
