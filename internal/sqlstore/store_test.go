package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/audit"
	"github.com/waymark-org/waymark/internal/crypto"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
)

var ctx = context.Background()

func mustOrg(t *testing.T, s *sqlstore.Store, name, kind string) *waymark.Organisation {
	t.Helper()
	o := &waymark.Organisation{Name: name, Kind: kind}
	if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

func mustChild(t *testing.T, s *sqlstore.Store, c *waymark.Child) *waymark.Child {
	t.Helper()
	if err := c.Normalize(time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateChild(c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

func sampleChild(orgID string) *waymark.Child {
	return &waymark.Child{
		OrgID: orgID, Ref: "C0000001", GivenNames: "Văn Nam", FamilyName: "Nguyễn", Sex: "M",
		Aliases: []waymark.Name{{GivenNames: "Nam", FamilyName: "Nguyen"}}, DateOfBirth: "2009-04-11",
		Nationality: "VN", Phones: []string{"+84 90 123 4567"}, Languages: []string{"Vietnamese"},
		Documents:  []waymark.Document{{Type: "passport", Number: "c1234567", Country: "VN"}},
		Biometrics: []waymark.Biometric{{Kind: "fingerprint", Reference: "FP-TEST-1"}},
		Marks:      "scar on left hand",
	}
}

func TestOrganisations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Northshire County Council", "council")
		got, err := s.OrgByName(ctx, "Northshire County Council")
		if err != nil || got.ID != o.ID || got.Kind != "council" {
			t.Fatalf("OrgByName = %+v, %v", got, err)
		}
		err = s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateOrg(&waymark.Organisation{Name: o.Name, Kind: "council"}) })
		if waymark.ErrorCode(err) != waymark.ECONFLICT {
			t.Fatalf("duplicate org: %v, want conflict", err)
		}
		if _, err := s.OrgByName(ctx, "nobody"); waymark.ErrorCode(err) != waymark.ENOTFOUND {
			t.Fatalf("missing org: %v", err)
		}
	})
}

// Parallel failed sign-ins each count, and a lock holds for its address and, from the account's
// own count, for every address.
func TestSignInFailuresCountAtomically(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		const n = 10
		fresh := s.Now().Add(-time.Hour)
		var wg sync.WaitGroup
		counts := make(chan int, n)
		for range n {
			wg.Go(func() {
				err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
					c, err := tx.CountSignInFailure("acct", "10.0.0.1", fresh)
					counts <- c
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(counts)
		seen := map[int]bool{}
		for c := range counts {
			seen[c] = true
		}
		if len(seen) != n || !seen[n] {
			t.Fatalf("ten parallel failures counted as %v, want 1 to 10 once each", seen)
		}
		until := s.Now().Add(time.Hour).Truncate(time.Second)
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.LockSignIn("acct", "10.0.0.1", until) }); err != nil {
			t.Fatal(err)
		}
		for addr, want := range map[string]time.Time{"10.0.0.1": until, "10.0.0.2": {}} {
			if got, err := s.SignInLock(ctx, "acct", addr); err != nil || !got.Equal(want) {
				t.Errorf("lock from %s = %v, %v; want %v", addr, got, err, want)
			}
		}
		err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
			if _, err := tx.CountSignInFailure("acct", "", fresh); err != nil {
				return err
			}
			return tx.LockSignIn("acct", "", until.Add(time.Minute))
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SignInLock(ctx, "acct", "10.0.0.2"); !got.Equal(until.Add(time.Minute)) {
			t.Errorf("the account's own lock does not hold for another address: %v", got)
		}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.ClearSignInFailures("acct", "10.0.0.1", fresh) }); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SignInLock(ctx, "acct", "10.0.0.1"); !got.IsZero() {
			t.Errorf("lock after clearing: %v", got)
		}
		err = s.InTx(ctx, func(tx *sqlstore.Tx) error {
			c, err := tx.CountSignInFailure("acct", "10.0.0.1", s.Now().Add(time.Minute))
			if c != 1 {
				t.Errorf("a failure after the count went stale counted %d, want 1", c)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestUsersSessionsTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Org", "police")
		u := &waymark.User{OrgID: o.ID, Email: "Officer@Example.org", Name: "Officer", Role: waymark.RolePolice, PasswordHash: "h"}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUser(u) }); err != nil {
			t.Fatal(err)
		}
		dup := &waymark.User{OrgID: o.ID, Email: "officer@example.org", Role: waymark.RolePolice}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUser(dup) }); waymark.ErrorCode(err) != waymark.ECONFLICT {
			t.Fatalf("duplicate email: %v", err)
		}
		got, err := s.UserByEmail(ctx, "officer@example.org")
		if err != nil || got.ID != u.ID || got.Role != waymark.RolePolice {
			t.Fatalf("user = %+v, %v", got, err)
		}

		now := s.Now()
		live := &sqlstore.Session{Digest: "d1", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeen: now, Addr: "127.0.0.1"}
		expired := &sqlstore.Session{Digest: "d2", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(-time.Second), LastSeen: now, Addr: "127.0.0.1"}
		for _, se := range []*sqlstore.Session{live, expired} {
			if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateSession(se) }); err != nil {
				t.Fatal(err)
			}
		}
		if _, su, err := s.SessionUser(ctx, "d1"); err != nil || su.ID != u.ID {
			t.Fatalf("live session: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, "d2"); waymark.ErrorCode(err) != waymark.ENOTFOUND {
			t.Fatalf("expired session found: %v", err)
		}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.SetPassword(u.ID, "h2", false) }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "d1"); waymark.ErrorCode(err) != waymark.ENOTFOUND {
			t.Fatalf("session survived password change: %v", err)
		}

		tok := &sqlstore.APIToken{Digest: "tokdigest", OrgID: o.ID, Role: waymark.RolePolice}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateToken(tok) }); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TokenByDigest(ctx, "tokdigest"); err != nil || got.OrgID != o.ID {
			t.Fatalf("token: %+v %v", got, err)
		}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.RevokeToken(tok.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByDigest(ctx, "tokdigest"); waymark.ErrorCode(err) != waymark.ENOTFOUND {
			t.Fatalf("revoked token works: %v", err)
		}
		old := &sqlstore.APIToken{Digest: "old", OrgID: o.ID, Role: waymark.RolePolice, ExpiresAt: s.Now().Add(-time.Second)}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateToken(old) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByDigest(ctx, "old"); waymark.ErrorCode(err) != waymark.ENOTFOUND {
			t.Fatalf("old token works: %v", err)
		}
		if ts, err := s.Tokens(ctx, o.ID); err != nil || len(ts) != 2 || ts[0].Live(s.Now()) || ts[1].Live(s.Now()) || ts[1].RevokedAt.IsZero() {
			t.Fatalf("tokens listed: %v %v", ts, err)
		}
	})
}

