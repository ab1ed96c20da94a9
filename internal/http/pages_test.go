package http_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

func TestSignIn(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, _ := c.Get(a.srv.URL + "/children")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("signed-out caseload: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	signIn := func(pw string) *http.Response {
		res, err := c.PostForm(a.srv.URL+"/signin", url.Values{"email": {socialWorker}, "password": {pw}, "next": {"//evil.example"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	first, second := signIn(password), signIn(password)
	if first.StatusCode != http.StatusSeeOther || first.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d, redirect %q (an off-site next must be ignored)", first.StatusCode, first.Header.Get("Location"))
	}
	c1, c2 := first.Cookies()[0], second.Cookies()[0]
	if c1.Value == c2.Value || !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie not rotated or not protected: %+v %+v", c1, c2)
	}
	for range 5 {
		if res := signIn("wrong password!"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
	}
	if res := signIn(password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after five failures the right password got %d, want 429 (locked)", res.StatusCode)
	}
	denied, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: "signin", Outcome: audit.Denied})
	if len(denied) != 6 || denied[0].Reason != "locked: not checked" {
		t.Fatalf("%d failed sign-ins audited, want 6 (five wrong, one refused by the lock)", len(denied))
	}
	if res := signIn("x"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatal("locked account answered differently")
	}
}

func TestSignOutEndsSession(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(socialWorker)
	if code, _ := get(t, c, a.srv.URL+"/children"); code != 200 {
		t.Fatalf("caseload: %d", code)
	}
	u, _ := url.Parse(a.srv.URL)
	stolen := c.Jar.Cookies(u)
	res, _ := c.PostForm(a.srv.URL+"/signout", nil)
	res.Body.Close()
	thief := &http.Client{CheckRedirect: c.CheckRedirect}
	req, _ := http.NewRequest("GET", a.srv.URL+"/children", nil)
	for _, ck := range stolen {
		req.AddCookie(ck)
	}
	res, err := thief.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("session cookie still works after sign-out: %d", res.StatusCode)
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	res, _ := http.Get(a.srv.URL + "/signin")
	res.Body.Close()
	for h, want := range map[string]string{"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
		}
	}
	c := a.client(socialWorker)
	req, _ := http.NewRequest("POST", a.srv.URL+"/children", strings.NewReader("given_names=X"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site form post: %d, want 403", res.StatusCode)
	}
}

func jpegBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for i := range img.Pix {
		img.Pix[i] = 180
	}
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}

// multipartForm builds a form body with an optional photo.
func multipartForm(t testing.TB, fields url.Values, photo []byte) (string, io.Reader) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if photo != nil {
		fw, _ := w.CreateFormFile("photo", "camera.jpg")
		fw.Write(photo)
	}
	w.Close()
	return w.FormDataContentType(), &b
}

func TestFirstContactFormKeepsInputOnError(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client("border@border.example.org")
	fields := url.Values{"given_names": {"Selam"}, "family_name": {"Tesfay Kidane"}, "date_of_birth": {"31/02/2010"},
		"nationality": {"ER"}, "phones": {"+291 7123456\nnot a phone"}, "kind": {"first_contact"}, "at": {"2026-11-20T03:10"},
		"place": {"Dover Eastern Docks"}, "agency": {"border"}, "marks": {"Scar on left hand"}}
	big := noisyJPEG(t, 900, 1200)
	ct, body := multipartForm(t, fields, big)
	res, err := c.Post(a.srv.URL+"/children", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	contains(t, string(page), "There is a problem", `href="#date_of_birth"`, `href="#phones"`, `value="Tesfay Kidane"`,
		"Scar on left hand", "Dover Eastern Docks", "The photo taken is kept", `<option value="ER" selected>`,
		"<title>Error: Record first contact") // a screen reader hears the error first
	// The photo stays on the server: the page carries a token and a thumbnail, not the photo.
	if len(big) < 500<<10 || len(page) > 64<<10 {
		t.Fatalf("a %d-byte photo made a %d-byte page", len(big), len(page))
	}
	held := heldPhoto(t, string(page))
	if code, thumb := get(t, c, a.srv.URL+"/held/photos/"+held); code != 200 || len(thumb) == 0 || len(thumb) > 64<<10 {
		t.Fatalf("thumbnail of the kept photo: %d, %d bytes", code, len(thumb))
	}
	if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/held/photos/"+held); code != http.StatusNotFound {
		t.Fatalf("another user opened the kept photo: %d", code)
	}

	// Correct the two fields and resubmit with the kept photo: the record is saved with it.
	fields.Set("date_of_birth", "2010-02-28")
	fields.Set("phones", "+291 7123456")
	fields.Set("photo_held", held)
	ct, body = multipartForm(t, fields, nil)
	res, err = c.Post(a.srv.URL+"/children", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/children/") {
		t.Fatalf("resubmit: %d %s", res.StatusCode, loc)
	}
	code, child := get(t, c, a.srv.URL+loc)
	if code != 200 {
		t.Fatalf("child page %d", code)
	}
	contains(t, child, "Selam Tesfay Kidane", "/thumbnail", "Dover Eastern Docks", "2917123456", "Still lacking")
	if strings.Contains(child, "No photo yet") {
		t.Fatal("kept photo was not saved")
	}
}

