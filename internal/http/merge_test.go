package http_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// recordState is everything of a child's record a merge touches, for comparing before and after.
func recordState(t *testing.T, a *app, id string) string {
	t.Helper()
	rec, err := a.reg.Child(ctx, a.actor(manager), id)
	if err != nil {
		t.Fatal(err)
	}
	c := *rec.Child
	c.UpdatedAt, c.MissingNow = time.Time{}, false
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		slices.Sort(out)
		return out
	}
	team := ids(len(rec.Team), func(i int) string { m := rec.Team[i]; return m.ID + " ended " + m.EndedAt.String() })
	state := map[string]any{"child": c,
		"encounters": ids(len(rec.Encounters), func(i int) string { return rec.Encounters[i].ID }),
		"placements": ids(len(rec.Care.Placements), func(i int) string { return rec.Care.Placements[i].ID }),
		"screenings": ids(len(rec.Care.Screenings), func(i int) string { return rec.Care.Screenings[i].ID }),
		"episodes":   ids(len(rec.Care.Episodes), func(i int) string { return rec.Care.Episodes[i].ID }),
		"team":       team, "profile": rec.Profile, "nrm": rec.NRM}
	b, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The same child recorded twice by Northshire: the manager merges one record into the other — the
// survivor takes the other's names, documents, contacts, care and team; the other's reference leads
// there; searching finds only the survivor — and undoing the merge leaves both exactly as before.
// Across organisations, the other must agree first, and may decline.
func TestMergeAndUndo(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			sw, mgr := a.actor(socialWorker), a.actor(manager)
			now := a.reg.Now()
			s := &waymark.Child{GivenNames: "Mehari", FamilyName: "Tsegay", Sex: "M", DateOfBirth: "2009-04-02", Nationality: "ER",
				Phones: []string{"+447700900111"}}
			m := &waymark.Child{GivenNames: "Tsegay", FamilyName: "Mehari", Sex: "M", Nationality: "ER",
				Documents: []waymark.Document{{Type: "passport", Number: "P1234567", Country: "ER"}}, Phones: []string{"+447700900222"}}
			for _, c := range []*waymark.Child{s, m} {
				if err := a.reg.CreateChild(ctx, sw, c, &waymark.Encounter{Kind: "first_contact", At: now.Add(-time.Hour), Place: "Dover"}); err != nil {
					t.Fatal(err)
				}
				if err := a.reg.AddTeamMember(ctx, mgr, &waymark.Member{ChildID: c.ID, Email: carer, Role: waymark.TeamCarer}); err != nil {
					t.Fatal(err)
				}
				if err := a.reg.SaveProfile(ctx, sw, &waymark.Profile{ChildID: c.ID, Appearance: "Tall, thin, for " + c.GivenNames}); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.reg.AddPlacement(ctx, sw, &waymark.Placement{ChildID: m.ID, Type: "foster", Provider: "The Okafor family", Start: now.Add(-time.Hour)}, ""); err != nil {
				t.Fatal(err)
			}
			if err := a.reg.AddScreening(ctx, sw, &waymark.Screening{ChildID: m.ID, Date: now, Outcome: "trafficking_concern"}); err != nil {
				t.Fatal(err)
			}
			if err := a.reg.RecordNRM(ctx, sw, m.ID, &waymark.NRMReferral{ReferredOn: now.Format(waymark.DateLayout)}); err != nil {
				t.Fatal(err)
			}
			before := []string{recordState(t, a, s.ID), recordState(t, a, m.ID)}

			tok := a.token(manager, waymark.RoleManager)
			if code, out := a.call(tok, "POST", "/api/v1/children/"+s.ID+"/merges", `{"merged_ref": "`+m.Ref+`"}`); code != http.StatusUnprocessableEntity || errorField(out) != "reason" {
				t.Fatalf("a merge without a reason: %d %v", code, out)
			}
			if code, _ := a.call(a.token(socialWorker, waymark.RoleSocialWorker), "POST", "/api/v1/children/"+s.ID+"/merges",
				`{"merged_id": "`+m.ID+`", "reason": "same"}`); code != http.StatusForbidden {
				t.Fatalf("a social worker merged: %d", code)
			}
			code, mg := a.call(tok, "POST", "/api/v1/children/"+s.ID+"/merges", `{"merged_ref": "`+m.Ref+`", "reason": "The passport P1234567 was found with the child"}`)
			if code != http.StatusCreated || mg["status"] != waymark.MergeDone {
				t.Fatalf("merge: %d %v", code, mg)
			}
			rec, err := a.reg.Child(ctx, mgr, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			c := rec.Child
			if len(c.Documents) != 1 || len(c.Phones) != 2 || len(c.Aliases) != 1 || len(rec.Care.Placements) != 1 || len(rec.Encounters) != 2 ||
				rec.NRM == nil || rec.Profile == nil || rec.Profile.Appearance != "Tall, thin, for Mehari" {
				t.Fatalf("the survivor after the merge: %+v, care %+v", c, rec.Care)
			}
			if found, _, err := a.reg.Caseload(ctx, mgr, sqlstore.ChildFilter{Query: m.Ref}); err != nil || len(found) != 1 || found[0].ID != s.ID {
				t.Fatalf("the merged reference does not find the survivor: %v %v", found, err)
			}
			res, err := a.client(manager).Get(a.srv.URL + "/children/" + m.ID)
			if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/children/"+s.ID+"?merged="+m.Ref {
				t.Fatalf("the merged record's page: %v %v", res.StatusCode, err)
			}
			ans, err := a.reg.Identify(ctx, mgr, &waymark.Child{GivenNames: "Tsegay", FamilyName: "Mehari", Sex: "M", Nationality: "ER"}, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, cand := range ans.Candidates {
				if cand.ChildID == m.ID {
					t.Fatal("the merged record is still a candidate")
				}
			}
			if code, _ := a.call(tok, "POST", "/api/v1/children/"+m.ID+"/merges", `{"merged_id": "`+s.ID+`", "reason": "again"}`); code != http.StatusConflict {
				t.Fatalf("a record merged away merged again: %d", code)
			}

			code, mg = a.call(tok, "POST", "/api/v1/merges/"+mg["id"].(string)+"/undo", "")
			if code != http.StatusOK || mg["status"] != waymark.MergeUndone {
				t.Fatalf("undo: %d %v", code, mg)
			}
			after := []string{recordState(t, a, s.ID), recordState(t, a, m.ID)}
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("undone, the records are not as before:\nbefore %v\nafter  %v", before, after)
			}

			// Across organisations: Eastport's manager must agree; declined, nothing moves.
			east := waymark.Actor{OrgID: a.actor(otherCouncil).OrgID, Role: waymark.RoleManager, Name: "Eastport manager", UserID: "east-manager"}
			e := &waymark.Child{GivenNames: "Mehari", FamilyName: "Tsegai", Sex: "M", Nationality: "ER"}
			if err := a.reg.CreateChild(ctx, a.actor(otherCouncil), e, nil); err != nil {
				t.Fatal(err)
			}
			code, mg = a.call(tok, "POST", "/api/v1/children/"+s.ID+"/merges", `{"merged_id": "`+e.ID+`", "reason": "Same phone"}`)
			if code != http.StatusCreated || mg["status"] != waymark.MergeRequested {
				t.Fatalf("a merge across organisations: %d %v", code, mg)
			}
			if _, err := a.reg.DecideMerge(ctx, mgr, mg["id"].(string), true, ""); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("the asking council agreed for the other: %v", err)
			}
			if _, err := a.reg.DecideMerge(ctx, east, mg["id"].(string), false, ""); waymark.ErrorCode(err) != waymark.EINVALID {
				t.Fatalf("declined without a reason: %v", err)
			}
			got, err := a.reg.DecideMerge(ctx, east, mg["id"].(string), true, "")
			if err != nil || got.Status != waymark.MergeDone {
				t.Fatalf("Eastport agreed: %v %v", got, err)
			}
			if c, _ := a.store.Child(ctx, e.ID); c.MergedInto != s.ID {
				t.Fatalf("Eastport's record was not merged: %+v", c)
			}
		})
	}
}
