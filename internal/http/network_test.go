package http_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A social worker links a child to a phone on the form (an empty one names each field and keeps
// what was typed); another council links its child to the same phone through the API; a search
// by the phone in another form finds both, the other council's child by reference and owner only;
// the manager draws the picture, the social worker may not; an analyst may not search.
func TestNetworkPagesAndAPI(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			fresh := func(email, given string, phones ...string) string { // outside the demo's network
				c := &waymark.Child{GivenNames: given, FamilyName: "Linked", Phones: phones}
				if err := a.reg.CreateChild(ctx, a.actor(email), c, nil); err != nil {
					t.Fatal(err)
				}
				return c.ID
			}
			ours, theirs := fresh(socialWorker, "Hoa", "020 7946 0999"), fresh(otherCouncil, "Lan")
			sw := a.client(socialWorker)
			link := url.Values{"kind": {"phone"}, "value": {"07700 900123"}, "from": {"2026-11-30"}}
			code, _, page := postForm(t, sw, a.srv.URL+"/children/"+ours+"/links", link)
			if code != 422 {
				t.Fatalf("a link with no role, source or confidence: %d", code)
			}
			contains(t, page, `href="#role"`, `href="#source"`, `href="#confidence"`, `value="07700 900123"`)
			link["role"], link["source"], link["confidence"] = []string{"called_from"}, []string{"phone_seized"}, []string{"probable"}
			if code, _, _ := postForm(t, sw, a.srv.URL+"/children/"+ours+"/links", link); code != 303 {
				t.Fatalf("link: %d", code)
			}
			_, page = get(t, sw, a.srv.URL+"/children/"+ours)
			contains(t, page, "Called from</strong>: Phone &#43;447700900123", "Record a link")
			rec, err := a.reg.Child(ctx, a.actor(socialWorker), ours)
			if err != nil || len(rec.Care.Links) != 1 {
				t.Fatalf("links: %v", err)
			}
			_, page = get(t, sw, a.srv.URL+"/children/"+ours+"/link-end/new?link="+rec.Care.Links[0].ID)
			contains(t, page, `name="link" value="`+rec.Care.Links[0].ID+`"`, "Last day")
			if code, _, page := postForm(t, sw, a.srv.URL+"/children/"+ours+"/link-end", url.Values{"link": {rec.Care.Links[0].ID}, "to": {"2026-11-29"}}); code != 422 || !strings.Contains(page, `href="#to"`) {
				t.Fatalf("a link ended before it began: %d", code)
			}
			if strings.Contains(page, "Network picture") {
				t.Error("a social worker is offered the network picture")
			}

			tok := a.token(otherCouncil, waymark.RoleSocialWorker)
			code, out := a.call(tok, "POST", "/api/v1/children/"+theirs+"/links",
				`{"entity": {"kind": "phone", "value": "+44 7700 900123"}, "role": "contacted_by", "from": "2026-12-01", "source": "disclosure", "confidence": "possible"}`)
			if code != 201 || out["entity_id"] == "" {
				t.Fatalf("API link: %d %v", code, out)
			}
			theirLink := out
			if code, out := a.call(tok, "POST", "/api/v1/children/"+theirs+"/links", `{"entity": {"kind": "phone", "value": "+44 7700 900123"}, "role": "lived_at", "from": "2026-12-01", "source": "disclosure", "confidence": "possible"}`); code != 422 || errorField(out) != "role" {
				t.Fatalf("a child living at a phone: %d %v", code, out)
			}

			them, err := a.store.Child(ctx, theirs)
			if err != nil {
				t.Fatal(err)
			}
			theirRef := them.Ref
			_, page = get(t, sw, a.srv.URL+"/network?phone="+url.QueryEscape("0044 7700 900123"))
			contains(t, page, "Reference "+theirRef+", held by", "/children/"+theirs+"/open", `href="/children/`+ours+`"`)
			code, out = a.call(a.token(socialWorker, waymark.RoleSocialWorker), "GET", "/api/v1/entities/search?phone=07700900123", "")
			children, _ := out["children"].([]any)
			if code != 200 || len(children) != 2 {
				t.Fatalf("API search: %d %v", code, out)
			}
			for _, c := range children {
				c := c.(map[string]any)
				if c["child_id"] == theirs && (c["visible"] != false || c["name"] != nil || c["ref"] != theirRef) {
					t.Errorf("another council's child shown as %v", c)
				}
			}

			if code, _ := get(t, sw, a.srv.URL+"/children/"+ours+"/network"); code != 403 {
				t.Errorf("a social worker drew the network: %d", code)
			}
			code, page = get(t, a.client(manager), a.srv.URL+"/children/"+ours+"/network")
			if code != 200 {
				t.Fatalf("the manager's picture: %d", code)
			}
			contains(t, page, "<svg", "/children/"+theirs+"/open", theirRef, "Contacted by", "/network?entity=")
			mtok := a.token(manager, waymark.RoleManager)
			if code, out := a.call(mtok, "GET", "/api/v1/children/"+ours+"/network", ""); code != 200 || len(out["nodes"].([]any)) != 4 { // the child, the phone, their own phone, the other child
				t.Fatalf("API network: %d %v", code, out)
			}
			var res *http.Response
			req, _ := http.NewRequest("GET", a.srv.URL+"/api/v1/children/"+ours+"/network.svg", nil)
			req.Header.Set("Authorization", "Bearer "+mtok)
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			svg, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(svg), `<svg xmlns="http://www.w3.org/2000/svg"`) {
				t.Fatalf("API picture: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			linkID := theirLink["id"].(string)
			if code, out := a.call(tok, "POST", "/api/v1/links/"+linkID+"/end", `{"to": "2026-12-02"}`); code != 200 || out["to"] != "2026-12-02" {
				t.Fatalf("API end of a link: %d %v", code, out)
			}
			if code, _ := get(t, a.client(analyst), a.srv.URL+"/network?phone=07700900123"); code != 403 {
				t.Errorf("an analyst searched the network: %d", code)
			}
		})
	}
}

// A police officer at a raid whose session lapsed while typing a seized phone loses nothing: the
// link is kept, and sent once they sign in again.
func TestLinkFormSurvivesAnEndedSession(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := &waymark.Child{GivenNames: "Thanh", FamilyName: "Lapsed"}
	if err := a.reg.CreateChild(ctx, a.actor(police), c, nil); err != nil {
		t.Fatal(err)
	}
	officer := a.client(police)
	later := time.Now().Add(3 * time.Hour) // past the hour a session lasts unused
	a.store.SetClock(func() time.Time { return later })
	t.Cleanup(func() { a.store.SetClock(time.Now) })
	res, err := officer.PostForm(a.srv.URL+"/children/"+c.ID+"/links", url.Values{"kind": {"phone"}, "value": {"07700 900 321"},
		"role": {"called_from"}, "from": {time.Now().Format(waymark.DateLayout)}, "source": {"phone_seized"}, "confidence": {"confirmed"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/signin?held=1&next=/held" {
		t.Fatalf("a link sent after the session ended: %d %s", res.StatusCode, loc)
	}
	a.signInWith(officer, police)
	if res, err = officer.PostForm(a.srv.URL+"/held/send", nil); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send the kept link: %d", res.StatusCode)
	}
	rec, err := a.reg.Child(ctx, a.actor(police), c.ID)
	if err != nil || len(rec.Care.Links) != 1 || rec.Care.Links[0].Entity.Value != "+447700900321" {
		t.Fatalf("the kept link: %+v %v", rec.Care.Links, err)
	}
}