func heldPhoto(t testing.TB, page string) string {
	const marker = `name="photo_held" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatal("no kept photo in page")
	}
	rest := page[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// noisyJPEG is a photo that does not compress, as a phone's camera makes.
func noisyJPEG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.IntN(256))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCrossOrganisationRefusedAndAudited(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { crossOrganisation(t, newApp(t, d)) })
	}
}

func crossOrganisation(t *testing.T, a *app) {
	id := a.childOf(socialWorker)
	for _, email := range []string{otherCouncil, analyst, admin, guardian} {
		code, body := get(t, a.client(email), a.srv.URL+"/children/"+id)
		if code != http.StatusForbidden || !strings.Contains(body, "does not allow") {
			t.Errorf("%s opened another's child: %d", email, code)
		}
	}
	denied, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: id, Outcome: audit.Denied})
	if len(denied) != 4 {
		t.Fatalf("%d refusals audited, want 4", len(denied))
	}
	// The owning organisation's admin sees the refusals in the audit log.
	_, page := get(t, a.client(admin), a.srv.URL+"/audit?record="+id)
	contains(t, page, "Eli Eastport", "refused", "other organisation")
}

func TestGuardianSeesAssignedChildrenOnly(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(guardian)
	_, page := get(t, c, a.srv.URL+"/children")
	list, _, _ := a.store.Children(ctx, sqlstore.ChildFilter{InTeamOf: a.actor(guardian).UserID})
	if len(list) == 0 {
		t.Fatal("demo guardian has no assigned children")
	}
	contains(t, page, list[0].ID)
	if code, _ := get(t, c, a.srv.URL+"/children/"+list[0].ID); code != 200 {
		t.Fatalf("guardian cannot open assigned child: %d", code)
	}
	if code, _ := get(t, c, a.srv.URL+"/children/"+list[0].ID+"/edit"); code != http.StatusForbidden {
		t.Fatalf("guardian may edit: %d", code)
	}
}

func TestViewIsAuditedAndAdminCanBrowse(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	id := a.childOf(socialWorker)
	if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/children/"+id); code != 200 {
		t.Fatal(code)
	}
	views, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: id, Action: "child.view"})
	if len(views) != 1 || views[0].UserID != a.actor(socialWorker).UserID || views[0].Addr != "127.0.0.1" {
		t.Fatalf("view audit = %+v", views)
	}
	_, page := get(t, a.client(admin), a.srv.URL+"/audit?action=child.view")
	contains(t, page, "Alex Social", "child.view", id)
	if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/audit"); code != http.StatusForbidden {
		t.Fatalf("social worker opened the audit log: %d", code)
	}
}

func TestEditAndEncounter(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(socialWorker)
	id := a.childOf(socialWorker)
	_, form := get(t, c, a.srv.URL+"/children/"+id+"/edit")
	contains(t, form, "Save changes")
	vals := url.Values{"given_names": {"Changed"}, "family_name": {"Name"}, "nationality": {"VN"}, "fingerprint_ref": {"FP-NEW-1"}}
	res, _ := c.PostForm(a.srv.URL+"/children/"+id+"/edit", vals)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	_, page := get(t, c, a.srv.URL+"/children/"+id)
	contains(t, page, "Changed Name", "FP-NEW-1")
	res, _ = c.PostForm(a.srv.URL+"/children/"+id+"/encounters", url.Values{"kind": {"found"}, "at": {"2026-11-21T23:30"}, "place": {"Millbridge"}, "circumstances": {"Found at a cannabis farm"}})
	res.Body.Close()
	_, page = get(t, c, a.srv.URL+"/children/"+id)
	contains(t, page, "Found at a cannabis farm", "Millbridge")
	res, _ = c.PostForm(a.srv.URL+"/children/"+id+"/encounters", url.Values{"kind": {"found"}, "at": {"yesterday"}})
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `href="#at"`) {
		t.Fatalf("bad time accepted: %d", res.StatusCode)
	}
}

func TestCaseloadSearchAndPhotoAccess(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(socialWorker)
	id := a.childOf(socialWorker)
	ct, body := multipartForm(t, nil, jpegBytes(t))
	res, _ := c.Post(a.srv.URL+"/children/"+id+"/photos", ct, body)
	res.Body.Close()
	child, _ := a.store.Child(ctx, id)
	if len(child.Photos) == 0 {
		t.Fatal("photo not stored")
	}
	p := child.Photos[0].ID
	for _, path := range []string{"/photos/" + p, "/photos/" + p + "/thumbnail"} {
		res, _ := c.Get(a.srv.URL + path)
		img, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") || len(img) < 100 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if code, _ := get(t, a.client(otherCouncil), a.srv.URL+"/photos/"+p); code != http.StatusForbidden {
		t.Fatalf("other council fetched the photo: %d", code)
	}
	_, page := get(t, c, a.srv.URL+"/children?q="+url.QueryEscape(child.FamilyName))
	contains(t, page, id)
	_, page = get(t, c, a.srv.URL+"/children?lacking=photo")
	if strings.Contains(page, id) {
		t.Fatal("child with a photo listed as lacking one")
	}
	// Editing through the form (which carries no photos) must not lose track of the photo.
	res, _ = c.PostForm(a.srv.URL+"/children/"+id+"/edit", url.Values{"given_names": {"Edited"}, "nationality": {"VN"}})
	res.Body.Close()
	_, page = get(t, c, a.srv.URL+"/children?lacking=photo")
	if strings.Contains(page, id) {
		t.Fatal("after an edit, a child with a photo is listed as lacking one")
	}
}

// Every role's menu offers only pages the role may open, and the role's reads of addresses and of
// the audit trail are themselves audited; the static files' folder is not listed.
func TestMenuOpensForEveryRole(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	nav := regexp.MustCompile(`(?s)<nav aria-label="Main">(.*?)</nav>`)
	for email, l := range a.logins {
		c := a.client(email)
		_, home := get(t, c, a.srv.URL+"/")
		m := nav.FindStringSubmatch(home)
		if m == nil {
			t.Fatalf("%s: no menu", l.Role)
		}
		for _, link := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(m[1], -1) {
			if code, _ := get(t, c, a.srv.URL+link[1]); code != http.StatusOK {
				t.Errorf("%s: the menu offers %s, which answers %d", l.Role, link[1], code)
			}
		}
	}
	for _, action := range []string{"audit.view", "placements.board"} {
		if es, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: action}); len(es) == 0 {
			t.Errorf("reading %s is not audited", action)
		}
	}
	for _, path := range []string{"/static/", "/static"} {
		if code, body := get(t, http.DefaultClient, a.srv.URL+path); code == http.StatusOK || strings.Contains(body, "style.css") {
			t.Errorf("%s lists the static files: %d", path, code)
		}
	}
}

// The admin makes a token on the page, sees it once, and revokes it; a carer's role is refused
// naming the field, with what was typed kept.
func TestTokensPage(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(admin)
	res, err := c.PostForm(a.srv.URL+"/tokens", url.Values{"name": {"Control room"}, "role": {"carer"}, "expires": {"30"}})
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "an API token is not a person") || !strings.Contains(page, `value="Control room"`) {
		t.Fatalf("a carer's token: %d\n%s", res.StatusCode, page)
	}
	res, _ = c.PostForm(a.srv.URL+"/tokens", url.Values{"role": {"police"}, "expires": {"30"}}) // an empty name
	if page := readAll(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Say what the token is for") {
		t.Fatalf("a token for nothing said: %d", res.StatusCode)
	}
	res, _ = c.PostForm(a.srv.URL+"/tokens", url.Values{"name": {"Control room"}, "role": {"police"}, "expires": {"30"}})
	page = readAll(t, res)
	secret := regexp.MustCompile(`wmt_[A-Za-z0-9_-]+`).FindString(page)
	if res.StatusCode != http.StatusOK || secret == "" || !strings.Contains(page, "shown this once") {
		t.Fatalf("make token: %d\n%s", res.StatusCode, page)
	}
	if code, _ := a.call(secret, "GET", "/api/v1/children", ""); code != http.StatusOK {
		t.Fatalf("the new token: %d", code)
	}
	_, page = get(t, c, a.srv.URL+"/tokens")
	if strings.Contains(page, secret) {
		t.Fatal("the token's secret is shown again")
	}
	id := regexp.MustCompile(`action="/tokens/([^/"]+)/revoke"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no revoke button:\n%s", page)
	}
	if res, _ := c.PostForm(a.srv.URL+"/tokens/"+id[1]+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if code, _ := a.call(secret, "GET", "/api/v1/children", ""); code != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d", code)
	}
	if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/tokens"); code != http.StatusForbidden {
		t.Fatalf("a social worker opened the tokens page: %d", code)
	}
}

