package http_test

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

const border = "border@border.example.org"

// The journey's first step through the API: a border officer records a child and hands them to the
// council whose area it is; the council is alerted, may read the record to decide, and accepts,
// becoming responsible (the border force no longer is); a transfer between councils is declined
// with a reason, and the sender alerted; one not answered in four hours alerts both sides.
func TestHandoverThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			bf, mgr := a.token(border, waymark.RoleBorder), a.token(manager, waymark.RoleManager)
			east := a.token(otherCouncil, waymark.RoleManager)
			north, eastport, borderOrg := a.actor(manager).OrgID, a.actor(otherCouncil).OrgID, a.actor(border).OrgID
			code, c := a.call(bf, "POST", "/api/v1/children", `{"given_names": "Meron", "family_name": "Tesfay", "sex": "F", "nationality": "ER"}`)
			if code != http.StatusCreated {
				t.Fatalf("record: %d %v", code, c)
			}
			id := c["child_id"].(string)
			if code, _ := a.call(mgr, "GET", "/api/v1/children/"+id, ""); code != http.StatusForbidden {
				t.Fatalf("the council read a child not yet handed to it: %d", code)
			}
			code, h := a.call(bf, "POST", "/api/v1/children/"+id+"/handovers", `{"to_org_id": "`+north+`", "reason": "Found in Northshire", "note": "At the port office with an interpreter"}`)
			if code != http.StatusCreated || h["status"] != "open" || h["kind"] != "handover" || h["from_org_id"] != borderOrg {
				t.Fatalf("hand over: %d %v", code, h)
			}
			if code, _ := a.call(bf, "POST", "/api/v1/children/"+id+"/handovers", `{"to_org_id": "`+eastport+`", "reason": "again"}`); code != http.StatusConflict {
				t.Fatalf("a second handover while one waits: %d", code)
			}
			code, out := a.call(bf, "POST", "/api/v1/children/"+id+"/handovers", `{"to_org_id": "`+a.actor(police).OrgID+`", "reason": "x"}`)
			if code != http.StatusConflict && (code != http.StatusUnprocessableEntity || errorField(out) != "to_org_id") {
				t.Fatalf("a handover to the police: %d %v", code, out)
			}
			code, list := a.call(mgr, "GET", "/api/v1/handovers?status=open", "")
			if code != http.StatusOK || len(list["handovers"].([]any)) != 1 || list["handovers"].([]any)[0].(map[string]any)["child_ref"] != c["ref"] {
				t.Fatalf("waiting on the council: %d %v", code, list)
			}
			alerts, _, err := a.reg.Alerts(ctx, a.actor(manager), 50)
			if err != nil || !hasAlert(alerts, waymark.AlertHandoverRequested, id) {
				t.Fatalf("the council's manager was not alerted: %v", err)
			}
			if code, _ := a.call(mgr, "GET", "/api/v1/children/"+id, ""); code != http.StatusOK {
				t.Fatalf("the council asked to take the child on could not read the record: %d", code)
			}
			if code, _ := a.call(east, "POST", "/api/v1/handovers/"+h["id"].(string)+"/accept", ""); code != http.StatusForbidden {
				t.Fatalf("another council accepted: %d", code)
			}
			code, h = a.call(mgr, "POST", "/api/v1/handovers/"+h["id"].(string)+"/accept", "")
			if code != http.StatusOK || h["status"] != "accepted" {
				t.Fatalf("accept: %d %v", code, h)
			}
			if log, err := a.store.Disclosures(ctx, borderOrg, time.Time{}); err != nil || !slices.ContainsFunc(log, func(d *waymark.Disclosure) bool {
				return d.Kind == "handover" && d.ChildID == id && strings.HasPrefix(d.Recipient, "Northshire") && d.LawfulBasis == "safeguarding"
			}) {
				t.Fatalf("the handover is not in the border force's disclosure log: %+v %v", log, err)
			}
			_, c = a.call(mgr, "GET", "/api/v1/children/"+id, "")
			if c["org_id"] != north || c["recorded_by_org_id"] != borderOrg {
				t.Fatalf("after acceptance: responsible %v, recorded by %v", c["org_id"], c["recorded_by_org_id"])
			}
			if code, _ := a.call(bf, "PATCH", "/api/v1/children/"+id, `{"marks": "scar"}`); code != http.StatusForbidden {
				t.Fatalf("the border force still edits a child it handed over: %d", code)
			}
			if alerts, _, _ := a.reg.Alerts(ctx, a.actor(manager), 50); hasAlert(alerts, waymark.AlertHandoverRequested, id) {
				t.Fatal("the handover's alert outlived its acceptance")
			}

			// A transfer to Eastport, declined: a reason is needed, and Northshire is told.
			code, h = a.call(mgr, "POST", "/api/v1/children/"+id+"/handovers", `{"to_org_id": "`+eastport+`", "reason": "National Transfer Scheme"}`)
			if code != http.StatusCreated || h["kind"] != "transfer" {
				t.Fatalf("transfer: %d %v", code, h)
			}
			alertsOn := func(email string) []*waymark.Alert {
				rec, err := a.reg.Child(ctx, a.actor(email), id)
				if err != nil {
					t.Fatal(err)
				}
				return rec.Care.Alerts
			}
			if !hasAlert(alertsOn(otherCouncil), waymark.AlertHandoverRequested, id) || hasAlert(alertsOn(manager), waymark.AlertHandoverRequested, id) {
				t.Fatal("the child's page shows the transfer's alert to the wrong council")
			}
			if code, out := a.call(east, "POST", "/api/v1/handovers/"+h["id"].(string)+"/decline", `{}`); code != http.StatusUnprocessableEntity || errorField(out) != "reason" {
				t.Fatalf("declined without a reason: %d %v", code, out)
			}
			if code, h = a.call(east, "POST", "/api/v1/handovers/"+h["id"].(string)+"/decline", `{"reason": "No placement free this week"}`); code != http.StatusOK || h["status"] != "declined" {
				t.Fatalf("decline: %d %v", code, h)
			}
			if alerts, _, _ := a.reg.Alerts(ctx, a.actor(manager), 50); !hasAlert(alerts, waymark.AlertHandoverDeclined, id) {
				t.Fatal("the sending council was not told of the refusal")
			}
			if _, c = a.call(mgr, "GET", "/api/v1/children/"+id, ""); c["org_id"] != north {
				t.Fatalf("declined, the child moved anyway: %v", c["org_id"])
			}

			// Asked again, the transfer runs on England's working days: Eastport is reminded after
			// five, and both councils are told after ten.
			code, h = a.call(mgr, "POST", "/api/v1/children/"+id+"/handovers", `{"to_org_id": "`+eastport+`", "reason": "National Transfer Scheme"}`)
			if code != http.StatusCreated {
				t.Fatalf("transfer again: %d", code)
			}
			asked := a.store.Now()
			if due, _ := time.Parse(time.RFC3339, h["due_at"].(string)); due.Sub(waymark.AddWorkingDays(asked, 10)).Abs() > time.Second {
				t.Fatalf("transfer due %v, want 10 working days after %v", h["due_at"], asked)
			}
			sched := alert.New(a.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
			sched.Now = a.store.Now
			eastManager := waymark.Actor{UserID: "x", OrgID: eastport, Role: waymark.RoleManager, Name: "Eastport manager"}
			sweepAt := func(at time.Time) (mine, theirs []*waymark.Alert) {
				a.store.SetClock(func() time.Time { return at })
				if _, err := sched.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				mine, _, _ = a.reg.Alerts(ctx, a.actor(manager), 50)
				theirs, _, _ = a.reg.Alerts(ctx, eastManager, 50)
				return mine, theirs
			}
			mine, theirs := sweepAt(waymark.AddWorkingDays(asked, 4))
			if hasAlert(theirs, waymark.AlertTransferReminder, id) || hasAlert(mine, waymark.AlertTransferUnanswered, id) {
				t.Fatal("alerted before the transfer's fifth working day")
			}
			if _, theirs = sweepAt(waymark.AddWorkingDays(asked, 5).Add(time.Minute)); !hasAlert(theirs, waymark.AlertTransferReminder, id) {
				t.Fatal("no reminder on the fifth working day")
			}
			mine, theirs = sweepAt(waymark.AddWorkingDays(asked, 10).Add(time.Minute))
			if !hasAlert(mine, waymark.AlertTransferUnanswered, id) || !hasAlert(theirs, waymark.AlertTransferOverdue, id) {
				t.Fatal("a transfer waiting past ten working days alerted neither side")
			}

			// Accepted, the whole history moves; Northshire still reads what happened in its time,
			// and the border force who it recorded and whether they are missing.
			if code, _ := a.call(east, "POST", "/api/v1/handovers/"+h["id"].(string)+"/accept", ""); code != http.StatusOK {
				t.Fatalf("accept the transfer: %d", code)
			}
			later := a.store.Now().Add(time.Hour).Format(time.RFC3339)
			if code, out := a.call(east, "POST", "/api/v1/children/"+id+"/encounters", `{"kind": "other", "at": "`+later+`", "circumstances": "Settled in Eastport"}`); code != http.StatusCreated {
				t.Fatalf("Eastport records a contact: %d %v", code, out)
			}
			a.store.SetClock(func() time.Time { return time.Now().Add(30 * 24 * time.Hour) })
			for who, tok := range map[string]string{"Eastport": east, "Northshire": mgr, "the border force": bf} {
				if code, _ := a.call(tok, "GET", "/api/v1/children/"+id, ""); code != http.StatusOK {
					t.Fatalf("%s cannot read who the child is: %d", who, code)
				}
				_, encs := a.call(tok, "GET", "/api/v1/children/"+id+"/encounters", "")
				sawEastport := false
				for _, e := range encs["encounters"].([]any) {
					sawEastport = sawEastport || e.(map[string]any)["circumstances"] == "Settled in Eastport"
				}
				if sawEastport != (who == "Eastport") {
					t.Fatalf("%s sees Eastport's contact: %v", who, sawEastport)
				}
				_, hs := a.call(tok, "GET", "/api/v1/children/"+id+"/handovers", "")
				if n, want := len(hs["handovers"].([]any)), map[string]int{"Eastport": 3, "Northshire": 3, "the border force": 1}[who]; n != want {
					t.Fatalf("%s sees %d of the child's handovers, want %d", who, n, want)
				}
			}
			if code, _ := a.call(mgr, "POST", "/api/v1/children/"+id+"/encounters", `{"kind": "other", "at": "`+later+`"}`); code != http.StatusForbidden {
				t.Fatalf("Northshire still records on a child it transferred: %d", code)
			}

			// A handover from the border force not answered in four hours: both sides are told.
			a.store.SetClock(time.Now)
			_, c = a.call(bf, "POST", "/api/v1/children", `{"given_names": "Yonas", "family_name": "Berhe", "sex": "M", "nationality": "ER"}`)
			second := c["child_id"].(string)
			if code, _ := a.call(bf, "POST", "/api/v1/children/"+second+"/handovers", `{"to_org_id": "`+north+`", "reason": "Found in Northshire"}`); code != http.StatusCreated {
				t.Fatalf("hand over: %d", code)
			}
			a.store.SetClock(func() time.Time { return time.Now().Add(waymark.HandoverAcceptWithin + time.Minute) })
			if _, err := sched.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			mine, _, _ = a.reg.Alerts(ctx, a.actor(manager), 50)
			theirs, _, _ = a.reg.Alerts(ctx, waymark.Actor{UserID: "y", OrgID: borderOrg, Role: waymark.RoleManager, Name: "Border manager"}, 50)
			if !hasAlert(mine, waymark.AlertHandoverOverdue, second) || !hasAlert(theirs, waymark.AlertHandoverUnanswered, second) {
				t.Fatal("a handover waiting past four hours alerted neither side")
			}
		})
	}
}

func hasAlert(as []*waymark.Alert, kind, childID string) bool {
	for _, al := range as {
		if al.Kind == kind && al.ChildID == childID && al.Open() {
			return true
		}
	}
	return false
}
