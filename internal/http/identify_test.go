package http_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/synth"
)

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(body)
}

// A police officer finds a child recorded by a council: minimal facts until a reason is given,
// then the record; confirming links the contact to the council's record.
func TestIdentifyAcrossOrganisations(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	council := a.actor(socialWorker)
	child := &waymark.Child{GivenNames: "Xhuljan Besnik", FamilyName: "Dushku", Sex: "M", DateOfBirth: "2009-07-20", Nationality: "AL", Phones: []string{"+355691234567"}}
	if err := a.reg.CreateChild(ctx, council, child, nil); err != nil {
		t.Fatal(err)
	}
	officer := a.client(police)
	probe := url.Values{"given_names": {"Xhulian"}, "family_name": {"Dushku"}, "age": {"17"}, "phones": {"069 123 4567"},
		"at": {"2026-11-21T04:30"}, "place": {"Millbridge"}, "circumstances": {"Found at a cannabis farm in a house"}}
	code, _, page := postForm(t, officer, a.srv.URL+"/identify", probe)
	if code != 200 {
		t.Fatalf("identify: %d", code)
	}
	contains(t, page, "Reference "+child.Ref+", held by Northshire County Council", "To open it, say what for", "Why this candidate",
		`action="/children/`+child.ID+`/open" target="_blank" class="open-reason" novalidate>`) // the record opens beside the search, which stays
	if strings.Contains(page, " required>") {
		t.Fatal("a field is left to the browser's bubble rather than the error summary")
	}
	// not even folded, in the evidence of a misspelling or of a name not given
	if lower := strings.ToLower(page); strings.Contains(lower, "xhuljan") || strings.Contains(lower, "besnik") {
		t.Fatal("another organisation's child's name shown before a reason was given")
	}
	contains(t, page, "Part of the recorded name not given")
	for _, bad := range []url.Values{
		{"category": {"found"}, "reference": {"aaaaaaaaaa"}},
		{"category": {""}, "reference": {"NP-2026-1121"}},
		{"category": {"other"}, "reference": {"NP-2026-1121"}, "note": {"need"}},
	} {
		code, _, page := postForm(t, officer, a.srv.URL+"/children/"+child.ID+"/open", bad)
		if code != 422 || !strings.Contains(page, `value="`+bad.Get("reference")+`"`) {
			t.Fatalf("a reason of no substance %v: %d\n%s", bad, code, page)
		}
	}
	reason := "found; ref NP-2026-1121; checking identity after a raid"
	code, loc, _ := postForm(t, officer, a.srv.URL+"/children/"+child.ID+"/open",
		url.Values{"category": {"found"}, "reference": {"NP-2026-1121"}, "note": {"checking identity after a raid"}})
	if code != 303 || loc != "/children/"+child.ID {
		t.Fatalf("open with reason: %d %s", code, loc)
	}
	_, page = get(t, officer, a.srv.URL+loc)
	contains(t, page, "Xhuljan Besnik Dushku")
	_, _, page = postForm(t, officer, a.srv.URL+"/identify", probe)
	contains(t, page, "xhulian ~ xhuljan", "(besnik)") // open to the officer now, evidence and all
	granted, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: child.ID, Action: string(waymark.OpenWithReason)})
	if len(granted) != 1 || granted[0].Reason != reason+"; no information-sharing agreement between the organisations" || granted[0].RecordOrg != council.OrgID {
		t.Fatalf("reason not audited for the owner: %+v", granted)
	}
	if code, _ := get(t, officer, a.srv.URL+"/children/"+child.ID+"/edit"); code != 403 {
		t.Fatalf("a grant to view allowed editing: %d", code)
	}

	// A verdict names the search it is on: the server's, the same person's.
	search := regexp.MustCompile(`name="search" value="([^"]+)"`).FindStringSubmatch(page)
	if search == nil {
		t.Fatal("the verdict forms name no search")
	}
	confirm := url.Values{"child_id": {child.ID}, "search": {"made-up"}}
	for k, v := range probe {
		confirm[k] = v
	}
	if code, _, _ = postForm(t, officer, a.srv.URL+"/identify/confirm", confirm); code != 422 {
		t.Fatalf("confirm on a made-up search: %d", code)
	}
	confirm.Set("search", search[1])
	if code, _, _ = postForm(t, a.client(socialWorker), a.srv.URL+"/identify/confirm", confirm); code != 422 {
		t.Fatalf("confirm on another person's search: %d", code)
	}
	code, _, _ = postForm(t, officer, a.srv.URL+"/identify/confirm", confirm)
	if code != 303 {
		t.Fatalf("confirm: %d", code)
	}
	_, page = get(t, a.client(socialWorker), a.srv.URL+"/children/"+child.ID)
	contains(t, page, "Identified as previously recorded", "Found at a cannabis farm", "Pat Police")
	if js, err := a.store.Judgements(ctx); err != nil || len(js) != 1 || !js[0].Confirmed || !slices.Contains(js[0].Levels, "name:exact") {
		t.Fatalf("the confirmation was not kept as a judgement: %+v %v", js, err)
	}

	reject := url.Values{"child_id": {child.ID}, "search": {search[1]}} // as the page posts it: with what the child gave
	for k, v := range probe {
		reject[k] = v
	}
	code, _, page = postForm(t, officer, a.srv.URL+"/identify/reject", reject)
	rejected, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: child.ID, Action: "identify.reject", Outcome: audit.Allowed})
	if code != 200 || len(rejected) != 1 {
		t.Fatalf("reject: %d, %d audited", code, len(rejected))
	}
	// The search comes back, the candidate marked and its verdict not asked again; the child's id
	// is carried by its own confirm form alone, never by the probe the forms carry.
	contains(t, page, "Recorded: not this child.", "recorded: not this child", "Reference "+child.Ref, `name="rejected" value="`+child.ID+`"`)
	if strings.Contains(page, `action="/identify/reject"`) || strings.Count(page, `name="child_id"`) != 1 {
		t.Fatal("the rejected candidate can be rejected again, or its id rides along in the probe")
	}
	_, _, page = postForm(t, a.client(socialWorker), a.srv.URL+"/identify", probe)
	contains(t, page, "Xhuljan")
	views, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: child.ID, Action: string(waymark.ViewChild)})
	searches, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{UserID: council.UserID, Action: string(waymark.SearchRegistry)})
	if len(views) == 0 || views[0].Reason != "identification search result" || len(searches) != 1 || searches[0].Seq != views[0].Seq-1 {
		t.Fatalf("the owner's search and its view of the candidate were not audited together: %+v %+v", searches, views)
	}
	if code, _, _ := postForm(t, a.client(analyst), a.srv.URL+"/identify", probe); code != 403 {
		t.Fatalf("analyst searched: %d", code)
	}
}