// What the return and the immigration plan need is recorded on the child: coded, validated by
// field, ethnicity and the Home Office reference sealed; a disputed age reads as a child's.
func TestLookedAfterAndImmigrationFacts(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(socialWorker)
	id := a.childOf(socialWorker)
	_, form := get(t, c, a.srv.URL+"/children/"+id+"/edit")
	contains(t, form, "Looked after and immigration", `<option value="V2"`, `<option value="BAFR"`)
	vals := childForm(t, a, id)
	vals.Set("legal_status", "X9")
	vals.Set("leave_expiry", "31/12/2027")
	code, _, page := postForm(t, c, a.srv.URL+"/children/"+id+"/edit", vals)
	if code != 422 || !strings.Contains(page, `href="#legal_status"`) || !strings.Contains(page, `href="#leave_expiry"`) {
		t.Fatalf("bad codes accepted: %d", code)
	}
	vals.Set("legal_status", "C2")
	vals.Set("category_of_need", "N1")
	vals.Set("ethnicity", "BAFR")
	vals.Set("home_office_ref", "HO-S1234567")
	vals.Set("immigration_status", "uasc_leave")
	vals.Set("leave_expiry", "2027-12-31")
	vals.Set("age_basis", "disputed")
	if code, _, _ := postForm(t, c, a.srv.URL+"/children/"+id+"/edit", vals); code != 303 {
		t.Fatalf("edit: %d", code)
	}
	_, page = get(t, c, a.srv.URL+"/children/"+id)
	contains(t, page, "disputed: treated as a child pending assessment", "Limited leave as an unaccompanied child, leave ends 31 Dec 2027")
	_, form = get(t, c, a.srv.URL+"/children/"+id+"/edit")
	contains(t, form, `<option value="C2" selected>`, `value="HO-S1234567"`)
	var facts string
	var sealed []byte
	if err := a.store.DB().QueryRow(`SELECT facts, sealed FROM children WHERE id = $1`, id).Scan(&facts, &sealed); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(facts, `"legal_status":"C2"`) || strings.Contains(facts+string(sealed), "BAFR") || strings.Contains(facts+string(sealed), "HO-S1234567") {
		t.Fatalf("ethnicity or the Home Office reference is not sealed: %s", facts)
	}
}

