package http_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A manager builds the team around a child from several organisations: each member sees the child,
// and does what their part allows, from the moment they are added until their part ends.
func TestTeamAroundTheChild(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			mgr, sw := a.token(manager, waymark.RoleManager), a.token(socialWorker, waymark.RoleSocialWorker)
			c := &waymark.Child{GivenNames: "Hanna", FamilyName: "Gebre", Sex: "F", Nationality: "ER"}
			if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
				t.Fatal(err)
			}
			team := "/api/v1/children/" + c.ID + "/team"
			if code, _ := get(t, a.client(carer), a.srv.URL+"/children/"+c.ID); code != http.StatusForbidden {
				t.Fatalf("a carer opened a child not placed with them: %d", code)
			}
			for _, tc := range []struct{ body, field string }{
				{`{"email": "` + carer + `", "role": "ictg"}`, "role"},
				{`{"email": "nobody@example.org", "role": "carer"}`, "email"},
				{`{"role": "carer"}`, "user_id"},
				{`{"email": "` + carer + `", "role": "carer", "from": "last week"}`, "from"},
			} {
				if code, out := a.call(mgr, "POST", team, tc.body); code != http.StatusUnprocessableEntity || errorField(out) != tc.field {
					t.Fatalf("%s: %d %v, want the field %s named", tc.body, code, out, tc.field)
				}
			}
			if code, _ := a.call(sw, "POST", team, `{"email": "`+carer+`", "role": "carer"}`); code != http.StatusForbidden {
				t.Fatalf("a social worker built the team: %d", code)
			}
			code, m := a.call(mgr, "POST", team, `{"email": "`+carer+`", "role": "carer"}`)
			if code != http.StatusCreated || m["role"] != "carer" || m["phone"] != "07700 900007" || m["from"] != a.reg.Now().Format(waymark.DateLayout) {
				t.Fatalf("add the carer: %d %v", code, m)
			}
			if code, _ := a.call(mgr, "POST", team, `{"email": "`+carer+`", "role": "carer"}`); code != http.StatusConflict {
				t.Fatalf("the carer added twice: %d", code)
			}
			ictg := a.actor(guardian).UserID
			if code, out := a.call(mgr, "POST", team, `{"user_id": "`+ictg+`", "role": "ictg", "from": "2026-11-30"}`); code != http.StatusCreated {
				t.Fatalf("add the ICTG: %d %v", code, out)
			}

			// The carer sees the child, reports them missing at 2 a.m. and records the return, but
			// records no placement; the ICTG sees the child from another organisation; the charity's
			// key worker, not in the team, does not.
			for who, want := range map[string]int{carer: 200, guardian: 200, keyWorker: 403, otherCouncil: 403} {
				if code, _ := get(t, a.client(who), a.srv.URL+"/children/"+c.ID); code != want {
					t.Fatalf("%s opened the child: %d, want %d", who, code, want)
				}
			}
			_, page := get(t, a.client(carer), a.srv.URL+"/children")
			contains(t, page, c.ID)
			if code, out := a.call(mgr, "POST", team, `{"email": "`+police+`", "role": "police_officer"}`); code != http.StatusCreated {
				t.Fatalf("add the officer in the case: %d %v", code, out)
			}
			_, page = get(t, a.client(police), a.srv.URL+"/children")
			contains(t, page, "In your teams, of other organisations", c.ID)
			e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", Risk: "high", LastSeenAt: a.reg.Now().Add(-time.Hour), LastSeenPlace: "Foster home"}
			if err := a.reg.ReportMissing(ctx, a.actor(carer), e); err != nil {
				t.Fatalf("the carer could not report the child missing: %v", err)
			}
			if _, err := a.reg.UpdateEpisode(ctx, a.actor(carer), e.ID, waymark.ReportMissing, "returned", func(e *waymark.MissingEpisode, now time.Time) error {
				return e.RecordReturned(now.Add(-time.Minute), now)
			}); err != nil {
				t.Fatalf("the carer could not record the return: %v", err)
			}
			p := &waymark.Placement{ChildID: c.ID, Type: "foster", Provider: "x", Start: a.reg.Now()}
			if err := a.reg.AddPlacement(ctx, a.actor(carer), p, ""); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("the carer recorded a placement: %v", err)
			}

			// The child's page shows the team with contact details, and the manager ends a part.
			_, page = get(t, a.client(manager), a.srv.URL+"/children/"+c.ID)
			contains(t, page, "Team around the child", "Casey Carer", `href="tel:&#43;447700900007"`, "mailto:"+carer, "Independent Child Trafficking Guardian")
			code, list := a.call(sw, "GET", team, "")
			if code != http.StatusOK || len(list["team"].([]any)) != 3 {
				t.Fatalf("the team: %d %v", code, list)
			}
			if code, out := a.call(mgr, "POST", team+"/"+m["id"].(string)+"/end", ""); code != http.StatusOK || out["ended_at"] == nil {
				t.Fatalf("end the carer's part: %d %v", code, out)
			}
			if code, _ := a.call(mgr, "POST", team+"/"+m["id"].(string)+"/end", ""); code != http.StatusNotFound {
				t.Fatalf("a part ended twice: %d", code)
			}
			if code, _ := get(t, a.client(carer), a.srv.URL+"/children/"+c.ID); code != http.StatusForbidden {
				t.Fatalf("the carer still sees the child after their part ended: %d", code)
			}
			_, list = a.call(sw, "GET", team, "")
			if last := list["team"].([]any)[2].(map[string]any); last["ended_by"] == "" || last["ended_at"] == nil {
				t.Fatalf("the ended part is not kept: %v", last)
			}
			for _, action := range []string{"team.add", "team.end"} {
				if got, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: action}); len(got) == 0 || got[0].ActorName == "" {
					t.Fatalf("%s not audited", action)
				}
			}
		})
	}
}

// An admin adds a foster carer on the Users page: a bad form comes back with what was typed and
// each problem named; the carer gets a password for one sign-in, and sees no child until a manager
// puts them in a team.
func TestAdminAddsACarer(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(admin)
	res, err := c.PostForm(a.srv.URL+"/users", url.Values{"email": {"not an address"}, "name": {"Robin Foster"}, "role": {"carer"}, "phone": {"call me"}})
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad form: %d", res.StatusCode)
	}
	contains(t, page, `href="#email"`, `href="#phone"`, `value="Robin Foster"`)
	if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/users/new"); code != http.StatusForbidden {
		t.Fatalf("a social worker opened the form: %d", code)
	}
	res, _ = c.PostForm(a.srv.URL+"/users", url.Values{"email": {"robin@foster.example.org"}, "name": {"Robin Foster"}, "role": {"carer"}, "phone": {"07700 900123"}})
	page = readAll(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "User added") || !strings.Contains(page, `class="secret"`) {
		t.Fatalf("add a carer: %d\n%s", res.StatusCode, page)
	}
	u, err := a.store.UserByEmail(ctx, "robin@foster.example.org")
	if err != nil || u.Role != waymark.RoleCarer || !u.MustChange || u.Phone != "07700 900123" || u.OrgID != a.actor(admin).OrgID {
		t.Fatalf("the carer: %+v %v", u, err)
	}
}
