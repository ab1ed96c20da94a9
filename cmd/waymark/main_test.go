package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

func init() { auth.Default = auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1} }

// opened opens the database of db (--db, --keys) as a command would, until the test ends.
func opened(t *testing.T, db []string) *sqlstore.Store {
	t.Helper()
	keys, _, err := crypto.LoadOrCreate(db[3], "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.Open(context.Background(), db[1], keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// audited returns the audit entries with the action, read from the database of db (--db, --keys).
func audited(t *testing.T, db []string, action string) []audit.Entry {
	t.Helper()
	es, err := opened(t, db).AuditEntries(context.Background(), sqlstore.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// westmarsh is a fresh installation on d with one council, Westmarsh; with adds its --db and
// --keys to a command's arguments.
func westmarsh(t testing.TB, d sqlstore.Dialect) (db []string, with func(...string) []string) {
	t.Helper()
	db = []string{"--db", storetest.DSN(t, d), "--keys", filepath.Join(t.TempDir(), "keys")}
	with = func(args ...string) []string { return append(args, db...) }
	if _, err := cli(t, "", with("org", "create", "--name", "Westmarsh Council", "--kind", "council")...); err != nil {
		t.Fatal(err)
	}
	return db, with
}

// private fails unless the file at path is readable by its owner alone.
func private(t *testing.T, path string) {
	t.Helper()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, %v; want mode 0600", path, fi.Mode(), err)
	}
}

func cli(t testing.TB, stdin string, args ...string) (string, error) {
	t.Helper()
	out, _, err := cliErr(t, stdin, args...)
	return out, err
}

// cliErr runs a command and returns what it wrote to standard output and to standard error.
func cliErr(t testing.TB, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errs bytes.Buffer
	e := &env{stdout: &out, stderr: &errs, stdin: strings.NewReader(stdin), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := run(context.Background(), e, args)
	return out.String(), errs.String(), err
}

func TestSetUpCommands(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db := []string{"--db", storetest.DSN(t, d), "--keys", filepath.Join(t.TempDir(), "keys")}
			with := func(args ...string) []string { return append(args, db...) }
			out, err := cli(t, "", with("org", "create", "--name", "Westmarsh Council", "--kind", "council")...)
			if err != nil || !strings.Contains(out, `created organisation "Westmarsh Council"`) {
				t.Fatalf("org create: %q %v", out, err)
			}
			if _, err := cli(t, "", with("org", "create", "--name", "Westmarsh Council", "--kind", "council")...); err == nil {
				t.Fatal("duplicate organisation accepted")
			}
			_, err = cli(t, "", with("org", "create", "--name", "X", "--kind", "school")...)
			if err == nil || !strings.Contains(message(err), "--kind: Kind must be one of council") {
				t.Fatalf("bad kind: %v", message(err))
			}
			out, err = cli(t, "", with("user", "create", "--org", "Westmarsh Council", "--role", "social_worker", "--email", "Sw@Example.org")...)
			if err != nil || !strings.Contains(out, "password: ") {
				t.Fatalf("user create: %q %v", out, err)
			}
			out, err = cli(t, "a long enough password\n", with("user", "create", "--org", "Westmarsh Council", "--role", "admin", "--email", "admin@example.org", "--password-stdin")...)
			if err != nil || strings.Contains(out, "password:") {
				t.Fatalf("user create with stdin: %q %v", out, err)
			}
			if _, err := cli(t, "short\n", with("user", "create", "--org", "Westmarsh Council", "--role", "admin", "--email", "a2@example.org", "--password-stdin")...); err == nil {
				t.Fatal("short password accepted")
			}
			if _, err := cli(t, "", with("user", "create", "--org", "Nowhere", "--role", "admin", "--email", "a3@example.org")...); err == nil {
				t.Fatal("unknown organisation accepted")
			}
			_, err = cli(t, "", with("user", "create", "--org", "Westmarsh Council", "--role", "boss", "--email", "b@example.org")...)
			if err == nil || !strings.Contains(message(err), "--role") {
				t.Fatalf("bad role: %v", err)
			}
			out, err = cli(t, "", with("token", "create", "--org", "Westmarsh Council", "--role", "police")...)
			if err != nil || !strings.HasPrefix(out, "wmt_") {
				t.Fatalf("token create: %q %v", out, err)
			}
			if _, err := cli(t, "", with("token", "create", "--org", "Westmarsh Council", "--role", "carer")...); err == nil ||
				!strings.Contains(message(err), "not a person") {
				t.Fatalf("a carer's token: %v", err)
			}
			if out, err := cli(t, "", with("user", "reset-password", "--email", "sw@example.org")...); err != nil || !strings.HasPrefix(out, "password: ") {
				t.Fatalf("user reset-password: %q %v", out, err)
			}
			out, err = cli(t, "", with("user", "disable", "--email", "sw@example.org")...)
			if err != nil || !strings.Contains(out, "disabled sw@example.org") {
				t.Fatalf("user disable: %q %v", out, err)
			}
			out, err = cli(t, "", with("org", "channel", "add", "--org", "Westmarsh Council", "--webhook", "https://control.example/hook")...)
			if err != nil || !strings.Contains(out, "signing secret") {
				t.Fatalf("channel add: %q %v", out, err)
			}
			id := regexp.MustCompile(`\(channel (\w+)\)`).FindStringSubmatch(out)[1]
			_, err = cli(t, "", with("org", "channel", "add", "--org", "Westmarsh Council", "--webhook", "http://control.example/hook")...)
			if err == nil || !strings.Contains(message(err), "--webhook: Use https") {
				t.Fatalf("plain http webhook: %v", err)
			}
			if _, err = cli(t, "", with("org", "channel", "add", "--org", "Westmarsh Council")...); err == nil {
				t.Fatal("channel without a target accepted")
			}
			out, err = cli(t, "", with("org", "channel", "list")...)
			if err != nil || !strings.Contains(out, id+"\t") || !strings.Contains(out, "delivered 0, waiting 0, failed 0") {
				t.Fatalf("channel list: %q %v", out, err)
			}
			if out, err = cli(t, "", with("org", "channel", "remove", "--id", id)...); err != nil {
				t.Fatalf("channel remove: %q %v", out, err)
			}
			if out, _ = cli(t, "", with("org", "channel", "list")...); out != "" {
				t.Fatalf("removed channel listed: %q", out)
			}
			out, err = cli(t, "", with("audit", "verify")...)
			if err != nil || !strings.Contains(out, "audit log intact") {
				t.Fatalf("audit verify: %q %v", out, err)
			}
			if out, err = cli(t, "", with("identify", "model")...); err != nil || !strings.Contains(out, "0 judgements kept") || !strings.Contains(out, "the model is as shipped") {
				t.Fatalf("identify model: %q %v", out, err)
			}
			anchor := filepath.Join(t.TempDir(), "anchor.json")
			if out, err = cli(t, "", with("audit", "anchor", "--out", anchor)...); err != nil || !strings.Contains(out, "anchored entry") {
				t.Fatalf("audit anchor: %q %v", out, err)
			}
			private(t, anchor)
			out, err = cli(t, "", with("audit", "verify", "--anchor", anchor)...)
			if err != nil || !strings.Contains(out, "anchor of") {
				t.Fatalf("audit verify --anchor: %q %v", out, err)
			}
			forged, _ := os.ReadFile(anchor)
			os.WriteFile(anchor, bytes.Replace(forged, []byte(`"seq": `), []byte(`"seq": 1`), 1), 0o600)
			if _, err = cli(t, "", with("audit", "verify", "--anchor", anchor)...); err == nil || !strings.Contains(message(err), "does not verify") {
				t.Fatalf("a forged anchor: %v", err)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	if _, err := cli(t, "", "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err := cli(t, "", "org", "create", "--name"); err == nil {
		t.Fatal("flag without value accepted")
	}
	if _, err := cli(t, "", "user", "create", "--db", t.TempDir(), "--keys", filepath.Join(t.TempDir(), "k")); err == nil || !strings.Contains(err.Error(), "--org is required") {
		t.Fatalf("missing flag: %v", err)
	}
	if _, err := cli(t, "", "bench", "identify", "--n", "10", "--found-missing", "1.5"); err == nil || !strings.Contains(err.Error(), "--found-missing: 1.5 is not a share") {
		t.Fatalf("bad share: %v", err)
	}
	if _, err := cli(t, "", "bench", "identify", "--n", "10", "--lost", filepath.Join(t.TempDir(), "no", "such")); err == nil || !strings.Contains(err.Error(), "--lost: ") {
		t.Fatalf("unwritable --lost: %v", err)
	}
	if _, err := cli(t, "", "bench", "identify", "--n", "10", "--faces", "0.5", "--http"); err == nil || !strings.Contains(err.Error(), "--faces: the service is not given the faces") {
		t.Fatalf("faces through the service: %v", err)
	}
	if _, err := cli(t, "", "bench", "identify", "--n", "10", "--faces", "-1"); err == nil || !strings.Contains(err.Error(), "--faces: -1 is not a share") {
		t.Fatalf("bad share of faces: %v", err)
	}
}

func TestImportExport(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db := []string{"--db", storetest.DSN(t, d), "--keys", filepath.Join(t.TempDir(), "keys")}
			with := func(args ...string) []string { return append(args, db...) }
			for _, org := range []string{"Westmarsh Council", "Kingsley Vale Council"} {
				if _, err := cli(t, "", with("org", "create", "--name", org, "--kind", "council")...); err != nil {
					t.Fatal(err)
				}
			}
			good := "../../internal/interchange/testdata/good.jsonl"
			out, err := cli(t, "", with("import", "children", good, "--org", "Westmarsh Council")...)
			if err != nil || !strings.Contains(out, "3 new, 0 updated; events added: 1 referrals, 1 placements, 1 missing episodes, 1 screenings") {
				t.Fatalf("import: %q %v", out, err)
			}
			out, err = cli(t, "", with("import", "children", good, "--org", "Westmarsh Council")...)
			if err != nil || !strings.Contains(out, "0 new, 3 updated; events added: 0 referrals, 0 placements, 0 missing episodes, 0 screenings") {
				t.Fatalf("re-import must update, never duplicate: %q %v", out, err)
			}
			_, err = cli(t, "", with("import", "children", "../../internal/interchange/testdata/bad.jsonl", "--org", "Westmarsh Council")...)
			if err == nil || !strings.Contains(err.Error(), "6 of 7 lines are bad; nothing was imported") {
				t.Fatalf("bad file: %v", err)
			}
			// A bad line after whole batches have been written: they are rolled back with it.
			late := filepath.Join(t.TempDir(), "late.jsonl")
			var lines strings.Builder
			for i := range 2*importBatch + 10 {
				fmt.Fprintf(&lines, `{"ref": "L%04d", "given_names": "Late"}`+"\n", i)
			}
			lines.WriteString(`{"ref": "L9999", "given_names": "Late", "nationality": "Atlantis"}` + "\n")
			os.WriteFile(late, []byte(lines.String()), 0o600)
			_, err = cli(t, "", with("import", "children", late, "--org", "Westmarsh Council")...)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("1 of %d lines are bad; nothing was imported", 2*importBatch+11)) {
				t.Fatalf("a late bad line: %v", err)
			}
			s := opened(t, db)
			if o, err := s.OrgByName(context.Background(), "Westmarsh Council"); err != nil {
				t.Fatal(err)
			} else if n, err := s.CountChildren(context.Background(), o.ID); err != nil || n != 3 {
				t.Fatalf("after a late bad line %d children, want the 3 imported before: %v", n, err)
			}
			exported := filepath.Join(t.TempDir(), "out.jsonl")
			out, err = cli(t, "", with("export", "children", "--org", "Westmarsh Council", "--out", exported)...)
			if err != nil || !strings.Contains(out, "exported 3 children") {
				t.Fatalf("export: %q %v", out, err)
			}
			private(t, exported)
			if es := audited(t, db, "children.export"); len(es) != 1 || es[0].Reason != "3 children" || !strings.HasPrefix(es[0].ActorName, "command line (") {
				t.Fatalf("export audited as %+v", es)
			}
			body, _ := os.ReadFile(exported)
			for _, want := range []string{`"family_name":"Nguyễn"`, `"type":"referral"`, `"placement_type":"bnb_hostel"`,
				`"type":"missing","start":"2013-05-01T22:00:00Z","kind":"missing"`, `"exploitation":["sexual","criminal"]`} {
				if !strings.Contains(string(body), want) || strings.Contains(string(body), "B1") {
					t.Fatalf("exported lacks %s:\n%s", want, body)
				}
			}
			out, err = cli(t, "", with("import", "children", exported, "--org", "Kingsley Vale Council")...)
			if err != nil || !strings.Contains(out, "3 new, 0 updated; events added: 1 referrals, 1 placements, 1 missing episodes, 1 screenings") {
				t.Fatalf("round trip: %q %v", out, err)
			}

			network := "../../internal/interchange/testdata/network.jsonl"
			out, err = cli(t, "", with("import", "network", network, "--org", "Westmarsh Council")...)
			if err != nil || !strings.Contains(out, "3 entities (3 new), 5 links added of 5") {
				t.Fatalf("network import: %q %v", out, err)
			}
			if out, err = cli(t, "", with("import", "network", network, "--org", "Westmarsh Council")...); err != nil || !strings.Contains(out, "3 entities (0 new), 0 links added of 5") {
				t.Fatalf("network import again must add nothing: %q %v", out, err)
			}
			if _, err = cli(t, "", with("import", "network", network, "--org", "Nowhere Council")...); err == nil {
				t.Fatal("a network imported for no organisation")
			}
			_, err = cli(t, "", with("import", "network", "../../internal/interchange/testdata/network_bad.jsonl", "--org", "Westmarsh Council")...)
			if err == nil || !strings.Contains(err.Error(), "7 lines are bad; nothing was imported") {
				t.Fatalf("bad network file: %v", err)
			}
			links := filepath.Join(t.TempDir(), "links.jsonl")
			if out, err = cli(t, "", with("export", "network", "--org", "Westmarsh Council", "--out", links)...); err != nil || !strings.Contains(out, "exported 5 links") {
				t.Fatalf("network export: %q %v", out, err)
			}
			private(t, links)
			body, _ = os.ReadFile(links)
			for _, want := range []string{`"type":"entity"`, `"value":"+447700900777"`, `"details":"Cannabis farm"`, `"child_ref":"C0000002"`, `"note":"Calls every night"`} {
				if !strings.Contains(string(body), want) {
					t.Fatalf("network export lacks %s:\n%s", want, body)
				}
			}
			if out, err = cli(t, "", with("import", "network", links, "--org", "Kingsley Vale Council")...); err != nil || !strings.Contains(out, "3 entities (0 new), 5 links added of 5") {
				t.Fatalf("network round trip: the same entities, each child's links: %q %v", out, err)
			}
			// One value under several refs, written several ways, known before or new in the file: one entity.
			same := filepath.Join(t.TempDir(), "same.jsonl")
			os.WriteFile(same, []byte(`{"type": "entity", "ref": "P1", "kind": "phone", "value": "+447700900777"}
{"type": "entity", "ref": "P2", "kind": "phone", "value": "07700 900777"}
{"type": "entity", "ref": "V1", "kind": "vehicle", "value": "AB12 CDE"}
{"type": "entity", "ref": "V2", "kind": "vehicle", "value": "ab12cde"}
{"type": "link", "child_ref": "C0000001", "entity_ref": "P2", "role": "contacted_by", "from": "2026-11-29", "source": "disclosure", "confidence": "possible"}
{"type": "link", "child_ref": "C0000001", "entity_ref": "V1", "role": "transported_in", "from": "2026-11-29", "source": "disclosure", "confidence": "possible"}
{"type": "link", "child_ref": "C0000002", "entity_ref": "V2", "role": "transported_in", "from": "2026-11-29", "source": "disclosure", "confidence": "possible"}
`), 0o600)
			if out, err = cli(t, "", with("import", "network", same, "--org", "Westmarsh Council")...); err != nil || !strings.Contains(out, "4 entities (1 new), 3 links added of 3") {
				t.Fatalf("one value under several refs: %q %v", out, err)
			}
		})
	}
}

func TestExportReturn(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db, with := westmarsh(t, d)
			if _, err := cli(t, "", with("import", "children", "testdata/return.jsonl", "--org", "Westmarsh Council")...); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "return")
			ret := with("export", "return", "--org", "Westmarsh Council", "--year", "2025-26", "--dir", dir)
			_, stderr, err := cliErr(t, "", ret...)
			if err == nil || !strings.Contains(err.Error(), "the 2025-26 return fails 2 validation checks; nothing was written") {
				t.Fatalf("failing return: %v", err)
			}
			for _, want := range []string{"R2\trule 101 (Header): Gender code is not valid.", "R2\trule WM2 (Missing): The missing episode does not lie within a period of care"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Fatalf("a failing return wrote %s", dir)
			}
			if _, err := cli(t, "", with("import", "children", "testdata/return-fixed.jsonl", "--org", "Westmarsh Council")...); err != nil {
				t.Fatal(err)
			}
			out, err := cli(t, "", ret...)
			if err != nil || !strings.Contains(out, "episodes.csv: 3 rows") || !strings.Contains(out, "uasc.csv: 1 rows") {
				t.Fatalf("export return: %q %v", out, err)
			}
			private(t, filepath.Join(dir, "episodes.csv"))
			if es := audited(t, db, "return.export"); len(es) != 2 || es[1].Outcome != audit.Allowed || !strings.HasPrefix(es[1].ActorName, "command line (") {
				t.Fatalf("return export audited as %+v", es)
			}
			body, _ := os.ReadFile(filepath.Join(dir, "episodes.csv"))
			want := "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" +
				"R1,10/04/2025,S,V2,N8,U6,PR1,,,,,WM1 2AB,XXXXXXX\n" +
				"R2,21/04/2025,S,V2,N1,P2,PR1,01/08/2025,X1,,,WM1 2AB,XXXXXXX\n" +
				"R2,01/08/2025,P,V2,N1,K2,PR1,,,,,WM1 2AB,XXXXXXX\n"
			if string(body) != want {
				t.Errorf("episodes.csv:\n%s\nwant\n%s", body, want)
			}
			if _, err := cli(t, "", with("export", "return", "--org", "Westmarsh Council", "--year", "2025")...); err == nil || !strings.Contains(message(err), "--year: Write the collection year as 2025-26") {
				t.Fatalf("bad year: %v", err)
			}
		})
	}
}

