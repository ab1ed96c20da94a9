package http_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/alert"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// The foster carer writes the child's Philomena profile before anything happens: it is sealed at
// rest, reaches the police in the pack, and falls due for review a month later.
func TestPhilomenaProfile(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			c := &waymark.Child{GivenNames: "Dawit", FamilyName: "Haile", Sex: "M", Nationality: "ER"}
			if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
				t.Fatal(err)
			}
			if err := a.reg.AddTeamMember(ctx, a.actor(manager), &waymark.Member{ChildID: c.ID, Email: carer, Role: waymark.TeamCarer}); err != nil {
				t.Fatal(err)
			}
			web := a.client(carer)
			res, err := web.PostForm(a.srv.URL+"/children/"+c.ID+"/profile", url.Values{"places": {""}})
			if err != nil {
				t.Fatal(err)
			}
			if page := readAll(t, res); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("an empty profile: %d", res.StatusCode)
			} else {
				contains(t, page, `href="#appearance"`)
			}
			form := url.Values{"appearance": {"Tall for 15, short black hair, scar over left eyebrow"}, "clothing": {"Red hooded top, white trainers"},
				"places": {"Northshire bus station; the phone shop on Mill Lane"}, "people": {"An older man called 'Uncle', silver Audi"}}
			if res, _ := web.PostForm(a.srv.URL+"/children/"+c.ID+"/profile", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("the carer's profile: %d", res.StatusCode)
			}
			if _, err := a.reg.AddPhoto(ctx, a.actor(carer), c.ID, jpegBytes(t)); err != nil {
				t.Fatalf("the carer could not add a recent photo: %v", err)
			}
			if err := a.reg.SaveProfile(ctx, a.actor(keyWorker), &waymark.Profile{ChildID: c.ID, Appearance: "x"}); waymark.ErrorCode(err) != waymark.EFORBIDDEN {
				t.Fatalf("someone outside the team wrote the profile: %v", err)
			}
			code, p := a.call(a.token(socialWorker, waymark.RoleSocialWorker), "GET", "/api/v1/children/"+c.ID+"/profile", "")
			if code != http.StatusOK || p["clothing"] != "Red hooded top, white trainers" || p["reviewed_by"] != "Casey Carer" {
				t.Fatalf("the profile through the API: %d %v", code, p)
			}
			var plain int
			if err := a.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM child_profiles WHERE sealed LIKE '%Red hooded%'`).Scan(&plain); err != nil || plain != 0 {
				t.Fatalf("the profile is kept in plain text (%d rows, %v)", plain, err)
			}

			// The child goes missing: the police's pack carries the profile.
			e := &waymark.MissingEpisode{ChildID: c.ID, Kind: "missing", Risk: "high", LastSeenAt: a.reg.Now().Add(-time.Hour)}
			if err := a.reg.ReportMissing(ctx, a.actor(carer), e); err != nil {
				t.Fatal(err)
			}
			_, pack := get(t, a.client(police), a.srv.URL+"/missing/"+e.ID+"/pack")
			contains(t, pack, "Philomena profile", "scar over left eyebrow", "silver Audi", "Casey Carer")

			// A month on, the review is due, to the council and the carer; reviewing clears it.
			sweep := alert.New(a.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
			later := time.Now().AddDate(0, 1, 1)
			a.store.SetClock(func() time.Time { return later })
			sweep.Now = a.store.Now
			if _, err := sweep.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{manager, carer} {
				if as, _, _ := a.reg.Alerts(ctx, a.actor(who), 50); !hasAlert(as, waymark.AlertProfileReview, c.ID) {
					t.Fatalf("%s was not told the profile is due for review", who)
				}
			}
			if err := a.reg.SaveProfile(ctx, a.actor(carer), &waymark.Profile{ChildID: c.ID, Appearance: form.Get("appearance"), Clothing: "Grey coat now"}); err != nil {
				t.Fatalf("the review: %v", err)
			}
			if _, err := sweep.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			if as, _, _ := a.reg.Alerts(ctx, a.actor(carer), 50); hasAlert(as, waymark.AlertProfileReview, c.ID) {
				t.Fatal("the review alert outlived the review")
			}
		})
	}
}