func TestChildRoundTripAndSealing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Council", "council")
		c := mustChild(t, s, sampleChild(o.ID))
		got, err := s.Child(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FamilyName != "Nguyễn" || got.Phones[0] != "+84901234567" || got.Documents[0].Number != "C1234567" ||
			got.Biometrics[0].Reference != "FP-TEST-1" || got.Aliases[0].FamilyName != "Nguyen" || got.Marks != "scar on left hand" {
			t.Fatalf("round trip lost facts: %+v", got)
		}
		var sealed []byte
		if err := s.DB().QueryRow(`SELECT sealed FROM children WHERE id = $1`, c.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("C1234567")) || bytes.Contains(sealed, []byte("FP-TEST-1")) {
			t.Fatal("document number or biometric reference stored in clear")
		}
		// A sealed column copied to another record must not open there.
		other := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Other"})
		if _, err := s.DB().Exec(`UPDATE children SET sealed = $1 WHERE id = $2`, sealed, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Child(ctx, other.ID); err == nil {
			t.Fatal("sealed facts moved between records were accepted")
		}

		got.GivenNames, got.Phones = "Nam", []string{"+447700900123"}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateChild(got) }); err != nil {
			t.Fatal(err)
		}
		again, _ := s.Child(ctx, c.ID)
		if again.GivenNames != "Nam" || again.Phones[0] != "+447700900123" || again.Documents[0].Number != "C1234567" {
			t.Fatalf("update: %+v", again)
		}
		dup := &waymark.Child{OrgID: o.ID, Ref: "C0000001", GivenNames: "Dup"}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateChild(dup) }); waymark.ErrorCode(err) != waymark.ECONFLICT {
			t.Fatalf("duplicate ref: %v", err)
		}
	})
}

func TestCaseloadSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Council", "council")
		other := mustOrg(t, s, "Other", "council")
		nam := mustChild(t, s, sampleChild(o.ID))
		mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Ștefan", FamilyName: "Popescu", Ref: "R-77"})
		mustChild(t, s, &waymark.Child{OrgID: other.ID, GivenNames: "Nam", FamilyName: "Nguyen"})
		tests := []struct {
			query, lacking string
			want           int
		}{
			{"", "", 2},
			{"nguyen", "", 1},
			{"NGUYỄN nam", "", 1},
			{"stefan", "", 1},
			{"r-77", "", 1},
			{"50%_", "", 0},
			{"", "photo", 2},
			{"", "fingerprints_or_document", 1}, // Ștefan: Nam has a document
			{"", "date_of_birth", 1},
			{"", "dna", 0}, // not required by default
		}
		for _, tt := range tests {
			list, total, err := s.Children(ctx, sqlstore.ChildFilter{OrgID: o.ID, Query: tt.query, Lacking: tt.lacking})
			if err != nil || total != tt.want || len(list) != tt.want {
				t.Errorf("query %q lacking %q: %d/%d rows, %v; want %d", tt.query, tt.lacking, len(list), total, err, tt.want)
			}
		}
		u := &waymark.User{OrgID: o.ID, Email: "g@example.org", Role: waymark.RoleICTG, PasswordHash: "h"}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.CreateUser(u); err != nil {
				return err
			}
			return join(tx, nam.ID, u.ID, waymark.TeamICTG)
		}); err != nil {
			t.Fatal(err)
		}
		list, _, _ := s.Children(ctx, sqlstore.ChildFilter{OrgID: o.ID, InTeamOf: u.ID})
		if len(list) != 1 || list[0].ID != nam.ID {
			t.Fatalf("the team's caseload = %+v", list)
		}
		sc, err := s.ChildScope(ctx, nam.ID)
		if err != nil || sc.OrgID != o.ID || !sc.InTeam(u.ID) {
			t.Fatalf("scope = %+v, %v", sc, err)
		}
	})
}

func TestChildScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o, other := mustOrg(t, s, "Council", "council"), mustOrg(t, s, "Other", "council")
		a := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Amina"})
		b := mustChild(t, s, &waymark.Child{OrgID: other.ID, GivenNames: "Binh"})
		c := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Chen"})
		users := make([]string, 4)
		now := time.Now()
		episode := func(child *waymark.Child, found time.Time) *waymark.MissingEpisode {
			return &waymark.MissingEpisode{ChildID: child.ID, OrgID: child.OrgID, Kind: "missing", Risk: "high",
				LastSeenAt: now.Add(-time.Hour), FoundAt: found}
		}
		err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
			for i := range users {
				u := &waymark.User{OrgID: o.ID, Email: fmt.Sprintf("u%d@example.org", i), Role: waymark.RoleSocialWorker, PasswordHash: "h"}
				if err := tx.CreateUser(u); err != nil {
					return err
				}
				users[i] = u.ID
			}
			ended := &waymark.Member{ChildID: a.ID, UserID: users[3], Role: waymark.TeamIRO, From: "2026-01-01", AddedBy: "test"}
			for _, err := range []error{join(tx, a.ID, users[0], waymark.TeamSocialWorker), join(tx, a.ID, users[1], waymark.TeamIRO),
				tx.AddTeamMember(ended), tx.EndTeamMember(a.ID, ended.ID, "test"),
				tx.Grant(users[2], a.ID, "police enquiry 12", now.Add(time.Hour)), tx.Grant(users[3], a.ID, "expired grant", now.Add(-time.Hour)),
				tx.CreateEpisode(episode(b, time.Time{})), tx.CreateEpisode(episode(c, now))} {
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ChildScopes(ctx, []string{a.ID, b.ID, c.ID, "no-such-child"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]waymark.Scope{
			a.ID: {OrgID: o.ID, Team: []waymark.Member{{UserID: users[0], Role: waymark.TeamSocialWorker}, {UserID: users[1], Role: waymark.TeamIRO}},
				GrantedTo: users[2:3]},
			b.ID: {OrgID: other.ID, Missing: true},
			c.ID: {OrgID: o.ID},
		}
		if len(got) != len(want) {
			t.Fatalf("scopes of %d children, want %d: %+v", len(got), len(want), got)
		}
		for id, w := range want {
			g := got[id]
			byUser := func(a, b waymark.Member) int { return strings.Compare(a.UserID, b.UserID) }
			slices.SortFunc(g.Team, byUser)
			slices.SortFunc(w.Team, byUser)
			if g.OrgID != w.OrgID || g.Missing != w.Missing || !slices.Equal(g.Team, w.Team) || !slices.Equal(g.GrantedTo, w.GrantedTo) {
				t.Errorf("scope of %s = %+v, want %+v", id, g, w)
			}
			if one, err := s.ChildScope(ctx, id); err != nil || one.OrgID != w.OrgID || one.Missing != w.Missing {
				t.Errorf("ChildScope(%s) = %+v, %v", id, one, err)
			}
		}
		if _, err := s.ChildScope(ctx, "no-such-child"); waymark.ErrorCode(err) != waymark.ENOTFOUND {
			t.Errorf("unknown child: %v, want not found", err)
		}
	})
}

// Many children read at once are the children read one by one, photos and sealed facts included.
func TestChildrenByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Council", "council")
		a := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Amina", Phones: []string{"+447700900123"}, Documents: []waymark.Document{{Type: "passport", Number: "P1234567"}}})
		b := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Binh"})
		c := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Chen"})
		for i, child := range []*waymark.Child{a, a, c} {
			p := &waymark.Photo{ContentType: "image/png", Width: i + 1, Height: 1}
			if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.AddPhoto(child.ID, p, []byte("IMAGE"), []byte("THUMB")) }); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ChildrenByID(ctx, []string{a.ID, b.ID, c.ID, "no-such-child"})
		if err != nil || len(got) != 3 {
			t.Fatalf("read %d children, want 3: %v", len(got), err)
		}
		for _, id := range []string{a.ID, b.ID, c.ID} {
			one, err := s.Child(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[id], one) {
				t.Errorf("ChildrenByID gave %+v,\nChild gave %+v", got[id], one)
			}
		}
		if len(got[a.ID].Photos) != 2 || got[a.ID].Documents[0].Number != "P1234567" {
			t.Errorf("photos %d, documents %+v", len(got[a.ID].Photos), got[a.ID].Documents)
		}
		if none, err := s.ChildrenByID(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v, %v", none, err)
		}
	})
}

func TestEncountersAndPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		o := mustOrg(t, s, "Border", "border")
		c := mustChild(t, s, &waymark.Child{OrgID: o.ID, GivenNames: "Selam", FamilyName: "Tesfay"})
		t0 := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
		for i, kind := range []string{"found", "first_contact"} {
			e := &waymark.Encounter{ChildID: c.ID, OrgID: o.ID, Kind: kind, At: t0.Add(time.Duration(1-i) * 48 * time.Hour), Place: "Port"}
			if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.CreateEncounter(e) }); err != nil {
				t.Fatal(err)
			}
		}
		es, err := s.Encounters(ctx, c.ID)
		if err != nil || len(es) != 2 || es[0].Kind != "first_contact" || !es[0].At.Equal(t0) {
			t.Fatalf("encounters = %+v, %v", es, err)
		}
		p := &waymark.Photo{ContentType: "image/png", Width: 1, Height: 1}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.AddPhoto(c.ID, p, []byte("IMAGEBYTES"), []byte("THUMB")) }); err != nil {
			t.Fatal(err)
		}
		child, ct, data, err := s.PhotoData(ctx, p.ID, false)
		if err != nil || child != c.ID || ct != "image/png" || string(data) != "IMAGEBYTES" {
			t.Fatalf("photo = %s %s %q %v", child, ct, data, err)
		}
		var raw []byte
		s.DB().QueryRow(`SELECT image FROM photos WHERE id = $1`, p.ID).Scan(&raw)
		if bytes.Contains(raw, []byte("IMAGEBYTES")) {
			t.Fatal("photo stored in clear")
		}
		list, _, _ := s.Children(ctx, sqlstore.ChildFilter{OrgID: o.ID, Lacking: "photo"})
		if len(list) != 0 {
			t.Fatal("child with a photo still listed as lacking one")
		}
	})
}

// Two processes append to one log at once, reads in entries of their own and writes in
// transactions; the chain stays one line, with nothing lost.
func TestAuditChain(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { testAuditChain(t, storetest.Processes(t, d, 2)) })
	}
}

