package report

import "testing"

func TestVisual(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"latin unchanged", "Selam Tesfay", "Selam Tesfay"},
		{"ge'ez unchanged", "ሰላም", "ሰላም"},
		// محمد: meem initial, hah medial, meem medial, dal final; drawn right to left.
		{"joined and reversed", "محمد", "\uFEAA\uFEE4\uFEA4\uFEE3"},
		// علی (Dari): ain initial, lam medial, Farsi yeh final.
		{"persian yeh", "علی", "\uFBFD\uFEE0\uFECB"},
		// عثمان: alef does not join the noon after it, so noon stands alone.
		{"right-joining alef", "عثمان", "\uFEE5\uFE8E\uFEE4\uFE9C\uFECB"},
		// سلام: lam and alef become one ligature.
		{"lam alef", "سلام", "\uFEE1\uFEFC\uFEB3"},
		{"two words keep right-to-left order", "حسن علی", "\uFBFD\uFEE0\uFECB \uFEE6\uFEB4\uFEA3"},
		{"mixed with latin", "Ali (علی)", "Ali (\uFBFD\uFEE0\uFECB)"},
		{"isolated hamza", "ء", "\uFE80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := visual(tt.in); got != tt.want {
				t.Errorf("visual(%q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzVisual(f *testing.F) {
	for _, s := range []string{"محمد", "لا", "ل", "ًل", "Ali علی", "ሰላም 王", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := visual(s)
		if len([]rune(out)) > len([]rune(s)) {
			t.Errorf("visual(%q) grew to %q", s, out)
		}
	})
}