func TestIntakeWarnsOfPossibleDuplicate(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	existing := &waymark.Child{GivenNames: "Semhar", FamilyName: "Tekle Berhane", Sex: "F", DateOfBirth: "2011-02-03", Nationality: "ER", Phones: []string{"+2917111222"}}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), existing, nil); err != nil {
		t.Fatal(err)
	}
	c := a.client("border@border.example.org")
	fields := url.Values{"given_names": {"Semhar"}, "family_name": {"Tekle"}, "date_of_birth": {"2011-02-03"}, "sex": {"F"},
		"nationality": {"ER"}, "phones": {"+291 7111222"}, "kind": {"first_contact"}, "at": {"2026-11-20T03:10"}, "agency": {"border"}}
	ct, body := multipartForm(t, fields, nil)
	res, _ := c.Post(a.srv.URL+"/children", ct, body)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	contains(t, string(page), "This child may already be recorded", existing.Ref, "Northshire County Council", `value="Tekle"`,
		// identify opens beside the form, with what was typed
		`<form method="post" action="/identify#results" target="_blank"><input type="hidden" name="`, `<input type="hidden" name="family_name" value="Tekle">`)

	// Saved again without a word on the warning: the form says what is missing, and keeps everything.
	fields.Set("dups_shown", "1")
	ct, body = multipartForm(t, fields, nil)
	res, _ = c.Post(a.srv.URL+"/children", ct, body)
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 422 {
		t.Fatalf("saved again without ticking: %d", res.StatusCode)
	}
	contains(t, string(page), "There is a problem", `href="#confirm_new"`, "or identify the child instead", `value="Tekle"`)

	// The identify form the warning posts finds the recorded child from what was typed.
	probe := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(
		string(page[:strings.Index(string(page), `id="confirm_new"`)]), -1) {
		probe.Add(m[1], html.UnescapeString(m[2]))
	}
	if _, _, found := postForm(t, c, a.srv.URL+"/identify", probe); !strings.Contains(found, "Reference "+existing.Ref) {
		t.Fatalf("identify from the warning (%v) does not find the child", probe)
	}
	fields.Set("confirm_new", "1")
	ct, body = multipartForm(t, fields, nil)
	res, _ = c.Post(a.srv.URL+"/children", ct, body)
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("confirmed new child not saved: %d", res.StatusCode)
	}
}