func testAuditChain(t *testing.T, stores []*sqlstore.Store) {
	var wg sync.WaitGroup
	var want int64
	for i := range 30 {
		s := stores[i%2]
		es := make([]*audit.Entry, 1+i%3)
		for j := range es {
			es[j] = &audit.Entry{UserID: "u", OrgID: "o", Action: "child.view", RecordID: fmt.Sprint(i*10 + j), Addr: "127.0.0.1"}
		}
		want += int64(len(es))
		wg.Go(func() {
			var err error
			if i%4 != 0 { // as a read is audited
				err = s.Audit(ctx, es...)
			} else { // as a write is, in its transaction
				err = s.InTx(ctx, func(tx *sqlstore.Tx) error {
					for _, e := range es {
						if err := tx.Audit(e); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	s := stores[0]
	v, err := s.VerifyAudit(ctx, nil)
	if err != nil || v.Checked != want || len(v.Problems) != 0 {
		t.Fatalf("verify: %d of %d checked, %v, %v", v.Checked, want, v.Problems, err)
	}
	entries, err := s.AuditEntries(ctx, sqlstore.AuditFilter{OrgID: "o", RecordID: "82"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("filter: %d, %v", len(entries), err)
	}
	if _, err := s.DB().Exec(`UPDATE audit SET reason = 'x' WHERE seq = 3`); err == nil {
		t.Fatal("audit entry updated despite append-only rule")
	}
	if _, err := s.DB().Exec(`DELETE FROM audit WHERE seq = 3`); err == nil {
		t.Fatal("audit entry deleted despite append-only rule")
	}
}

// A read may audit thousands of entries at once (a report naming many children): more than one
// PostgreSQL statement can carry parameters for.
func TestAuditManyEntriesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		var want int64
		for _, n := range []int{4000, 5000} {
			es := make([]*audit.Entry, n)
			for i := range es {
				es[i] = &audit.Entry{UserID: "u", OrgID: "o", Action: "child.view", RecordID: fmt.Sprint(i)}
			}
			if err := s.Audit(ctx, es...); err != nil {
				t.Fatalf("%d entries: %v", n, err)
			}
			want += int64(n)
		}
		if v, err := s.VerifyAudit(ctx, nil); err != nil || v.Checked != want || len(v.Problems) != 0 {
			t.Fatalf("verify: %d of %d checked, %v, %v", v.Checked, want, v.Problems, err)
		}
	})
}

// An attacker with database access can lift the append-only rule; verification must still notice,
// even when the attacker deletes an entry and writes the chain again after it (without the key).
func TestAuditVerifyDetectsTampering(t *testing.T) {
	rechain := `DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = 2, prev_hash = (SELECT hash FROM audit WHERE seq = 1) WHERE seq = 3;
		UPDATE audit_head SET seq = 2`
	tamper := map[string]string{
		"changed":               `UPDATE audit SET record_id = 'other' WHERE seq = 2`,
		"deleted":               `DELETE FROM audit WHERE seq = 2`,
		"truncated":             `DELETE FROM audit WHERE seq = 3`,
		"deleted and rechained": rechain,
	}
	for name, stmt := range tamper {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				for i := range 3 {
					if err := s.Audit(ctx, &audit.Entry{Action: "child.view", RecordID: fmt.Sprint(i)}); err != nil {
						t.Fatal(err)
					}
				}
				lift, restore := `DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`, ""
				if s.Dialect() == sqlstore.Postgres {
					lift, restore = `ALTER TABLE audit DISABLE TRIGGER audit_append_only`, `ALTER TABLE audit ENABLE TRIGGER audit_append_only`
				}
				for _, q := range []string{lift, stmt, restore} {
					for _, one := range strings.Split(q, ";") {
						if strings.TrimSpace(one) == "" {
							continue
						}
						if _, err := s.DB().Exec(one); err != nil {
							t.Fatalf("%s: %v", one, err)
						}
					}
				}
				if name == "deleted and rechained" { // the hashes written again as an attacker can: without the key
					rehash(t, s, nil)
				}
				v, err := s.VerifyAudit(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(v.Problems) == 0 {
					t.Fatalf("%s entry not detected", name)
				}
			})
		})
	}
}

// restartable makes a new, empty database of the dialect and returns it with a function that
// opens it afresh each time, as a restarted process would; each store opened is closed at the end.
func restartable(t *testing.T, d sqlstore.Dialect) (dsn string, open func() *sqlstore.Store) {
	dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
	return dsn, func() *sqlstore.Store {
		t.Helper()
		s, err := sqlstore.Open(ctx, dsn, keys)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// liftAppendOnly runs stmts with the audit log's append-only rule lifted, as an attacker can.
func liftAppendOnly(t *testing.T, s *sqlstore.Store, stmts ...string) {
	t.Helper()
	lift := []string{`DROP TRIGGER IF EXISTS audit_no_update`, `DROP TRIGGER IF EXISTS audit_no_delete`}
	restore := []string{`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END`,
		`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END`}
	if s.Dialect() == sqlstore.Postgres {
		lift, restore = []string{`ALTER TABLE audit DISABLE TRIGGER audit_append_only`}, []string{`ALTER TABLE audit ENABLE TRIGGER audit_append_only`}
	}
	for _, q := range append(append(lift, stmts...), restore...) {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// rehash writes every entry's hash and the head again, chained under key (nil: plain SHA-256).
func rehash(t *testing.T, s *sqlstore.Store, key []byte) {
	t.Helper()
	es, err := s.AuditEntries(ctx, sqlstore.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	prev, stmts := audit.Genesis, []string{}
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		e.PrevHash = prev
		e.Hash = e.Sum(key)
		prev = e.Hash
		stmts = append(stmts, fmt.Sprintf(`UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE seq = %d`, e.PrevHash, e.Hash, e.Seq))
	}
	liftAppendOnly(t, s, append(stmts, fmt.Sprintf(`UPDATE audit_head SET hash = '%s'`, prev))...)
}

// An anchor kept outside the database shows the log was cut back before it, which the chain alone
// cannot; an anchor signed with other keys is refused.
func TestAuditAnchor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		for i := range 5 {
			if err := s.Audit(ctx, &audit.Entry{Action: "child.view", RecordID: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		a, err := s.AnchorAudit(ctx)
		if err != nil || a.Seq != 5 {
			t.Fatalf("anchor: %+v %v", a, err)
		}
		data, _ := json.Marshal(a)
		anchor, err := s.ParseAnchor(data)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s.VerifyAudit(ctx, anchor); err != nil || len(v.Problems) != 0 {
			t.Fatalf("intact log with its anchor: %v %v", v.Problems, err)
		}
		es, _ := s.AuditEntries(ctx, sqlstore.AuditFilter{Limit: 10})
		liftAppendOnly(t, s, `DELETE FROM audit WHERE seq > 3`, fmt.Sprintf(`UPDATE audit_head SET seq = 3, hash = '%s'`, es[2].Hash))
		if v, _ := s.VerifyAudit(ctx, nil); len(v.Problems) != 0 {
			t.Fatalf("the cut log should verify without the anchor (that is what the anchor is for): %v", v.Problems)
		}
		if v, _ := s.VerifyAudit(ctx, anchor); len(v.Problems) == 0 {
			t.Fatal("the anchor did not show the log was cut")
		}
		other, err := audit.ParseAnchor(data, storetest.Keys(t).AnchorKey().Public().(ed25519.PublicKey))
		if !errors.Is(err, audit.ErrAnchor) {
			t.Fatalf("an anchor checked with other keys: %+v %v", other, err)
		}
	})
}

// A log written before the chain was keyed is rechained under the key when the store opens, if
// its plain chain is intact.
func TestAuditRekeyedOnce(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			_, open := restartable(t, d)
			s := open()
			for i := range 4 {
				if err := s.Audit(ctx, &audit.Entry{Action: "child.view", RecordID: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			rehash(t, s, nil)
			liftAppendOnly(t, s, `UPDATE audit_head SET keyed = FALSE`)
			if v, _ := s.VerifyAudit(ctx, nil); len(v.Problems) == 0 {
				t.Fatal("an unkeyed log verified as keyed")
			}
			s.Close()
			s = open()
			if v, err := s.VerifyAudit(ctx, nil); err != nil || v.Checked != 4 || len(v.Problems) != 0 {
				t.Fatalf("after rekeying: %d checked, %v %v", v.Checked, v.Problems, err)
			}
			if err := s.Audit(ctx, &audit.Entry{Action: "child.view"}); err != nil {
				t.Fatal(err) // the append-only rule is back, and appending works
			}
			if _, err := s.DB().Exec(`DELETE FROM audit WHERE seq = 1`); err == nil {
				t.Fatal("the append-only rule was not put back after rekeying")
			}
		})
	}
}

// Commits only append to SQLite's write-ahead log; the store copies it into the database in the
// background, so no request waits for that copy. Without the checkpointer the file never grows.
func TestSQLiteLogCheckpointedInTheBackground(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlstore.Open(ctx, dir, storetest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	size := func() int64 {
		fi, err := os.Stat(filepath.Join(dir, "waymark.db"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	for i := range 500 {
		if err := s.Audit(ctx, &audit.Entry{ActorName: "test", Action: "registry.search", RecordType: "registry", Reason: strings.Repeat("x", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); size() == before; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes 10 s after 500 commits: the log is not being checkpointed", before)
		}
	}
}

// PostgreSQL keeps no plan between executions: one made while a table was empty (an import's first
// rows) had a lookup by reference read the organisation's whole list once the table was large.
func TestPostgresPlansEachStatementWithItsValues(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), sqlstore.Postgres) {
		t.Skip("no PostgreSQL: set " + storetest.EnvPostgres)
	}
	s := storetest.Open(t, sqlstore.Postgres)
	org := mustOrg(t, s, "Northshire County Council", "council")
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range 10 {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM children WHERE org_id = $1 AND ref = $2`, org.ID, fmt.Sprint("R", i)).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	var kept int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_prepared_statements`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != 0 {
		t.Errorf("%d statements prepared and kept on the connection, want none", kept)
	}
}

func TestRaiseAlertsOnceAndQueueEachChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		council, force := mustOrg(t, s, "Council", "council"), mustOrg(t, s, "Force", "police")
		c := mustChild(t, s, &waymark.Child{OrgID: council.ID, GivenNames: "Amina"})
		alert := func(kind, subject string) *waymark.Alert {
			return &waymark.Alert{Kind: kind, Subject: subject, ChildID: c.ID, OrgID: council.ID, PoliceOrgID: force.ID, DueAt: time.Now()}
		}
		raise := func(as ...*waymark.Alert) (kinds []string) {
			err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
				raised, err := tx.RaiseAlerts(as)
				for _, a := range raised {
					kinds = append(kinds, a.Kind)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return kinds
		}
		err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
			for _, o := range []*waymark.Organisation{council, council, force} {
				if err := tx.AddChannel(&waymark.Channel{OrgID: o.ID, Kind: waymark.ChannelEmail, Target: "duty@example.org"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := raise(alert(waymark.AlertTurning18, c.ID)); !slices.Equal(got, []string{waymark.AlertTurning18}) {
			t.Fatalf("first raise: %v", got)
		}
		got := raise(alert(waymark.AlertMissing, "episode-1"), alert(waymark.AlertTurning18, c.ID), alert(waymark.AlertInterviewDue, "episode-1"))
		if want := []string{waymark.AlertMissing, waymark.AlertInterviewDue}; !slices.Equal(got, want) {
			t.Fatalf("second raise: %v, want %v (the birthday was raised already)", got, want)
		}
		due, err := s.DueDeliveries(ctx, time.Now().Add(time.Minute), 5, 100)
		if err != nil {
			t.Fatal(err)
		}
		// Two council channels for each of three alerts, and the force's for the missing one.
		if len(due) != 7 {
			t.Fatalf("%d deliveries queued, want 7: %+v", len(due), due)
		}
	})
}

// On PostgreSQL a commit that created or changed a child wakes the other instances' listeners at
// once, whatever their polling interval; other writes wake nobody.
func TestChildChangesNotifiedToListeners(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != sqlstore.Postgres {
			continue
		}
		stores := storetest.Processes(t, d, 2)
		watcher, writer := stores[0], stores[1]
		woken := make(chan struct{}, 16)
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go watcher.WatchChildChanges(wctx, time.Hour, func(context.Context) { woken <- struct{}{} }, func(err error) { t.Error(err) })
		wake := func(within time.Duration) bool {
			select {
			case <-woken:
				return true
			case <-time.After(within):
				return false
			}
		}
		if !wake(5 * time.Second) {
			t.Fatal("the listener did not catch up when it began")
		}
		for _, read := range []*audit.Entry{{Action: string(waymark.SearchRegistry), RecordType: "registry"},
			{Action: string(waymark.ViewPack), RecordType: "missing_episode", RecordID: "e1"}} {
			if err := writer.InTx(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(read) }); err != nil {
				t.Fatal(err)
			}
			if wake(300 * time.Millisecond) {
				t.Fatalf("%s woke the listener", read.Action)
			}
		}
		o := mustOrg(t, writer, "Council", "council")
		c := &waymark.Child{OrgID: o.ID, GivenNames: "Amina"}
		if err := writer.InTx(ctx, func(tx *sqlstore.Tx) error {
			return errors.Join(tx.CreateChild(c), tx.Audit(&audit.Entry{Action: string(waymark.CreateChild), RecordType: "child", RecordID: c.ID}))
		}); err != nil {
			t.Fatal(err)
		}
		if !wake(2 * time.Second) {
			t.Fatal("a child recorded elsewhere did not wake the listener")
		}
		if ids, _, err := watcher.ChildChanges(ctx, 0, 10); err != nil || !slices.Contains(ids, c.ID) {
			t.Fatalf("change feed: %v, %v", ids, err)
		}
	}
}

// The change feed holds children created or edited and missing episodes opened or moved on, each
// as its child; not reads, searches or refusals.
func TestChildChangesAreWrites(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		s := storetest.Open(t, d)
		o := mustOrg(t, s, "Council", "council")
		c := &waymark.Child{OrgID: o.ID, GivenNames: "Amina"}
		e := &waymark.MissingEpisode{OrgID: o.ID, Kind: "missing", LastSeenAt: s.Now()}
		if err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.CreateChild(c); err != nil {
				return err
			}
			e.ChildID = c.ID
			return tx.CreateEpisode(e)
		}); err != nil {
			t.Fatal(err)
		}
		_, from, err := s.ChildChanges(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			entry audit.Entry
			want  bool
		}{
			{audit.Entry{Action: "child.create", RecordType: "child", RecordID: c.ID}, true},
			{audit.Entry{Action: "child.edit", RecordType: "child", RecordID: c.ID}, true},
			{audit.Entry{Action: "child.edit", RecordType: "child", RecordID: c.ID, Outcome: audit.Denied}, false},
			{audit.Entry{Action: "child.view", RecordType: "child", RecordID: c.ID}, false},
			{audit.Entry{Action: "missing.report", RecordType: "missing_episode", RecordID: e.ID}, true},
			{audit.Entry{Action: "missing.returned", RecordType: "missing_episode", RecordID: e.ID}, true},
			{audit.Entry{Action: "missing.view", RecordType: "missing_episode", RecordID: e.ID}, false},
			{audit.Entry{Action: string(waymark.ViewPack), RecordType: "missing_episode", RecordID: e.ID}, false},
			{audit.Entry{Action: string(waymark.SearchRegistry), RecordType: "registry"}, false},
		}
		for _, tc := range tests {
			if err := s.Audit(ctx, &tc.entry); err != nil {
				t.Fatal(err)
			}
			ids, reached, err := s.ChildChanges(ctx, from, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Equal(ids, []string{c.ID}); got != tc.want || !got && len(ids) > 0 {
				t.Errorf("%s: %s %s: changes %v, want a change: %v", d, tc.entry.Action, tc.entry.Outcome, ids, tc.want)
			}
			from = reached
		}
	}
}

// BenchmarkAuditRead is what auditing one read costs: every search and view pays it. "after a
// write" audits a read after each audited write in the same process.
func BenchmarkAuditRead(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		s := storetest.Open(b, d)
		read := func() {
			e := &audit.Entry{TokenID: "t", OrgID: "o", Action: "registry.search", RecordType: "registry", Addr: "127.0.0.1"}
			if err := s.Audit(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
		write := func() {
			err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.Audit(&audit.Entry{UserID: "u", OrgID: "o", Action: "child.edit"})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				read()
			}
		})
		b.Run(string(d)+"/after a write", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				write()
				b.StartTimer()
				read()
			}
		})
	}
}

// A database opened with keys that are not its own is refused at once: a lost key file restored
// as a new one, or another installation's. Keys rotated in, the old ones kept, open it.
func TestWrongKeysRefused(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ownText := crypto.NewKeyLine(1)
			own, _ := crypto.ParseKeys(ownText)
			s, err := sqlstore.Open(ctx, dsn, own)
			if err != nil {
				t.Fatal(err)
			}
			mustChild(t, s, &waymark.Child{OrgID: mustOrg(t, s, "Org", "council").ID, GivenNames: "Selam"})
			s.Close()
			other := storetest.Keys(t)
			if _, err := sqlstore.Open(ctx, dsn, other); !errors.Is(err, sqlstore.ErrWrongKeys) {
				t.Fatalf("opened with another key 1: %v", err)
			}
			rotated, _ := crypto.ParseKeys(ownText + crypto.NewKeyLine(2))
			s, err = sqlstore.Open(ctx, dsn, rotated)
			if err != nil {
				t.Fatalf("the own key and a new one: %v", err)
			}
			s.Close()
			newOnly, _ := crypto.ParseKeys(crypto.NewKeyLine(2))
			if _, err := sqlstore.Open(ctx, dsn, newOnly); !errors.Is(err, sqlstore.ErrWrongKeys) {
				t.Fatalf("opened with the new key alone, the old one dropped: %v", err)
			}
			// A database from before the checks were kept is checked on its sealed rows.
			raw, err := sql.Open(map[sqlstore.Dialect]string{sqlstore.SQLite: "sqlite", sqlstore.Postgres: "pgx"}[d],
				map[sqlstore.Dialect]string{sqlstore.SQLite: filepath.Join(dsn, "waymark.db"), sqlstore.Postgres: dsn}[d])
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`DELETE FROM key_checks`); err != nil {
				t.Fatal(err)
			}
			if _, err := sqlstore.Open(ctx, dsn, other); !errors.Is(err, sqlstore.ErrWrongKeys) {
				t.Fatalf("a database without key checks opened with another key: %v", err)
			}
		})
	}
}

