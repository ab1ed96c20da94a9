package http_test

import (
	"encoding/base64"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/face"
	"github.com/waymark-org/waymark/internal/face/facetest"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// A found child's photo searches the registry: as base64 in the API's JSON, as a multipart part,
// and on the identify page, where the photo stays with the search through a verdict.
func TestIdentifyByPhoto(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	off := a.client(socialWorker)
	if _, page := get(t, off, a.srv.URL+"/identify"); strings.Contains(page, `name="photo"`) {
		t.Fatal("the identify page offers a photo while face matching is off")
	}
	tok := a.token(socialWorker, waymark.RoleSocialWorker)
	recorded := facetest.Crop(t, "sample3.jpg", image.Rect(900, 150, 1450, 650))
	again := facetest.Crop(t, "sample3.jpg", image.Rect(950, 200, 1400, 620))
	if code, out := a.call(tok, "POST", "/api/v1/identify", `{"photo": "`+base64.StdEncoding.EncodeToString(again)+`"}`); code != 422 || errorField(out) != "photo" {
		t.Fatalf("a photo while face matching is off: %d %v", code, out)
	}
	a.reg.UseFaces(pipeline(t))
	sw := a.actor(socialWorker)
	c := &waymark.Child{GivenNames: "Ana", FamilyName: "Testface", Sex: "F", Nationality: "AL"}
	if err := a.reg.CreateChild(ctx, sw, c, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reg.AddPhoto(ctx, sw, c.ID, recorded); err != nil {
		t.Fatal(err)
	}
	first := func(out map[string]any) map[string]any {
		cs, _ := out["candidates"].([]any)
		if len(cs) == 0 {
			t.Fatalf("no candidates: %v", out)
		}
		return cs[0].(map[string]any)
	}
	code, out := a.call(tok, "POST", "/api/v1/identify", `{"photo": "`+base64.StdEncoding.EncodeToString(again)+`"}`)
	if code != 200 || first(out)["child_id"] != c.ID || !strings.Contains(first(out)["evidence"].([]any)[0].(map[string]any)["field"].(string), "face") {
		t.Fatalf("search by a photo in JSON: %d %v", code, out)
	}
	ct, body := multipartForm(t, url.Values{"query": {`{"sex": "F"}`}}, again)
	req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/identify", body)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", ct)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(raw), c.ID) {
		t.Fatalf("search by a multipart photo: %d %s", res.StatusCode, raw)
	}
	if code, out := a.call(tok, "POST", "/api/v1/identify", `{"photo": "bm90IGEgcGhvdG8="}`); code != 422 || errorField(out) != "photo" {
		t.Fatalf("a photo that is not one: %d %v", code, out)
	}

	page := a.client(socialWorker)
	ct, body = multipartForm(t, url.Values{"given_names": {""}}, again)
	res, err = page.Post(a.srv.URL+"/identify", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(res.Body)
	res.Body.Close()
	html := string(raw)
	contains(t, html, "candidate-"+c.ID, "Faces alike", `alt="Photo of the found child, beside the recorded one"`, `name="photo_held"`)
	held := between(html, `name="photo_held" value="`, `"`)
	search := between(html, `name="search" value="`, `"`)
	code, _, html = postForm(t, page, a.srv.URL+"/identify/reject", url.Values{"photo_held": {held}, "search": {search}, "child_id": {c.ID}})
	if code != 200 || !strings.Contains(html, "candidate-"+c.ID) || !strings.Contains(html, "recorded: not this child") {
		t.Fatalf("after a verdict the search by photo is shown again: %d\n%s", code, html)
	}
}

// between is the text of s after the first from, up to the next to.
func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

// A police officer at a raid searches by the found child's photo on a phone: the candidate's
// recorded photo and the photo given side by side, the face's comparison said in words; no axe
// violations at 390 and 1280 px.
func TestIdentifyByPhotoInTheBrowser(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	a.reg.UseFaces(pipeline(t))
	sw := a.actor(socialWorker)
	c := &waymark.Child{GivenNames: "Ana", FamilyName: "Testface", Sex: "F", Nationality: "AL"}
	if err := a.reg.CreateChild(ctx, sw, c, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reg.AddPhoto(ctx, sw, c.ID, facetest.Crop(t, "sample3.jpg", image.Rect(900, 150, 1450, 650))); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "found.jpg")
	if err := os.WriteFile(photo, facetest.Crop(t, "sample3.jpg", image.Rect(950, 200, 1400, 620)), 0o600); err != nil {
		t.Fatal(err)
	}
	axe := axeSource(t)
	bctx := browser(t)
	var evidence string
	err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 800), signInAs(a.srv.URL, police),
		chromedp.Navigate(a.srv.URL+"/identify"), chromedp.WaitVisible(chromedp.ID("photo")),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}),
		chromedp.Click(chromedp.CSS(`form.no-print button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("candidate-"+c.ID)),
		into(&evidence, chromedp.Text(chromedp.ID("candidate-"+c.ID))),
		screenshot("identify-by-photo-390"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(evidence, "Faces alike") || !strings.Contains(evidence, "children's faces change") {
		t.Fatalf("the candidate's evidence does not say how the faces compare:\n%s", evidence)
	}
	for _, w := range []int64{390, 1280} {
		var violations string
		if err := chromedp.Do(bctx, chromedp.EmulateViewport(w, 800), screenshot(fmt.Sprintf("identify-by-photo-%d", w)), axeRun(axe, &violations)); err != nil {
			t.Fatal(err)
		}
		if violations != "" {
			t.Errorf("axe-core on the search by photo at %d px:\n%s", w, violations)
		}
	}
}

// pipeline is the face networks, or skips the test without them.
func pipeline(t testing.TB) *face.Pipeline {
	p, err := face.Load(facetest.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