// childForm is the edit form's values for a child, as the page would post them.
func childForm(t *testing.T, a *app, id string) url.Values {
	t.Helper()
	c, err := a.store.Child(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"given_names": {c.GivenNames}, "family_name": {c.FamilyName}, "sex": {c.Sex}, "date_of_birth": {c.DateOfBirth},
		"nationality": {c.Nationality}}
}

// A name in another script is marked with its script and direction wherever it is shown, and a
// Chinese name is written family name first, with no space.
func TestNamesInOtherScripts(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	sw := a.actor(socialWorker)
	arabic := &waymark.Child{GivenNames: "أحمد", FamilyName: "الحسن", Sex: "M", DateOfBirth: "2010-01-01"}
	chinese := &waymark.Child{GivenNames: "明", FamilyName: "李", Sex: "M", DateOfBirth: "2011-01-01"}
	for _, c := range []*waymark.Child{arabic, chinese} {
		if err := a.reg.CreateChild(ctx, sw, c, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := a.client(socialWorker)
	_, page := get(t, c, a.srv.URL+"/children/"+arabic.ID)
	contains(t, page, `<h1><span lang="und-Arab" dir="rtl">أحمد الحسن</span></h1>`)
	_, page = get(t, c, a.srv.URL+"/children?q=%E6%9D%8E")
	contains(t, page, `<span lang="und-Hani" dir="ltr">李明</span>`)
}