// Police at a raid have the found child's prints checked: the bureau's reference finds the
// recorded child whatever name is given.
func TestIdentifyByFingerprintReference(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	child := &waymark.Child{GivenNames: "Dritan", FamilyName: "Hoxha", Sex: "M", DateOfBirth: "2010-03-14", Nationality: "AL",
		Biometrics: []waymark.Biometric{{Kind: "fingerprint", Reference: "FP-2026/004417"}}, Marks: "Scar above left eyebrow"}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), child, nil); err != nil {
		t.Fatal(err)
	}
	probe := url.Values{"given_names": {"Marco"}, "age": {"18"}, "fingerprint_ref": {"fp 2026 004417"}, "marks": {"scar, left eyebrow"}}
	code, _, page := postForm(t, a.client(police), a.srv.URL+"/identify", probe)
	if code != 200 {
		t.Fatalf("identify: %d", code)
	}
	contains(t, page, "1 possible match", "strong match", "Reference "+child.Ref, "Fingerprints / DNA", `name="fingerprint_ref" value="fp 2026 004417"`,
		"Marks", `name="marks" value="scar, left eyebrow"`)
}

// A name thousands of children hold finds no one by itself: the page says so, and what to add,
// rather than that the child is not recorded; beside candidates found otherwise, it says that
// only those are shown.
func TestIdentifyNameTooCommonToSearchAlone(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	for i := range 2100 { // the index alone: no candidate is gathered, so none is read from the store
		a.reg.Engine.Put(&waymark.Child{ID: fmt.Sprintf("crowd%d", i), GivenNames: "Wei", FamilyName: "Wang", DateOfBirth: fmt.Sprintf("%d-01-01", 2000+i%5), DOBEstimated: true})
	}
	phoned := &waymark.Child{GivenNames: "Jun", FamilyName: "Zhou", Sex: "M", DateOfBirth: "2011-05-02", Phones: []string{"+447700900123"}}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), phoned, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		probe url.Values
		want  []string
	}{
		{url.Values{"given_names": {"Wang"}, "family_name": {"Wei"}},
			[]string{"2100 recorded children hold names like those given — too many to search by name alone", "add an age or a date of birth, a phone"}},
		{url.Values{"given_names": {"Wei Wang"}, "age": {"15"}},
			[]string{"2100 recorded children hold names like those given, and none born near the date of birth or age given was found", "add a phone"}},
		{url.Values{"given_names": {"Wei"}, "family_name": {"Okafor"}},
			[]string{"No recorded child matches what was given"}},
		{url.Values{"given_names": {"Wei"}, "family_name": {"Wang"}, "phones": {"07700 900123"}},
			[]string{"1 possible match", "Reference " + phoned.Ref, "2100 recorded children hold names like those given — too many to list by name alone, so only those the other details given point to are shown"}},
	}
	for _, tc := range tests {
		code, _, page := postForm(t, a.client(police), a.srv.URL+"/identify", tc.probe)
		if code != 200 {
			t.Fatalf("identify %v: %d", tc.probe, code)
		}
		contains(t, page, tc.want...)
	}
}

