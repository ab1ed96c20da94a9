package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// WriteCSV writes rows as CSV for spreadsheets. A cell that a spreadsheet would read as a formula
// (one starting =, +, -, @, a tab or a carriage return) is written with a leading ' so that it
// is read as text: a child's reference or name typed as =HYPERLINK(…) must not run as one.
// Numbers, negative ones too, are written as they are.
func WriteCSV(w io.Writer, rows ...[]string) error {
	cw := csv.NewWriter(w)
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, cell := range row {
			safe[i] = Inert(cell)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Inert returns cell as a spreadsheet will read it as text, never as a formula.
func Inert(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return cell
	}
	return "'" + cell
}
