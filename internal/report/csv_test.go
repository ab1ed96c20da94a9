package report_test

import (
	"bytes"
	"encoding/csv"
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