// A child's description and marks are sealed: neither the facts column nor SQLite's files hold
// them in plain text, and a database from before they were sealed is sealed when it opens. The
// SQLite file is readable by its owner alone.
func TestDescriptionAndMarksSealed(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, open := restartable(t, d)
			s := open()
			c := mustChild(t, s, &waymark.Child{OrgID: mustOrg(t, s, "Org", "council").ID, GivenNames: "Selam",
				Description: "Tall, very thin, short black hair", Marks: "Tattoo of a star on left wrist"})
			var facts string
			if err := s.DB().QueryRow(`SELECT facts FROM children WHERE id = $1`, c.ID).Scan(&facts); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(facts, "star") || strings.Contains(facts, "thin") {
				t.Fatalf("facts in plain text: %s", facts)
			}
			got, err := s.Child(ctx, c.ID)
			if err != nil || got.Marks != c.Marks || got.Description != c.Description {
				t.Fatalf("read back: %+v %v", got, err)
			}
			old := mustChild(t, s, &waymark.Child{OrgID: c.OrgID, GivenNames: "Dawit"}) // as written before sealing
			if _, err := s.DB().Exec(`UPDATE children SET facts = '{"description":"Old plain description","marks":"Old plain mark"}' WHERE id = $1`, old.ID); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s = open()
			if err := s.DB().QueryRow(`SELECT facts FROM children WHERE id = $1`, old.ID).Scan(&facts); err != nil || strings.Contains(facts, "Old plain") {
				t.Fatalf("an old database's plain description was not sealed: %s %v", facts, err)
			}
			if got, err := s.Child(ctx, old.ID); err != nil || got.Description != "Old plain description" || got.Marks != "Old plain mark" {
				t.Fatalf("after sealing: %+v %v", got, err)
			}
			if d != sqlstore.SQLite {
				return
			}
			for _, f := range []string{"waymark.db", "waymark.db-wal"} {
				path := filepath.Join(dsn, f)
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(raw, []byte("star on left wrist")) {
					t.Errorf("%s holds the marks in plain text", f)
				}
				if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
					t.Errorf("%s is %v, want 0600", f, fi.Mode().Perm())
				}
			}
		})
	}
}

