package report_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/report"
)

func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1+2":                     "'+1+2",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"-12":                      "-12",
		"+44":                      "+44",
		"-0.25":                    "-0.25",
		"C0000001":                 "C0000001",
		"a=b":                      "a=b",
		"":                         "",
		"'quoted":                  "'quoted",
	} {
		var b bytes.Buffer
		if err := report.WriteCSV(&b, []string{"ref", "n"}, []string{in, "1"}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][0] != want {
			t.Errorf("%q written as %q (%v), want %q", in, rows, err, want)
		}
	}
}

func TestReturnCSVNeutralisesFormulas(t *testing.T) {
	var b bytes.Buffer
	table := report.ReturnTable{Columns: []string{"CHILD", "SEX"}, Rows: [][]string{{"=cmd|' /C calc'!A0", "M"}}}
	if err := table.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "CHILD,SEX\n'=cmd|' /C calc'!A0,M\n" {
		t.Fatalf("return CSV: %q", got)
	}
}

func FuzzWriteCSV(f *testing.F) {
	for _, s := range []string{"=1+1", "-3", "@x", "\t=x", "plain", "", "+44 7700", "\"quoted\",x"} {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var buf bytes.Buffer
		if err := report.WriteCSV(&buf, []string{a, b}); err != nil {
			return // not UTF-8 text, say: refused, not written
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("written CSV does not read back: %v", err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Fatalf("cell %q reads as a formula", cell)
					}
				}
			}
		}
	})
}