// A database restored without its key file is refused, and no new, unrelated key file is left.
func TestMissingKeyFileNotRemade(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			keys := filepath.Join(t.TempDir(), "keys")
			db := []string{"--db", storetest.DSN(t, d), "--keys", keys}
			with := func(args ...string) []string { return append(args, db...) }
			if _, err := cli(t, "", with("org", "create", "--name", "Westmarsh Council", "--kind", "council")...); err != nil {
				t.Fatal(err)
			}
			if _, err := cli(t, "", with("import", "children", "../../internal/interchange/testdata/good.jsonl", "--org", "Westmarsh Council")...); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(keys); err != nil {
				t.Fatal(err)
			}
			_, err := cli(t, "", with("export", "children")...)
			if err == nil || !strings.Contains(message(err), "restore the key file backed up with this database") {
				t.Fatalf("opened without its key file: %v", err)
			}
			if _, err := os.Stat(keys); !os.IsNotExist(err) {
				t.Fatalf("a new key file was left for a database sealed with another: %v", err)
			}
		})
	}
}

// Tokens expire, show when they were last used, and can be listed and revoked.
func TestTokenLifecycle(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db := []string{"--db", storetest.DSN(t, d), "--keys", filepath.Join(t.TempDir(), "keys")}
			with := func(args ...string) []string { return append(args, db...) }
			if _, err := cli(t, "", with("org", "create", "--name", "Northshire Police", "--kind", "police")...); err != nil {
				t.Fatal(err)
			}
			for expires, want := range map[string]string{"0d": "--expires", "2y": "--expires", "400d": "--expires: A token works for an hour at least and a year at most"} {
				if _, err := cli(t, "", with("token", "create", "--org", "Northshire Police", "--role", "police", "--expires", expires)...); err == nil || !strings.Contains(message(err), want) {
					t.Errorf("--expires %s: %v", expires, err)
				}
			}
			token, err := cli(t, "", with("token", "create", "--org", "Northshire Police", "--role", "police", "--name", "control room", "--expires", "30d")...)
			if err != nil {
				t.Fatal(err)
			}
			base := startServe(t, db...)
			ask := func() int {
				req, _ := http.NewRequest("GET", base+"/api/v1/children", nil)
				req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			if code := ask(); code != http.StatusOK {
				t.Fatalf("a live token: %d", code)
			}
			list, err := cli(t, "", with("token", "list")...)
			today := time.Now().UTC().Format(time.DateOnly)
			expiry := time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
			m := regexp.MustCompile(`(?m)^(\S+) +Northshire Police +police +control room +` + today + ` +` + expiry + ` +` + today + ` +live$`).FindStringSubmatch(list)
			if err != nil || m == nil {
				t.Fatalf("token list (expiry %s, used today):\n%s%v", expiry, list, err)
			}
			if _, err := cli(t, "", with("token", "revoke", "--id", m[1])...); err != nil {
				t.Fatal(err)
			}
			if code := ask(); code != http.StatusUnauthorized {
				t.Fatalf("a revoked token: %d", code)
			}
			if list, _ := cli(t, "", with("token", "list", "--org", "Northshire Police")...); !strings.Contains(list, "revoked "+today) {
				t.Fatalf("token list after revoking:\n%s", list)
			}
			if es := audited(t, db, "token.revoke"); len(es) != 1 || !strings.HasPrefix(es[0].ActorName, "command line (") {
				t.Fatalf("revocation audited as %+v", es)
			}
		})
	}
}

