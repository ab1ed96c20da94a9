package waymark_test

import (
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
)

func TestChannelNormalize(t *testing.T) {
	tests := []struct {
		kind, target, badField string
	}{
		{"email", " duty-team@northshire.example ", ""},
		{"email", "Duty Team <duty@northshire.example>", "email"},
		{"email", "not an address", "email"},
		{"webhook", "https://control-room.example/waymark", ""},
		{"webhook", "http://127.0.0.1:9000/hook", ""},
		{"webhook", "http://localhost:9000/hook", ""},
		{"webhook", "http://control-room.example/waymark", "webhook"},
		{"webhook", "https://user:pass@control-room.example/", "webhook"},
		{"webhook", "control-room.example", "webhook"},
		{"sms", "+447700900123", "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.target, func(t *testing.T) {
			c := &waymark.Channel{Kind: tt.kind, Target: tt.target}
			err := c.Normalize()
			if tt.badField == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !slices.Contains(fields(err), tt.badField) {
				t.Fatalf("want a problem with %s, got %v", tt.badField, err)
			}
		})
	}
}

func FuzzParseRoles(f *testing.F) {
	for _, s := range []string{"default", "none", "", "police,admin", " police , police ", "wizard", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		roles, err := waymark.ParseRoles(s)
		if err != nil {
			return
		}
		again, err := waymark.ParseRoles(waymark.JoinRoles(roles))
		if err != nil || waymark.JoinRoles(again) != waymark.JoinRoles(roles) {
			t.Fatalf("%q: %v does not read back (%v, %v)", s, roles, again, err)
		}
		for _, r := range roles {
			if !r.Valid() {
				t.Fatalf("%q gave the role %q", s, r)
			}
		}
	})
}
