package http_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

var episodeLink = regexp.MustCompile(`href="/missing/([A-Za-z0-9]+)/pack"`)

func TestMissingBoardAndPackAccess(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			police := a.client(police)
			code, board := get(t, police, a.srv.URL+"/missing")
			if code != 200 {
				t.Fatalf("police board: %d", code)
			}
			contains(t, board, "Missing now", "Northshire County Council", "risk-high")
			m := episodeLink.FindStringSubmatch(board)
			if m == nil {
				t.Fatalf("no pack link on the board:\n%s", board)
			}
			code, pack := get(t, police, a.srv.URL+"/missing/"+m[1]+"/pack")
			if code != 200 {
				t.Fatalf("police pack: %d", code)
			}
			contains(t, pack, `<p class="marking">OFFICIAL-SENSITIVE</p>`, "Missing-person pack", "Last seen", "Two older males in a grey car", "Health needs", "Trafficking concern",
				`href="/missing/`+m[1]+`/pack.pdf"`)
			res, err := police.Get(a.srv.URL + "/missing/" + m[1] + "/pack.pdf")
			if err != nil {
				t.Fatal(err)
			}
			if pdf := readAll(t, res); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
				t.Fatalf("police PDF: %d %s %.40q", res.StatusCode, res.Header.Get("Content-Type"), pdf)
			}

			// Another council's social worker may not open it; the refusal is audited.
			other := a.client(otherCouncil)
			for _, path := range []string{"/pack", "/pack.pdf"} {
				if code, _ := get(t, other, a.srv.URL+"/missing/"+m[1]+path); code != http.StatusForbidden {
					t.Fatalf("other council opened %s: %d", path, code)
				}
			}
			if code, _ := get(t, a.client(analyst), a.srv.URL+"/missing"); code != http.StatusForbidden {
				t.Fatalf("analyst saw the missing board: %d", code)
			}
		})
	}
}

func TestReportMissingFormKeepsInputOnError(t *testing.T) {
	a := newApp(t, storetest.Dialects(t)[0])
	c := a.client(socialWorker)
	id := a.childOf(socialWorker)
	code, page := get(t, c, a.srv.URL+"/children/"+id+"/missing/new")
	if code != 200 {
		t.Fatalf("form: %d", code)
	}
	contains(t, page, "What raises the risk", `name="risk_factors" value="trafficking_concern"`, `value="very_low"`)
	if regexp.MustCompile(`<option value="(high|medium|low|very_low)" selected>`).MatchString(page) {
		t.Fatal("the form grades the risk itself") // issue 28, 9: the reporter chooses
	}
	form := url.Values{"kind": {"missing"}, "last_seen_at": {"yesterday"}, "last_seen_place": {"Bus station"}, "risk": {""},
		"clothing": {"Red jacket"}}
	res, err := c.PostForm(a.srv.URL+"/children/"+id+"/missing", form)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	contains(t, body, "Enter the date and time", "Bus station", "Red jacket")
	if !strings.Contains(body, `href="#last_seen_at"`) {
		t.Fatal("error summary does not link the field")
	}
}

func TestAlertsAndUnsuitableBoards(t *testing.T) {
	a := newApp(t, storetest.Dialects(t)[0])
	manager := a.client("manager@northshire.example.org")
	code, page := get(t, manager, a.srv.URL+"/placements/unsuitable")
	if code != 200 {
		t.Fatalf("unsuitable board: %d", code)
	}
	contains(t, page, "Demo provider")
	if strings.Contains(page, "Open record") || !strings.Contains(page, "WM-") {
		t.Fatal("the board does not name the children") // issue 28, 5
	}
	code, page = get(t, manager, a.srv.URL+"/alerts")
	if code != 200 {
		t.Fatalf("alerts: %d", code)
	}
	contains(t, page, "Coming up in the next 30 days", "Turns 18", "Return interview due")
	_, page = get(t, manager, a.srv.URL+"/children")
	contains(t, page, "Your deadlines", "open alerts and", "coming up in the next 30 days")
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An empty placement form, or one that would end the current placement without saying why, saves
// nothing and ends nothing — not even while the child is missing.
func TestPlacementFormEndsNothingUnsaid(t *testing.T) {
	a := newApp(t, storetest.Dialects(t)[0])
	c := a.client(socialWorker)
	id := a.childOf(socialWorker)
	p := &waymark.Placement{ChildID: id, Type: "residential", Provider: "Hill House", Start: time.Now().AddDate(0, -1, 0)}
	if err := a.reg.AddPlacement(ctx, a.actor(socialWorker), p, "Moved"); err != nil {
		t.Fatal(err)
	}
	for _, form := range []url.Values{
		{"placement_type": {"foster"}, "start": {time.Now().Format(waymark.DateLayout)}}, // all a browser sent of an empty form
		{"placement_type": {"foster"}, "provider": {"The Okafor family"}, "start": {time.Now().Format(waymark.DateLayout)}},
	} {
		res, err := c.PostForm(a.srv.URL+"/children/"+id+"/placements", form)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d", form, res.StatusCode)
		}
		if form.Get("provider") == "" {
			contains(t, page, `href="#provider"`)
		} else {
			contains(t, page, `href="#reason_for_change"`, "Hill House", `value="The Okafor family"`)
		}
		if now, _ := a.store.Placement(ctx, p.ID); !now.End.IsZero() {
			t.Fatalf("%v ended the current placement", form)
		}
	}
}

