package http_test

import (
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/screening"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// Any first responder screens a child they hold, ticking indicators with their guidance beside
// them; the child's account and the judgement are sealed; a concern asks for the NRM referral
// within two working days, and says so until it is made.
func TestScreeningByFirstResponders(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			const border = "border@border.example.org"
			c := &waymark.Child{GivenNames: "Mulugeta", FamilyName: "Haile", Sex: "M", DateOfBirth: "2010-04-01", Nationality: "ET"}
			if err := a.reg.CreateChild(ctx, a.actor(border), c, nil); err != nil {
				t.Fatal(err)
			}
			officer := a.client(border)
			_, form := get(t, officer, a.srv.URL+"/children/"+c.ID+"/screenings/new")
			contains(t, form, "Talks of a debt for the journey", "Why it matters, what to ask", "Do you owe anyone money?", "Indicator catalogue 2026-12")

			screen := url.Values{"date": {time.Now().Format(waymark.DateLayout)}, "outcome": {"trafficking_concern"},
				"indicators": {"debt_bondage", "made_up_sign"}, "child_account": {"A man in Calais said I owe him £3,000"},
				"interpreter_mode": {"by_phone"}, "interpreter_language": {"Amharic"}}
			code, _, page := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/screenings", screen)
			if code != 422 || !strings.Contains(page, `href="#indicators"`) || !strings.Contains(page, "A man in Calais") {
				t.Fatalf("an unknown indicator: %d", code)
			}
			screen["indicators"] = []string{"debt_bondage", "documents_held"}
			if code, _, _ := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/screenings", screen); code != 303 {
				t.Fatalf("screening: %d", code)
			}
			_, page = get(t, officer, a.srv.URL+"/children/"+c.ID)
			contains(t, page, "Trafficking concern", "2 indicators", "interpreter (Amharic)")
			var account string
			if err := a.store.DB().QueryRow(`SELECT account FROM screenings WHERE child_id = $1`, c.ID).Scan(&account); err != nil ||
				account == "" || strings.Contains(account, "Calais") {
				t.Fatalf("the child's account is not sealed: %q %v", account, err)
			}
			// Another organisation's officer may not screen the child.
			if code, _, _ := postForm(t, a.client(otherCouncil), a.srv.URL+"/children/"+c.ID+"/screenings", screen); code != 403 {
				t.Fatalf("another organisation screened the child: %d", code)
			}

			// Two working days on, the NRM referral is due; recording it clears the alert.
			s := alert.New(a.store, slog.New(slog.DiscardHandler))
			later := waymark.AddWorkingDays(time.Now(), waymark.NRMReferralWithin).Add(time.Minute)
			s.Now = func() time.Time { return later }
			if err := s.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			told, _ := a.store.ChildAlerts(ctx, c.ID)
			if !hasAlert(told, waymark.AlertNRMDue, c.ID) {
				t.Fatalf("no NRM referral alert: %+v", told)
			}
			if err := a.reg.RecordNRM(ctx, a.actor(border), c.ID, &waymark.NRMReferral{ReferredOn: time.Now().Format(waymark.DateLayout), ICTGReferredOn: time.Now().Format(waymark.DateLayout)}); err != nil {
				t.Fatal(err)
			}
			if err := s.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if told, _ = a.store.ChildAlerts(ctx, c.ID); hasAlert(told, waymark.AlertNRMDue, c.ID) {
				t.Fatal("the NRM alert outlived the referral")
			}
		})
	}
}

// The NRM referral's form keeps the decisions as they come, refuses what cannot be, and marks a
// conclusive grounds decision made before 30 days' recovery.
func TestNRMReferralForm(t *testing.T) {
	a := newApp(t, storetest.Dialects(t)[0])
	sw := a.client(socialWorker)
	id := a.childOf(socialWorker)
	form := url.Values{"referred_on": {"2026-09-01"}, "nrm_reference": {"NRM-2026-55102"}, "competent_authority": {"sca"}, "child_told": {"1"},
		"rg_outcome": {"negative"}, "rg_date": {"2026-09-07"}, "cg_outcome": {"positive"}, "cg_date": {"2026-09-20"}}
	code, _, page := postForm(t, sw, a.srv.URL+"/children/"+id+"/nrm", form)
	if code != 422 || !strings.Contains(page, `href="#cg_outcome"`) || !strings.Contains(page, `value="NRM-2026-55102"`) {
		t.Fatalf("a conclusive decision after a negative reasonable one: %d", code)
	}
	form.Set("rg_outcome", "positive")
	if code, _, _ := postForm(t, sw, a.srv.URL+"/children/"+id+"/nrm", form); code != 303 {
		t.Fatalf("save: %d", code)
	}
	_, page = get(t, sw, a.srv.URL+"/children/"+id)
	contains(t, page, "National Referral Mechanism", "NRM-2026-55102", "Single Competent Authority", "the child was told",
		"Positive, 7 Sep 2026", "before 30 days' recovery")
	_, page = get(t, sw, a.srv.URL+"/children/"+id+"/nrm/new")
	contains(t, page, `value="NRM-2026-55102"`, `<option value="positive" selected>`) // the form opens on what was recorded
}