// The care record's free text is sealed in its columns, read back whole, and a database from
// before it was sealed is sealed when it opens.
func TestCareTextSealed(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			_, open := restartable(t, d)
			s := open()
			c := mustChild(t, s, &waymark.Child{OrgID: mustOrg(t, s, "Org", "council").ID, GivenNames: "Selam"})
			now := s.Now()
			p := &waymark.Placement{ChildID: c.ID, OrgID: c.OrgID, Type: "foster", Address: "12 Harbour Row, Eastport", Start: now.Add(-48 * time.Hour)}
			e := &waymark.MissingEpisode{ChildID: c.ID, OrgID: c.OrgID, Kind: "missing", LastSeenAt: now.Add(-time.Hour), ReportedAt: now,
				LastSeenPlace: "Eastport bus station", LastSeenWith: "an older man in a blue van", Circumstances: "left after a phone call"}
			en := &waymark.Encounter{ChildID: c.ID, OrgID: c.OrgID, Kind: "first_contact", At: now.Add(-72 * time.Hour), Place: "Dover Eastern Docks",
				Circumstances: "in the back of a lorry", AccompanyingAdults: "a man who said he was her uncle"}
			err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
				return errors.Join(tx.CreatePlacement(p), tx.CreateEpisode(e), tx.CreateEncounter(en))
			})
			if err != nil {
				t.Fatal(err)
			}
			raw := func() string {
				var a, b, c2 string
				if err := s.DB().QueryRow(`SELECT address FROM placements WHERE id = $1`, p.ID).Scan(&a); err != nil {
					t.Fatal(err)
				}
				if err := s.DB().QueryRow(`SELECT last_seen_place || last_seen_with || circumstances FROM missing_episodes WHERE id = $1`, e.ID).Scan(&b); err != nil {
					t.Fatal(err)
				}
				if err := s.DB().QueryRow(`SELECT place || circumstances || accompanying_adults FROM encounters WHERE id = $1`, en.ID).Scan(&c2); err != nil {
					t.Fatal(err)
				}
				return a + b + c2
			}
			for _, plain := range []string{"Harbour", "bus station", "blue van", "phone call", "Docks", "lorry", "uncle"} {
				if strings.Contains(raw(), plain) {
					t.Fatalf("%q in plain text", plain)
				}
			}
			check := func() {
				t.Helper()
				ps, err1 := s.Placements(ctx, c.ID)
				got, err2 := s.Episode(ctx, e.ID)
				es, err3 := s.Encounters(ctx, c.ID)
				if err := errors.Join(err1, err2, err3); err != nil || ps[0].Address != p.Address || got.LastSeenWith != e.LastSeenWith ||
					got.Circumstances != e.Circumstances || es[0].AccompanyingAdults != en.AccompanyingAdults || es[0].Place != en.Place {
					t.Fatalf("read back: %+v %+v %+v %v", ps, got, es, err)
				}
			}
			check()
			liftAppendOnly(t, s, `UPDATE placements SET address = '12 Harbour Row, Eastport'`,
				`UPDATE encounters SET place = 'Dover Eastern Docks', circumstances = 'in the back of a lorry', accompanying_adults = 'a man who said he was her uncle'`)
			s.Close()
			s = open()
			if r := raw(); strings.Contains(r, "Harbour") || strings.Contains(r, "lorry") {
				t.Fatalf("an old database's free text was not sealed: %s", r)
			}
			check()
		})
	}
}