// Where more children score exactly as the tenth than can be shown, the page says how many, and
// shows them all on request: the child may be the eleventh.
func TestIdentifySaysWhenMoreTie(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	a.recordAlike(t, 14)
	probe := url.Values{"given_names": {"Semhar"}, "family_name": {"Tekle"}, "age": {"15"}}
	_, _, page := postForm(t, a.client(socialWorker), a.srv.URL+"/identify", probe)
	contains(t, page, "10 possible matches", "4 more recorded children score exactly as the last one shown", `name="limit" value="14"`, "Show 14 candidates",
		"Nothing else recorded about them differs: compare their photos.")
	probe.Set("limit", "14")
	_, _, page = postForm(t, a.client(socialWorker), a.srv.URL+"/identify", probe)
	contains(t, page, "14 possible matches")
	if strings.Contains(page, "score exactly as the last one shown") || strings.Count(page, `name="limit"`) != 0 {
		t.Fatal("all shown, yet more said to tie, or the limit carried into another form")
	}
	other := &waymark.Child{GivenNames: "Semhar", FamilyName: "Tekle", Sex: "F", DateOfBirth: "2011-01-01", DOBEstimated: true, Nationality: "ET", Phones: []string{"+447700900123"}}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), other, nil); err != nil {
		t.Fatal(err)
	}
	probe.Del("limit")
	_, _, page = postForm(t, a.client(socialWorker), a.srv.URL+"/identify", probe)
	contains(t, page, "5 more recorded children score exactly", "What the child did not give differs among them: Nationality, Phone. Ask, and search again.")
}

// recordAlike records n children of the social worker's council — Semhar Tekle, born about 2011 —
// whom a search by name and age cannot tell apart.
func (a *app) recordAlike(t *testing.T, n int) {
	for range n {
		c := &waymark.Child{GivenNames: "Semhar", FamilyName: "Tekle", Sex: "F", DateOfBirth: "2011-01-01", DOBEstimated: true, Nationality: "ER"}
		if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// A child recorded by the police after a raid, under another name, is the council's missing
// child: the council's manager sees the pair; the police record shows its reference and owner only.
func TestDuplicatesReport(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	if _, page := get(t, a.client(manager), a.srv.URL+"/duplicates"); !strings.Contains(page, "held by Northshire Police") {
		t.Fatal("the demo's child recorded twice is not in the report")
	}
	ours := &waymark.Child{GivenNames: "Blerim", FamilyName: "Gashi", Sex: "M", DateOfBirth: "2009-09-09", Nationality: "AL", Phones: []string{"+447700900123"}}
	theirs := &waymark.Child{GivenNames: "Bleri", FamilyName: "Gashii", Sex: "M", DateOfBirth: "2009-09-09", Nationality: "XK", Phones: []string{"07700 900123"}}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), ours, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.reg.CreateChild(ctx, a.actor(police), theirs, nil); err != nil {
		t.Fatal(err)
	}
	c := a.client(manager)
	_, page := get(t, c, a.srv.URL+"/")
	contains(t, page, `href="/duplicates"`)
	code, page := get(t, c, a.srv.URL+"/duplicates")
	if code != 200 {
		t.Fatalf("report: %d", code)
	}
	contains(t, page, "Blerim Gashi", "Reference "+theirs.Ref+", held by Northshire Police", "strong")
	if strings.Contains(page, "Gashii") {
		t.Fatal("another organisation's child's name shown in the report")
	}
	views, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: ours.ID, Action: string(waymark.ViewChild)})
	if len(views) == 0 || views[0].Reason != "duplicates report" {
		t.Fatalf("the report's view of the child was not audited: %+v", views)
	}
	if code, _ := get(t, a.client(socialWorker), a.srv.URL+"/duplicates"); code != 403 {
		t.Fatalf("a social worker opened the report: %d", code)
	}
}