// Exploitation seen outside a screening: when, on what evidence, the note sealed; on the child's
// page, through the API, and in the statistics.
func TestExploitationSeen(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			id := a.childOf(socialWorker)
			sw := a.client(socialWorker)
			form := url.Values{"type": {"county_lines"}, "seen_on": {"2026-11-30"}, "source": {""}, "note": {"Line phone 'Dino' found on him"}}
			code, _, page := postForm(t, sw, a.srv.URL+"/children/"+id+"/exploitation", form)
			if code != 422 || !strings.Contains(page, `href="#source"`) || !strings.Contains(page, "Line phone") {
				t.Fatalf("no evidence given: %d", code)
			}
			form.Set("source", "phone_seized")
			if code, _, _ := postForm(t, sw, a.srv.URL+"/children/"+id+"/exploitation", form); code != 303 {
				t.Fatalf("save: %d", code)
			}
			_, page = get(t, sw, a.srv.URL+"/children/"+id)
			contains(t, page, "Exploitation seen", "County lines", "30 Nov 2026 · A phone seized")
			var note string
			if err := a.store.DB().QueryRow(`SELECT note FROM exploitation_seen WHERE child_id = $1`, id).Scan(&note); err != nil || strings.Contains(note, "Dino") {
				t.Fatalf("the note is not sealed: %q %v", note, err)
			}
			tok := a.token(otherCouncil, waymark.RoleSocialWorker)
			if code, _ := a.call(tok, "POST", "/api/v1/children/"+id+"/exploitation", `{"type": "labour", "seen_on": "2026-11-29", "source": "police_intelligence"}`); code != 403 {
				t.Fatalf("another council recorded exploitation: %d", code)
			}
			code, out := a.call(a.token(socialWorker, waymark.RoleSocialWorker), "GET", "/api/v1/children/"+id+"/exploitation", "")
			if list, _ := out["exploitation"].([]any); code != 200 || len(list) != 1 {
				t.Fatalf("API: %d %v", code, out)
			}
		})
	}
}

// An organisation adds its own indicators: its screenings offer them beside the catalogue's, with
// their guidance, and name the version as local; another organisation's do not.
func TestLocalIndicators(t *testing.T) {
	a := newApp(t, storetest.Dialects(t)[0])
	const border = "border@border.example.org"
	own := a.actor(border)
	in := screening.Indicator{Code: "local_port_lorry_seal", Text: "Found in a lorry whose seal was intact", Why: "An intact seal means the child was loaded before departure, by someone with access.", Ask: "Note the seal number and the trailer's origin."}
	if err := a.reg.AddLocalIndicator(ctx, own, own.OrgID, in); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
		t.Fatalf("a border officer added an indicator: %v", err)
	}
	if err := a.reg.AddLocalIndicator(ctx, a.actor(admin), own.OrgID, in); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
		t.Fatalf("another organisation's admin added an indicator: %v", err)
	}
	operator := waymark.Actor{Role: waymark.RoleOperator, Name: "command line (test)"}
	if err := a.reg.AddLocalIndicator(ctx, operator, own.OrgID, screening.Indicator{Code: "debt_bondage", Text: "x", Why: "y", Ask: "z"}); waymark.ErrorCode(err) != waymark.EINVALID {
		t.Fatalf("an indicator in the place of a shipped one: %v", err)
	}
	if err := a.reg.AddLocalIndicator(ctx, operator, own.OrgID, in); err != nil {
		t.Fatal(err)
	}
	c := &waymark.Child{GivenNames: "Ermias", FamilyName: "Gebru", Sex: "M", DateOfBirth: "2011-01-01"}
	if err := a.reg.CreateChild(ctx, own, c, nil); err != nil {
		t.Fatal(err)
	}
	officer := a.client(border)
	_, form := get(t, officer, a.srv.URL+"/children/"+c.ID+"/screenings/new")
	contains(t, form, "Border Force South East&#39;s own indicators", "Found in a lorry whose seal was intact", "Note the seal number")
	screen := url.Values{"date": {time.Now().Format(waymark.DateLayout)}, "outcome": {"trafficking_concern"}, "indicators": {"local_port_lorry_seal"}}
	if code, _, _ := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/screenings", screen); code != 303 {
		t.Fatalf("a screening with the local indicator: %d", code)
	}
	scs, _ := a.store.Screenings(ctx, c.ID)
	if len(scs) != 1 || scs[0].Catalogue != screening.Shipped.Version+"+local" {
		t.Fatalf("screening kept as %+v", scs)
	}
	// Another organisation's screening does not know it.
	sw := a.client(socialWorker)
	if code, _, _ := postForm(t, sw, a.srv.URL+"/children/"+a.childOf(socialWorker)+"/screenings", screen); code != 422 {
		t.Fatalf("another organisation used the local indicator: %d", code)
	}
}
