package http_test

import (
	"bytes"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

// A manager answers a subject access request from the child's page: a file of everything held,
// what is about other people withheld unless they say otherwise, audited; a social worker and
// another council's manager may not.
func TestSubjectAccessPage(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a := newApp(t, d)
			c := &waymark.Child{GivenNames: "Sara", FamilyName: "Subject", Concerns: "Uncle Tran, the car wash on Mill Road"}
			if err := a.reg.CreateChild(ctx, a.actor(socialWorker), c, nil); err != nil {
				t.Fatal(err)
			}
			boss := a.client(manager)
			_, page := get(t, boss, a.srv.URL+"/children/"+c.ID)
			contains(t, page, `href="/children/`+c.ID+`/subject-access"`)
			_, page = get(t, boss, a.srv.URL+"/children/"+c.ID+"/subject-access")
			contains(t, page, "Subject access request", `name="redact" value="1" checked`)
			for redact, want := range map[string]string{"1": "[withheld: about another person]", "": "Uncle Tran"} {
				res, err := boss.PostForm(a.srv.URL+"/children/"+c.ID+"/subject-access", url.Values{"redact": {redact}})
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
					!strings.Contains(string(body), want) || !strings.Contains(string(body), `"given_names":"Sara"`) {
					t.Fatalf("redact %q: %d %s\n%s", redact, res.StatusCode, res.Header, body)
				}
			}
			res, err := boss.PostForm(a.srv.URL+"/children/"+c.ID+"/subject-access", url.Values{"redact": {"1"}, "format": {"pdf"}})
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF")) {
				t.Fatalf("the PDF: %d %s", res.StatusCode, res.Header)
			}
			for _, who := range []string{socialWorker, otherCouncil} {
				if code, _ := get(t, a.client(who), a.srv.URL+"/children/"+c.ID+"/subject-access"); code != 403 {
					t.Errorf("%s opened the subject access page: %d", who, code)
				}
				if code, _, _ := postForm(t, a.client(who), a.srv.URL+"/children/"+c.ID+"/subject-access", url.Values{"redact": {"1"}}); code != 403 {
					t.Errorf("%s downloaded a subject access file: %d", who, code)
				}
			}
			es, err := a.store.AuditEntries(ctx, sqlstore.AuditFilter{RecordID: c.ID, Action: string(waymark.SubjectAccess), Outcome: audit.Allowed})
			if err != nil || len(es) != 3 {
				t.Fatalf("audited %d subject access exports (%v)", len(es), err)
			}
		})
	}
}