// A report that takes long to make shows how far it has got, and the page refreshes itself.
func TestDuplicatesReportInProgress(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	defer func(w time.Duration) { registry.DuplicatesWait = w }(registry.DuplicatesWait)
	registry.DuplicatesWait = 0
	org := a.actor(manager).OrgID
	g := synth.New(9, time.Now())
	for i := range 3000 {
		c := g.Child()
		c.ID, c.OrgID = fmt.Sprintf("s%05d", i), org
		a.reg.Engine.Put(c)
	}
	_, page := get(t, a.client(manager), a.srv.URL+"/duplicates")
	contains(t, page, `<meta http-equiv="refresh" content="10">`, "The report is being made", "children searched")
}

// Identification searches are bounded per user: past the hour's allowance the answer is 429, the
// refusal audited.
func TestSearchesRateLimited(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	a.reg.SearchRate = registry.SearchesPerHour(3, nil)
	officer := a.client(police)
	probe := url.Values{"given_names": {"Selam"}, "family_name": {"Tesfay"}}
	for i, want := range []int{200, 200, 200, 429} {
		if code, _, page := postForm(t, officer, a.srv.URL+"/identify", probe); code != want {
			t.Fatalf("search %d: %d, want %d\n%s", i+1, code, want, page)
		}
	}
	tok := a.token(police, waymark.RolePolice) // a token has an allowance of its own
	for i, want := range []int{200, 200, 200, 429} {
		if code, out := a.call(tok, "POST", "/api/v1/identify", `{"given_names": "Selam"}`); code != want {
			t.Fatalf("API search %d: %d %v", i+1, code, out)
		}
	}
	refused, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: string(waymark.SearchRegistry), Outcome: audit.Denied})
	if len(refused) != 2 {
		t.Fatalf("%d refused searches audited, want 2", len(refused))
	}
}

// One person opening more than five of an organisation's records in a day alerts its admin.
func TestManyRecordsOpenedAlertsTheOwner(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	council, officer := a.actor(socialWorker), a.client(police)
	for i := range waymark.OpenedAlertAfter + 1 {
		c := &waymark.Child{GivenNames: "Selam", FamilyName: fmt.Sprintf("Tesfay %c", 'A'+i)}
		if err := a.reg.CreateChild(ctx, council, c, nil); err != nil {
			t.Fatal(err)
		}
		if _, page := get(t, a.client(admin), a.srv.URL+"/alerts"); strings.Contains(page, "opened many") {
			t.Fatalf("alerted after %d records opened", i)
		}
		code, _, _ := postForm(t, officer, a.srv.URL+"/children/"+c.ID+"/open", url.Values{"category": {"found"}, "reference": {fmt.Sprintf("NP-2026-%d", i)}})
		if code != http.StatusSeeOther {
			t.Fatalf("open %d: %d", i, code)
		}
	}
	_, page := get(t, a.client(admin), a.srv.URL+"/alerts")
	contains(t, page, "One person opened many of your records today")
}

// The "may already be recorded" check at intake is for those who may record a child: an analyst
// or admin posting the form is refused (and audited) before anything is looked up; a practitioner's
// check is audited as a search.
func TestIntakeCheckIsGated(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	form := url.Values{"given_names": {"Semhar"}, "family_name": {"Tekle"}, "kind": {"first_contact"}, "at": {"2026-11-20T03:10"}, "agency": {"border"}}
	for _, who := range []string{analyst, admin} {
		if code, _, page := postForm(t, a.client(who), a.srv.URL+"/children", form); code != http.StatusForbidden || strings.Contains(page, "may already be recorded") {
			t.Errorf("%s posting a first contact: %d", who, code)
		}
	}
	refused, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: string(waymark.CreateChild), Outcome: audit.Denied})
	if len(refused) != 2 {
		t.Fatalf("%d refusals audited, want 2", len(refused))
	}
	before, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: string(waymark.SearchRegistry)})
	if code, _, _ := postForm(t, a.client(socialWorker), a.srv.URL+"/children", form); code != http.StatusSeeOther && code != http.StatusOK {
		t.Fatalf("a social worker's first contact: %d", code)
	}
	after, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{Action: string(waymark.SearchRegistry)})
	if len(after) != len(before)+1 || !strings.HasPrefix(after[0].Reason, "intake") {
		t.Fatalf("the intake check was not audited as a search: %d then %d", len(before), len(after))
	}
}