func TestEndPlacement(t *testing.T) {
	a := newApp(t, storetest.Dialects(t)[0])
	c := a.client(socialWorker)
	id := a.childOf(socialWorker)
	p := &waymark.Placement{ChildID: id, Type: "foster", Provider: "The Okafor family", Start: time.Now().AddDate(0, -1, 0)}
	if err := a.reg.AddPlacement(ctx, a.actor(socialWorker), p, "Moved to foster care"); err != nil {
		t.Fatal(err)
	}
	_, page := get(t, c, a.srv.URL+"/children/"+id)
	link := "/children/" + id + "/placement-end/new?placement=" + p.ID
	contains(t, page, "The Okafor family", "(current)", html.EscapeString(link))
	if code, _ := get(t, c, a.srv.URL+link); code != 200 {
		t.Fatalf("form: %d", code)
	}

	form := url.Values{"placement": {p.ID}, "end": {"2020-01-01"}, "end_reason": {""}}
	res, err := c.PostForm(a.srv.URL+"/children/"+id+"/placement-end", form)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, res); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad end accepted: %d", res.StatusCode)
	} else {
		contains(t, body, "Enter an end on or after the start", "Say why the placement ended", `value="2020-01-01"`)
	}

	form.Set("end", time.Now().Format(waymark.DateLayout))
	form.Set("end_reason", "Moved to supported lodgings")
	res, err = c.PostForm(a.srv.URL+"/children/"+id+"/placement-end", form)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: %d", res.StatusCode)
	}
	_, page = get(t, c, a.srv.URL+"/children/"+id)
	contains(t, page, "(Moved to supported lodgings)")
	if res, _ := c.PostForm(a.srv.URL+"/children/"+id+"/placement-end", form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("ended twice: %d", res.StatusCode)
	}
	if code, _ := get(t, a.client(analyst), a.srv.URL+link); code != http.StatusForbidden {
		t.Fatalf("analyst opened the form: %d", code)
	}
}

// A missing child's alert cannot be marked done while the child is missing, by the police or the
// council (issue 28, 4): it stays until the child is found or comes back, and its escalations show
// as one line, the latest stage.
func TestMissingChildAlertStaysUntilFound(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			child := &waymark.Child{GivenNames: "Dawit", FamilyName: "Tesfay"}
			if err := a.reg.CreateChild(ctx, a.actor(socialWorker), child, nil); err != nil {
				t.Fatal(err)
			}
			e := &waymark.MissingEpisode{ChildID: child.ID, Kind: "missing", LastSeenAt: a.reg.Now().Add(-25 * time.Hour), Risk: "high", PoliceOrgID: a.actor(police).OrgID}
			if err := a.reg.ReportMissing(ctx, a.actor(socialWorker), e); err != nil {
				t.Fatal(err)
			}
			if err := alert.New(a.store, slog.New(slog.DiscardHandler)).Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{police, manager} {
				as, _, err := a.reg.Alerts(ctx, a.actor(who), 50)
				if err != nil || len(as) == 0 {
					t.Fatalf("%s has no alert: %v", who, err)
				}
				var lines []string
				var missing *waymark.Alert
				for _, al := range as {
					if al.ChildID == child.ID {
						lines, missing = append(lines, al.Kind), al
					}
				}
				if len(lines) != 1 || lines[0] != waymark.AlertMissing24h {
					t.Fatalf("%s sees %v for one episode, want the latest stage alone", who, lines)
				}
				_, page := get(t, a.client(who), a.srv.URL+"/alerts")
				contains(t, page, "Dawit Tesfay", "Still missing after 24 hours</strong> — ", " since ") // by name, to those who may see it (issue 28, 5)
				if strings.Contains(page, `action="/alerts/`+missing.ID+`/done"`) {
					t.Fatalf("%s is offered to mark a missing child's alert done", who)
				}
				res, err := a.client(who).PostForm(a.srv.URL+"/alerts/"+missing.ID+"/done", nil)
				if err != nil || res.StatusCode != http.StatusConflict {
					t.Fatalf("%s marked it done: %v %v", who, res.StatusCode, err)
				}
				res.Body.Close()
				// It can be acknowledged, saying what was done: it stays, with who, when and the note.
				id := as[slices.IndexFunc(as, func(x *waymark.Alert) bool { return x.ChildID == child.ID })].ID
				if code, _, _ := postForm(t, a.client(who), a.srv.URL+"/alerts/"+id+"/acknowledge", url.Values{"note": {"Called 101, ref 4411 — " + who}}); code != 303 {
					t.Fatalf("%s acknowledged: %d", who, code)
				}
				_, page = get(t, a.client(who), a.srv.URL+"/alerts")
				contains(t, page, "Acknowledged by", "Called 101, ref 4411 — "+who, "Dawit Tesfay")
			}
			if _, err := a.reg.RecordFound(ctx, a.actor(police), e.ID, waymark.Found{At: a.reg.Now(), Place: "Mill Lane", Where: "cannabis_farm"}); err != nil {
				t.Fatal(err)
			}
			if err := alert.New(a.store, slog.New(slog.DiscardHandler)).Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{police, manager} { // the find is news at once, to the police and the council
				as, _, _ := a.reg.Alerts(ctx, a.actor(who), 50)
				if hasAlert(as, waymark.AlertMissing24h, child.ID) || !hasAlert(as, waymark.AlertFound, child.ID) {
					t.Fatalf("%s: the missing alert outlived the find, or the find was not told: %+v", who, as)
				}
			}
		})
	}
}

