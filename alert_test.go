package waymark

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// Every kind of alert has a title for people and a unique event name for other systems.
func TestAlertKindsHaveTitlesAndEvents(t *testing.T) {
	name := regexp.MustCompile(`^[a-z0-9_]+\.[a-z0-9_]+$`)
	seen := map[string]string{}
	for kind, k := range alertKinds {
		if k.title == "" || !name.MatchString(k.event) {
			t.Errorf("%s: title %q, event %q", kind, k.title, k.event)
		}
		if other, dup := seen[k.event]; dup {
			t.Errorf("%s and %s share the event %s", kind, other, k.event)
		}
		seen[k.event] = kind
	}
	for _, event := range []string{"handover.requested", "handover.overdue", "transfer.overdue"} {
		if seen[event] == "" {
			t.Errorf("no alert is the event %s", event)
		}
	}
}

// An alert's child name is for Waymark's own pages: what is sent out (its JSON) never holds it.
func TestAlertJSONHoldsNoName(t *testing.T) {
	b, err := json.Marshal(&Alert{Kind: AlertMissing, ChildRef: "WM-1", ChildName: "Dawit Tesfay"})
	if err != nil || strings.Contains(string(b), "Dawit") {
		t.Fatalf("%s %v", b, err)
	}
}
