package http_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A council's case system and a police system work the care journey through the API alone: the
// same rules as the pages, every step audited, steps told as they happen.
func TestAPICareJourney(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { apiCareJourney(t, newApp(t, d)) })
	}
}

func apiCareJourney(t *testing.T, a *app) {
	council, force := a.token(socialWorker, waymark.RoleSocialWorker), a.token(police, waymark.RolePolice)
	other := a.token(otherCouncil, waymark.RoleSocialWorker)
	c := &waymark.Child{GivenNames: "Berhane", FamilyName: "Tesfamariam", Sex: "M", DateOfBirth: "2011-02-03", Nationality: "ER"}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
		t.Fatal(err)
	}
	child := "/api/v1/children/" + c.ID
	stamp := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

	// A placement: a hotel at 15 breaks two rules; the council sees them named on its alerts.
	code, out := a.call(council, "POST", child+"/placements", fmt.Sprintf(`{"placement_type": "hotel", "provider": "Station Hotel",
		"start": %q, "police_org_id": %q, "provider_kind": "private", "postcode": "ns1 2ab"}`, stamp(-48*time.Hour), a.actor(police).OrgID))
	if code != http.StatusCreated || out["postcode"] != "NS1 2AB" {
		t.Fatalf("placement: %d %v", code, out)
	}
	if code, out = a.call(council, "POST", child+"/placements", `{"placement_type": "foster", "start": "2026-01-01T00:00:00Z"}`); code != 422 || errorField(out) == "" {
		t.Fatalf("a placement with no provider and no reason to end the open one: %d %v", code, out)
	}
	if code, _ = a.call(other, "GET", child+"/placements", ""); code != http.StatusForbidden {
		t.Fatalf("another council read the placements: %d", code)
	}
	if code, out = a.call(council, "POST", child+"/screenings", fmt.Sprintf(`{"date": %q, "outcome": "trafficking_concern", "exploitation": ["criminal"]}`, stamp(-time.Hour))); code != 201 {
		t.Fatalf("screening: %d %v", code, out)
	}

	// Reported missing; the police see the child on their board and grade the risk again.
	code, out = a.call(council, "POST", child+"/missing-episodes", fmt.Sprintf(`{"kind": "missing", "last_seen_at": %q,
		"last_seen_place": "Station Hotel", "risk": "high", "found_at": "2026-01-01T00:00:00Z"}`, stamp(-2*time.Hour)))
	if code != 422 || errorField(out) != "found_at" {
		t.Fatalf("a report carrying a find: %d %v", code, out) // a report says what a report says
	}
	code, out = a.call(council, "POST", child+"/missing-episodes", fmt.Sprintf(`{"kind": "missing", "last_seen_at": %q,
		"last_seen_place": "Station Hotel", "risk": "high"}`, stamp(-2*time.Hour)))
	if code != 201 {
		t.Fatalf("report: %d %v", code, out)
	}
	ep := "/api/v1/missing-episodes/" + out["id"].(string)
	if code, out = a.call(force, "GET", "/api/v1/missing", ""); code != 200 || !strings.Contains(fmt.Sprint(out), c.Ref) {
		t.Fatalf("police board: %d %v", code, out)
	}
	if code, out = a.call(force, "POST", ep+"/risk-reviews", `{"risk": "medium"}`); code != 422 || errorField(out) != "note" {
		t.Fatalf("a review with no reason: %d %v", code, out)
	}
	if code, out = a.call(force, "POST", ep+"/risk-reviews", `{"risk": "medium", "note": "Seen on CCTV, alone"}`); code != 200 || out["risk"] != "medium" {
		t.Fatalf("review: %d %v", code, out)
	}
	if code, out = a.call(force, "PUT", ep+"/police-reference", `{"police_ref": "NP-2026-7781"}`); code != 200 || out["police_ref"] != "NP-2026-7781" {
		t.Fatalf("police reference: %d %v", code, out)
	}
	code, out = a.call(force, "GET", ep, "")
	if reviews, _ := out["risk_reviews"].([]any); code != 200 || len(reviews) != 2 || out["next_review_due"] == nil {
		t.Fatalf("episode: %d %v", code, out)
	}
	if code, _ = a.call(other, "GET", ep, ""); code != http.StatusForbidden {
		t.Fatalf("another council opened the episode: %d", code)
	}
	res, err := http.DefaultClient.Do(authorised(t, a.srv.URL+ep+"/pack.pdf", force))
	if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pack: %v %v", res.StatusCode, err)
	}
	res.Body.Close()

	// Acknowledged, the alert stays; found and back, each step is told, the interview recorded.
	if err := alert.New(a.store, slog.New(slog.DiscardHandler)).Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	code, out = a.call(council, "GET", "/api/v1/alerts", "")
	alerts, _ := out["alerts"].([]any)
	var missingAlert string
	for _, x := range alerts {
		if al := x.(map[string]any); al["child_id"] == c.ID && al["event"] == "missing.reported" {
			missingAlert = al["id"].(string)
		}
	}
	if code != 200 || missingAlert == "" {
		t.Fatalf("alerts: %d %v", code, out)
	}
	if code, _ = a.call(council, "POST", "/api/v1/alerts/"+missingAlert+"/acknowledge", `{"note": "Called 101"}`); code != 200 {
		t.Fatalf("acknowledge: %d", code)
	}
	if _, out = a.call(council, "GET", "/api/v1/alerts", ""); !strings.Contains(fmt.Sprint(out), "Called 101") {
		t.Fatalf("the acknowledged alert is gone, or its note: %v", out)
	}
	if code, out = a.call(force, "POST", ep+"/found", fmt.Sprintf(`{"found_at": %q, "found_circumstances": "in_custody", "found_place": "Northshire custody suite"}`, stamp(-10*time.Minute))); code != 200 {
		t.Fatalf("found: %d %v", code, out)
	}
	if code, out = a.call(council, "POST", ep+"/returned", fmt.Sprintf(`{"returned_at": %q}`, stamp(-time.Minute))); code != 200 {
		t.Fatalf("returned: %d %v", code, out)
	}
	told, err := a.store.ChildAlerts(ctx, c.ID)
	if err != nil || !hasAlert(told, waymark.AlertFound, c.ID) || !hasAlert(told, waymark.AlertReturned, c.ID) {
		t.Fatalf("the find and the return were not told: %+v %v", told, err)
	}
	if _, out = a.call(council, "GET", "/api/v1/alerts", ""); !strings.Contains(fmt.Sprint(out), "event:missing.returned") {
		t.Fatalf("the episode's latest stage is not the return: %v", out)
	}
	code, out = a.call(council, "PUT", ep+"/return-interview", fmt.Sprintf(`{"interview_offered_at": %q, "interview_at": %q,
		"interview_by": "A. Advocate", "interview_independent": true, "interview_learnt": {"push_pull": "Owes money for the journey"}}`, stamp(-time.Minute), stamp(0)))
	if code != 200 || out["interview_by"] != "A. Advocate" {
		t.Fatalf("interview: %d %v", code, out)
	}
	if code, out = a.call(force, "PUT", ep+"/prevention-interview", fmt.Sprintf(`{"prevention_at": %q, "prevention_by": "PC 4471"}`, stamp(0))); code != 200 {
		t.Fatalf("prevention interview: %d %v", code, out)
	}
	for _, action := range []string{"missing.report", "missing.risk_reviewed", "missing.found", "missing.returned", "missing.interviewed", "alert.acknowledge"} {
		if es, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: action}); len(es) == 0 {
			t.Errorf("%s is not audited", action)
		}
	}
}

func authorised(t *testing.T, url, tok string) *http.Request {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return req
}