// A missing episode as the practitioners work it: the risk reviewed with a reason, the child turned
// from missing to absent as a new episode, and a child missing over 28 days on its own board.
func TestRiskReviewKindChangeAndLongTermBoard(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			c := &waymark.Child{GivenNames: "Yonas", FamilyName: "Habte", Sex: "M", DateOfBirth: "2010-01-02", Nationality: "ER"}
			if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
				t.Fatal(err)
			}
			e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", Risk: "medium", LastSeenAt: time.Now().Add(-time.Hour)}
			if err := a.reg.ReportMissing(ctx, a.actor(socialWorker), e); err != nil {
				t.Fatal(err)
			}
			sw := a.client(socialWorker)
			_, page := get(t, sw, a.srv.URL+"/missing/"+e.ID)
			contains(t, page, "Next review due", "Review the risk", "Whereabouts now known")

			code, _, page := postForm(t, sw, a.srv.URL+"/missing/"+e.ID+"/risk", url.Values{"risk": {"high"}})
			if code != 422 || !strings.Contains(page, `href="#note"`) {
				t.Fatalf("a review with no reason: %d", code)
			}
			code, loc, _ := postForm(t, sw, a.srv.URL+"/missing/"+e.ID+"/risk", url.Values{"risk": {"high"}, "note": {"Seen getting into a silver car"}})
			if code != 303 {
				t.Fatalf("review: %d", code)
			}
			_, page = get(t, sw, a.srv.URL+loc)
			contains(t, page, "Seen getting into a silver car", "risk-high", "Alex Social")

			code, loc, _ = postForm(t, sw, a.srv.URL+"/missing/"+e.ID+"/kind", url.Values{"new_kind": {"absent"},
				"changed_at": {time.Now().In(time.UTC).Format("2006-01-02T15:04")}, "change_note": {"At his cousin's flat"}})
			if code != 303 || strings.Contains(loc, e.ID) {
				t.Fatalf("kind change: %d %s", code, loc)
			}
			_, page = get(t, sw, a.srv.URL+loc)
			contains(t, page, "Absent (away without authorisation)")
			_, page = get(t, sw, a.srv.URL+"/missing/"+e.ID)
			contains(t, page, "Open the episode that follows it", "Ended")

			if _, err := a.reg.AddPhoto(ctx, a.actor(socialWorker), c.ID, jpegBytes(t)); err != nil {
				t.Fatal(err)
			}
			later := time.Now().Add(40 * 24 * time.Hour)
			a.store.SetClock(func() time.Time { return later })
			t.Cleanup(func() { a.store.SetClock(time.Now) })
			_, board := get(t, a.client(socialWorker), a.srv.URL+"/missing")
			i := strings.Index(board, "Long-term missing: over 28 days")
			if i < 0 || !strings.Contains(board[i:], "Yonas Habte") || !strings.Contains(board[i:], `class="board-photo">`) {
				t.Fatalf("the long-term board lacks the child:\n%s", board)
			}
		})
	}
}