// An organisation's second-factor roles and single sign-on are set from the command line, checked
// and audited; a new organisation asks a second factor of every role but analyst.
func TestSecondFactorAndSSOCommands(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db, with := westmarsh(t, d)
			o, err := opened(t, db).OrgByName(context.Background(), "Westmarsh Council")
			if err != nil || !o.NeedsSecondFactor("social_worker") || o.NeedsSecondFactor("analyst") {
				t.Fatalf("a new organisation's second-factor roles: %v %v", o.MFARoles, err)
			}
			if _, err := cli(t, "", with("org", "second-factor", "--org", "Westmarsh Council", "--roles", "police,wizard")...); err == nil ||
				!strings.Contains(err.Error(), `--roles: Role must be one of`) {
				t.Fatalf("an unknown role: %v", err)
			}
			out, err := cli(t, "", with("org", "second-factor", "--org", "Westmarsh Council", "--roles", "admin,manager")...)
			if err != nil || !strings.Contains(out, "required of admin,manager") {
				t.Fatalf("org second-factor: %q %v", out, err)
			}
			if len(audited(t, db, "second_factor.roles")) != 1 {
				t.Fatal("the change of second-factor roles is not audited")
			}
			if out, err := cli(t, "", with("org", "offline", "--org", "Westmarsh Council", "--off")...); err != nil || !strings.Contains(out, "offline capture for Westmarsh Council: off") {
				t.Fatalf("org offline --off: %q %v", out, err)
			}
			if o, err := opened(t, db).OrgByName(context.Background(), "Westmarsh Council"); err != nil || !o.OfflineOff || len(audited(t, db, "offline.setting")) != 1 {
				t.Fatalf("offline capture after org offline --off: %+v %v", o, err)
			}
			if _, err := cli(t, "", with("org", "completeness", "--org", "Westmarsh Council", "--require", "photo,retina")...); err == nil ||
				!strings.Contains(err.Error(), `--require: `) || !strings.Contains(err.Error(), `"retina"`) {
				t.Fatalf("an unknown fact: %v", err)
			}
			if out, err := cli(t, "", with("org", "indicator", "add", "--org", "Westmarsh Council", "--code", "local_car_wash", "--text", "Works at a car wash",
				"--why", "Car washes are where trafficked boys are put to work", "--ask", "Who pays you?")...); err != nil || !strings.Contains(out, "screenings now offer local_car_wash") {
				t.Fatalf("org indicator add: %q %v", out, err)
			}
			out, err = cli(t, "", with("org", "completeness", "--org", "Westmarsh Council", "--require", "photo, name, dna")...)
			if err != nil || !strings.Contains(out, "must hold photo,name,dna") || len(audited(t, db, "organisation.completeness")) != 1 {
				t.Fatalf("org completeness: %q %v", out, err)
			}

			sso := with("org", "sso", "--org", "Westmarsh Council", "--domain", "westmarsh.example.org", "--issuer", "http://idp.example.org", "--client-id", "waymark")
			if _, err := cli(t, "", sso...); err == nil || !strings.Contains(err.Error(), "--issuer") {
				t.Fatalf("a provider over plain HTTP: %v", err)
			}
			t.Setenv("WAYMARK_SSO_CLIENT_SECRET", "a synthetic client secret")
			sso[7] = "https://idp.example.org/tenant/v2.0"
			if out, err := cli(t, "", sso...); err != nil || !strings.Contains(out, "/signin/sso/callback") {
				t.Fatalf("org sso: %q %v", out, err)
			}
			c, err := opened(t, db).SSOByDomain(context.Background(), "westmarsh.example.org")
			if err != nil || c.ClientSecret != "a synthetic client secret" {
				t.Fatalf("the single sign-on kept: %+v %v", c, err)
			}
			if out, err := cli(t, "", with("org", "sso", "--org", "Westmarsh Council", "--off")...); err != nil || !strings.Contains(out, "off") {
				t.Fatalf("org sso --off: %q %v", out, err)
			}
			if len(audited(t, db, "sso.set")) != 1 || len(audited(t, db, "sso.remove")) != 1 {
				t.Fatal("single sign-on changes are not audited")
			}
		})
	}
}

