package report

import (
	"archive/zip"
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// PlacementCode is how one Waymark placement type is written in England's looked-after-children
// return (SSDA903). This table is the one place the two vocabularies meet: when the guide's codes
// change, change them here.
type PlacementCode struct{ Type, Code, Meaning string }

// PlacementCodes maps every Waymark placement type to the return's placement code.
var PlacementCodes = []PlacementCode{
	{"foster", "U6", "Placement with other foster carer, not long-term or fostering for adoption"},
	{"specialist_foster", "U6", "Placement with other foster carer, not long-term or fostering for adoption"},
	{"residential", "K2", "Children's home subject to Children's Homes Regulations"},
	{"supported", "K3", "Supported accommodation"},
	{"bnb_hostel", "P2", "Independent living, e.g. flat, lodgings, bedsit, bed and breakfast or hostel"},
	{"hotel", "P2", "Independent living, e.g. flat, lodgings, bedsit, bed and breakfast or hostel"},
	{"other", "Z1", "Other placements"},
}

// providerCodes are the return's placement provider codes (PLACE_PROVIDER) by Waymark's provider kinds.
var providerCodes = map[string]string{"parent": "PR0", "own_council": "PR1", "other_council": "PR2", "other_public": "PR3",
	"private": "PR4", "voluntary": "PR5"}

// validPlaces are the placement codes the guide accepts.
var validPlaces = []string{"A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3",
	"R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"}

// The return's four tables, one row per line of its CSV files.
type (
	HeaderRow struct{ Child, Sex, DOB, Ethnic string }
	// EpisodeRow is one placement; DEC is zero while it is open at the end of the year.
	EpisodeRow struct {
		Child                    string
		DECOM, DEC               time.Time
		RNE, LS, CIN, Place, REC string
		Provider, PlPost, URN    string
		Breaks                   []string // the rules the placement broke for the child (waymark.Rules)
	}
	// MissingRow is one missing (M) or away-without-authorisation (A) episode begun in the year.
	MissingRow struct {
		Child, DOB, Missing string
		Start, End          time.Time
	}
	UASCRow struct {
		Child, Sex, DOB string
		DUC             time.Time // when UASC status ended; zero while it continues
	}
)

// Return is one organisation's looked-after-children return for a collection year.
type Return struct {
	Year     Period
	Header   []HeaderRow
	Episodes []EpisodeRow
	Missing  []MissingRow
	UASC     []UASCRow
	// Made is when the return was made: a year not yet over is not the year's return.
	Made time.Time
}

var yearPattern = regexp.MustCompile(`^(\d{4})[-/](\d{2})$`)

// ParseYear reads a collection year written 2025-26: 1 April 2025 to 31 March 2026.
func ParseYear(s string, loc *time.Location) (Period, error) {
	m := yearPattern.FindStringSubmatch(s)
	if m == nil {
		return Period{}, waymark.Invalid("year", fmt.Sprintf("Write the collection year as 2025-26, not %q", s))
	}
	y, _ := strconv.Atoi(m[1])
	if y < 1990 || y > 2100 {
		return Period{}, waymark.Invalid("year", fmt.Sprintf("%s is outside the years a return can cover", s))
	}
	if next, _ := strconv.Atoi(m[2]); next != (y+1)%100 {
		return Period{}, waymark.Invalid("year", fmt.Sprintf("%s is not a year and the next; write e.g. %d-%02d", s, y, (y+1)%100))
	}
	from := time.Date(y, time.April, 1, 0, 0, 0, 0, loc)
	return Period{from, from.AddDate(1, 0, -1)}, nil
}

// YearLabel writes the collection year as 2025-26.
func YearLabel(p Period) string {
	return fmt.Sprintf("%04d-%02d", p.From.Year(), (p.From.Year()+1)%100)
}

// BuildReturn writes the return for the year: every child looked after or missing in it. Nothing
// is dropped or mended here; Validate says what the guide's rules find wrong.
func BuildReturn(cases []*sqlstore.Case, year Period, loc *time.Location, now time.Time) *Return {
	r := &Return{Year: year, Made: now}
	for _, c := range cases {
		eps := r.episodes(c, loc)
		miss := r.missing(c, loc)
		if len(eps) == 0 && len(miss) == 0 {
			continue
		}
		r.Episodes, r.Missing = append(r.Episodes, eps...), append(r.Missing, miss...)
		sex, dob := sexCode(c.Sex), dmy(parseDay(c.DateOfBirth, loc))
		r.Header = append(r.Header, HeaderRow{c.Ref, sex, dob, c.Ethnicity})
		if c.UASC {
			duc := parseDay(c.UASCCeased, loc)
			if duc.After(year.To) {
				duc = time.Time{}
			}
			r.UASC = append(r.UASC, UASCRow{c.Ref, sex, dob, duc})
		}
	}
	return r
}

// episodes are the child's placements open at any time in the year. A placement that begins the
// day another ends continues the period of care (reason P; the earlier one ends X1).
func (r *Return) episodes(c *sqlstore.Case, loc *time.Location) []EpisodeRow {
	var starts, ends []time.Time
	for _, p := range c.Placements {
		starts, ends = append(starts, day(p.Start, loc)), append(ends, day(p.End, loc))
	}
	var out []EpisodeRow
	for i, p := range c.Placements {
		if starts[i].After(r.Year.To) || (!ends[i].IsZero() && ends[i].Before(r.Year.From)) {
			continue
		}
		e := EpisodeRow{Child: c.Ref, DECOM: starts[i], RNE: "S", LS: c.LegalStatus, CIN: c.CategoryOfNeed, Place: placeCode(p.Type),
			Provider: providerCodes[p.ProviderKind], PlPost: p.Postcode, URN: p.OfstedURN, Breaks: p.Breaks(c.DateOfBirth, r.Made)}
		if slices.ContainsFunc(ends, starts[i].Equal) {
			e.RNE = "P"
		}
		if !ends[i].IsZero() && !ends[i].After(r.Year.To) {
			e.DEC, e.REC = ends[i], "E8"
			if slices.ContainsFunc(starts, ends[i].Equal) {
				e.REC = "X1"
			}
		}
		out = append(out, e)
	}
	return out
}

func (r *Return) missing(c *sqlstore.Case, loc *time.Location) []MissingRow {
	var out []MissingRow
	for _, e := range c.Episodes {
		start := day(e.LastSeenAt, loc)
		if !r.Year.contains(start) {
			continue
		}
		m := MissingRow{Child: c.Ref, DOB: dmy(parseDay(c.DateOfBirth, loc)), Missing: missingCode(e.Kind), Start: start}
		if end := day(firstSet(e.FoundAt, e.ReturnedAt), loc); !end.After(r.Year.To) {
			m.End = end
		}
		out = append(out, m)
	}
	return out
}

func placeCode(placementType string) string {
	i := slices.IndexFunc(PlacementCodes, func(p PlacementCode) bool { return p.Type == placementType })
	if i < 0 {
		return ""
	}
	return PlacementCodes[i].Code
}

func sexCode(s string) string {
	switch s {
	case "M":
		return "1"
	case "F":
		return "2"
	}
	return ""
}

func missingCode(kind string) string {
	switch kind {
	case "missing":
		return "M"
	case "absent":
		return "A"
	}
	return kind
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// day is the calendar day of t in loc, as midnight; zero stays zero.
func day(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func parseDay(s string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation(waymark.DateLayout, s, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// dmy writes a date as the return does, DD/MM/YYYY; zero is blank.
func dmy(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// Table is one of the return's CSV files.
type ReturnTable struct {
	File    string
	Columns []string
	Rows    [][]string
}

// Tables lays the return out as its CSV files, columns as the guide names them.
func (r *Return) Tables() []ReturnTable {
	t := []ReturnTable{
		{"header.csv", []string{"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}, nil},
		{"episodes.csv", []string{"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
			"REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"}, nil},
		{"missing.csv", []string{"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}, nil},
		{"uasc.csv", []string{"CHILD", "SEX", "DOB", "DUC"}, nil},
	}
	for _, h := range r.Header {
		t[0].Rows = append(t[0].Rows, []string{h.Child, h.Sex, h.DOB, h.Ethnic, "", "", ""})
	}
	for _, e := range r.Episodes {
		t[1].Rows = append(t[1].Rows, []string{e.Child, dmy(e.DECOM), e.RNE, e.LS, e.CIN, e.Place, e.Provider, dmy(e.DEC), e.REC, "", "",
			e.PlPost, cmp.Or(e.URN, "XXXXXXX")})
	}
	for _, m := range r.Missing {
		t[2].Rows = append(t[2].Rows, []string{m.Child, m.DOB, m.Missing, dmy(m.Start), dmy(m.End)})
	}
	for _, u := range r.UASC {
		t[3].Rows = append(t[3].Rows, []string{u.Child, u.Sex, u.DOB, dmy(u.DUC)})
	}
	return t
}

// WriteCSV writes one table with its header line.
func (t ReturnTable) WriteCSV(w io.Writer) error {
	return WriteCSV(w, append([][]string{t.Columns}, t.Rows...)...)
}

// WriteZip writes the four CSV files into one zip archive.
func (r *Return) WriteZip(w io.Writer) error {
	z := zip.NewWriter(w)
	for _, t := range r.Tables() {
		f, err := z.Create(t.File)
		if err != nil {
			return fmt.Errorf("zip %s: %w", t.File, err)
		}
		if err := t.WriteCSV(f); err != nil {
			return fmt.Errorf("write %s: %w", t.File, err)
		}
	}
	return z.Close()
}