// A batch insert that fails part-way leaves nothing of its transaction behind — not the rows
// before it, not the batch's own first rows — and the store goes on working.
func TestFailedBatchLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		org := mustOrg(t, s, "Northshire County Council", "council")
		kids := make([]*waymark.Child, 450) // three statements' worth
		for i := range kids {
			kids[i] = &waymark.Child{OrgID: org.ID, Ref: fmt.Sprintf("B%04d", i), GivenNames: "Amira", FamilyName: "Haddad"}
			if err := kids[i].Normalize(time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		kids[300].Ref = kids[10].Ref // the third statement meets a reference already written
		err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.CreateChild(&waymark.Child{OrgID: org.ID, Ref: "BEFORE", GivenNames: "Yonas"}); err != nil {
				return err
			}
			return tx.CreateChildren(kids)
		})
		if waymark.ErrorCode(err) != waymark.ECONFLICT {
			t.Fatalf("a repeated reference: %v, want a conflict", err)
		}
		if n, err := s.CountChildren(ctx, org.ID); err != nil || n != 0 {
			t.Fatalf("%d children left after the failed transaction (%v), want 0", n, err)
		}
		mustChild(t, s, &waymark.Child{OrgID: org.ID, Ref: "AFTER", GivenNames: "Yonas"})
		if n, _ := s.CountChildren(ctx, org.ID); n != 1 {
			t.Fatalf("%d children after one more, want 1", n)
		}
	})
}