// waymark backup writes the database and, apart, the key file, each readable by its owner alone;
// waymark restore puts them into an empty installation and verifies the audit log, and refuses
// without the key file rather than make a new one.
func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := []string{"--db", filepath.Join(dir, "data"), "--keys", filepath.Join(dir, "keys")}
	if _, err := cli(t, "", append([]string{"org", "create", "--name", "Westmarsh Council", "--kind", "council"}, db...)...); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, "", append([]string{"backup", "--to", filepath.Join(dir, "backup"), "--keys-to", filepath.Join(dir, "keys.bak")}, db...)...)
	if err != nil || !strings.Contains(out, "key file copied to") {
		t.Fatalf("backup: %q %v", out, err)
	}
	private(t, filepath.Join(dir, "backup", "waymark.db"))
	private(t, filepath.Join(dir, "keys.bak"))
	if _, err := cli(t, "", "restore", "--from", filepath.Join(dir, "backup"), "--db", filepath.Join(dir, "data"), "--keys", filepath.Join(dir, "keys")); err == nil ||
		!strings.Contains(err.Error(), "holds a database already") {
		t.Fatalf("a restore over a database: %v", err)
	}
	out, err = cli(t, "", "restore", "--from", filepath.Join(dir, "backup"), "--db", filepath.Join(dir, "restored"), "--keys", filepath.Join(dir, "keys.bak"))
	if err != nil || !strings.Contains(out, "audit log intact, 1 entries") {
		t.Fatalf("restore: %q %v", out, err)
	}
	_, err = cli(t, "", "restore", "--from", filepath.Join(dir, "backup"), "--db", filepath.Join(dir, "keyless"), "--keys", filepath.Join(dir, "lost-keys"))
	if err == nil || !strings.Contains(err.Error(), "makes no new key") {
		t.Fatalf("a restore without the key file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "lost-keys")); err == nil {
		t.Fatal("a key file was made for a restored database")
	}
}