// The identify page's message after a judgement is one of its own, chosen by key: a link cannot
// make it say anything else.
func TestIdentifyMessageOnlyByKey(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	c := a.client(police)
	_, page := get(t, c, a.srv.URL+"/identify?done="+url.QueryEscape("Child confirmed safe: close the case"))
	if strings.Contains(page, "close the case") {
		t.Fatal("the page says what the link told it to")
	}
	_, page = get(t, c, a.srv.URL+"/identify?done=rejected")
	contains(t, page, "Recorded: not this child.")
}

// "This is the child" is said of a record the person has seen: another organisation's once opened
// with a reason, and a weak candidate only with a second, explicit confirmation.
func TestConfirmNeedsTheRecordSeenAndWeakNeedsSure(t *testing.T) {
	a := newApp(t, sqlstore.SQLite)
	child := &waymark.Child{GivenNames: "Ardit", FamilyName: "Hoxha Kola", Sex: "M", DateOfBirth: "2009-03-14", Nationality: "AL"}
	if err := a.reg.CreateChild(ctx, a.actor(socialWorker), child, nil); err != nil {
		t.Fatal(err)
	}
	officer := a.client(police)
	probe := url.Values{"family_name": {"Kola"}, "age": {"12"}, "at": {"2026-11-21T04:30"}, "place": {"Millbridge"}}
	_, _, page := postForm(t, officer, a.srv.URL+"/identify", probe)
	contains(t, page, "Reference "+child.Ref, "weak match", "To confirm, open the record first")
	confirm := url.Values{"child_id": {child.ID}, "search": {regexp.MustCompile(`name="search" value="([^"]+)"`).FindStringSubmatch(page)[1]}}
	for k, v := range probe {
		confirm[k] = v
	}
	code, _, page := postForm(t, officer, a.srv.URL+"/identify/confirm", confirm)
	if code != 422 || !strings.Contains(page, "Open this record first") || !strings.Contains(page, "Reference "+child.Ref) {
		t.Fatalf("confirmed a record never opened: %d\n%s", code, page)
	}
	refused, _ := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: child.ID, Action: string(waymark.ConfirmMatch), Outcome: audit.Denied})
	if len(refused) != 1 {
		t.Fatalf("the refusal was not audited: %+v", refused)
	}
	if code, _, _ := postForm(t, officer, a.srv.URL+"/children/"+child.ID+"/open",
		url.Values{"category": {"found"}, "reference": {"NP-2026-1121"}}); code != 303 {
		t.Fatalf("open with reason: %d", code)
	}
	_, _, page = postForm(t, officer, a.srv.URL+"/identify", probe)
	confirm.Set("search", regexp.MustCompile(`name="search" value="([^"]+)"`).FindStringSubmatch(page)[1])
	code, _, page = postForm(t, officer, a.srv.URL+"/identify/confirm", confirm)
	if code != 422 || !strings.Contains(page, "tick that you are sure") || !strings.Contains(page, `href="#sure-`+child.ID+`"`) {
		t.Fatalf("a weak candidate confirmed in one click: %d\n%s", code, page)
	}
	confirm.Set("sure", "yes")
	if code, loc, _ := postForm(t, officer, a.srv.URL+"/identify/confirm", confirm); code != 303 || loc != "/children/"+child.ID+"?saved=1" {
		t.Fatalf("confirm when sure: %d %s", code, loc)
	}
}