// join gives a user a part in a child's team.
func join(tx *sqlstore.Tx, childID, userID string, part waymark.TeamRole) error {
	return tx.AddTeamMember(&waymark.Member{ChildID: childID, UserID: userID, Role: part, From: "2026-01-01", AddedBy: "test"})
}

// A bulk transaction does not check references row by row; it checks them all before it commits,
// and a row that leads nowhere undoes the whole of it. The connection checks row by row again after.
func TestBulkTransactionChecksReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		org := mustOrg(t, s, "Northshire County Council", "council")
		err := s.InBulkTx(ctx, func(tx *sqlstore.Tx) error {
			c := &waymark.Child{OrgID: org.ID, Ref: "BULK1", GivenNames: "Amira"}
			if err := tx.CreateChildren([]*waymark.Child{c}); err != nil {
				return err
			}
			return tx.CreateEncounters([]*waymark.Encounter{{ChildID: "no-such-child", OrgID: org.ID, Kind: "referral", At: time.Now(), RecordedBy: "test"}})
		})
		if err == nil {
			t.Fatal("an encounter of no child was committed")
		}
		if n, _ := s.CountChildren(ctx, org.ID); n != 0 {
			t.Fatalf("%d children left after the failed bulk transaction, want 0", n)
		}
		for range 4 { // every connection of the pool checks references again
			err := s.InTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.CreateEncounter(&waymark.Encounter{ChildID: "no-such-child", OrgID: org.ID, Kind: "referral", At: time.Now(), RecordedBy: "test"})
			})
			if err == nil {
				t.Fatal("an encounter of no child was written outside a bulk transaction")
			}
		}
	})
}

// After a bulk load and Analyze, finding an organisation's children by reference reads the
// (organisation, reference) index, not every child of the organisation: at a million children
// that was seconds a query. (The store's own lookups by reference are written to read it anyway.)
func TestAnalyzeAfterBulkLoadFindsByReference(t *testing.T) {
	s := storetest.Open(t, sqlstore.SQLite)
	org := mustOrg(t, s, "Northshire County Council", "council")
	err := s.InBulkTx(ctx, func(tx *sqlstore.Tx) error {
		cs := make([]*waymark.Child, 3000)
		for i := range cs {
			cs[i] = &waymark.Child{OrgID: org.ID, Ref: fmt.Sprintf("R%05d", i), GivenNames: "Amira"}
		}
		return tx.CreateChildren(cs)
	})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(q string, args ...any) string {
		var plan strings.Builder
		rows, err := s.DB().Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan.WriteString(detail + "\n")
		}
		return plan.String()
	}
	q, args := sqlstore.ByRefs([]string{"R00001", "R00002"}, "")
	if p := plan(q, append([]any{org.ID}, args...)...); !strings.Contains(p, "ref=?") {
		t.Fatalf("children found by reference, without statistics, reading every child of the organisation:\n%s", p)
	}
	if err := s.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if p := plan(`SELECT ref, id FROM children WHERE org_id = ?1 AND merged_into = '' AND ref IN (?2, ?3)`, org.ID, "R00001", "R00002"); !strings.Contains(p, "ref=?") {
		t.Fatalf("with statistics, children found by reference reading every child of the organisation:\n%s", p)
	}
	if ids, err := s.ChildIDsByRefs(ctx, org.ID, []string{"R00001", "R02999", "nope"}); err != nil || len(ids) != 2 {
		t.Fatalf("by refs: %v %v", ids, err)
	}
}