// A subject access export holds everything on one child — the record, its contacts, links and
// bureau searches, the photo, who read it — and, redacted, withholds what is about others; it is
// written readable by its owner alone and audited.
func TestExportSubject(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			db, with := westmarsh(t, d)
			if _, err := cli(t, "", with("import", "children", "../../internal/interchange/testdata/good.jsonl", "--org", "Westmarsh Council")...); err != nil {
				t.Fatal(err)
			}
			if _, err := cli(t, "", with("import", "network", "../../internal/interchange/testdata/network.jsonl", "--org", "Westmarsh Council")...); err != nil {
				t.Fatal(err)
			}
			for _, redact := range []bool{false, true} {
				out := filepath.Join(t.TempDir(), "subject.jsonl")
				args := with("export", "subject", "--org", "Westmarsh Council", "--child", "C0000001", "--out", out)
				if redact {
					args = append(args, "--redact")
				}
				msg, err := cli(t, "", args...)
				if err != nil || !strings.Contains(msg, "on child C0000001") {
					t.Fatalf("export subject: %q %v", msg, err)
				}
				private(t, out)
				body, _ := os.ReadFile(out)
				for _, want := range []string{`"type":"record"`, `"ref":"C0000001"`, `"type":"link"`, `"type":"audit"`, `"action":"child.create"`} {
					if !strings.Contains(string(body), want) {
						t.Errorf("redact %v: the export lacks %s:\n%s", redact, want, body)
					}
				}
				if adult := strings.Contains(string(body), `Mr T`); adult == redact {
					t.Errorf("redact %v: the adult linked is shown %v:\n%s", redact, adult, body)
				}
			}
			pdf := filepath.Join(t.TempDir(), "subject.pdf")
			if _, err := cli(t, "", with("export", "subject", "--org", "Westmarsh Council", "--child", "C0000001", "--out", pdf, "--redact")...); err != nil {
				t.Fatal(err)
			}
			private(t, pdf)
			if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Fatalf("not a PDF: %.40q", b)
			}
			if es := audited(t, db, "child.subject_access"); len(es) != 3 || es[1].Reason != "redacted" || es[2].Reason != "not redacted" { // newest first
				t.Fatalf("subject access audited as %+v", es)
			}
			if _, err := cli(t, "", with("export", "subject", "--org", "Westmarsh Council", "--child", "NOPE", "--out", filepath.Join(t.TempDir(), "x"))...); err == nil {
				t.Fatal("a child of no such reference exported")
			}
		})
	}
}
