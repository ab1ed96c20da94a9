package identify

import (
	"slices"
	"testing"
)

func TestNeighbours(t *testing.T) {
	ix := NewIndex()
	for _, name := range []string{"boaluye", "tesfay", "amra", "ყვარლი", "mohamed"} {
		ix.intern(name)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"boauye", []string{"boaluye"}},   // a letter dropped
		{"boaluyte", []string{"boaluye"}}, // one added
		{"boakuye", []string{"boaluye"}},  // one mistyped
		{"tefsay", []string{"tesfay"}},    // two swapped
		{"boaluye", nil},                  // itself is not a neighbour
		{"boalu", nil},                    // two edits away
		{"amr", nil},                      // too short to look
		{"ყვარლია", []string{"ყვარლი"}}, // another script: a letter added
		{"mohammed", nil}, // sounds the same: the phonetic key links it already
	}
	for _, tc := range tests {
		var got []string
		for _, u := range ix.neighbours(newTok(tc.query)) {
			got = append(got, u.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("neighbours(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}
