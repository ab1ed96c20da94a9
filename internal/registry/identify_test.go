package registry_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
	"github.com/waymark-org/waymark/internal/sqlstore/storetest"
	"github.com/waymark-org/waymark/internal/synth"
)

// Verdicts on candidates are kept as comparison levels alone, taken from the search the person
// made, never from what a form says; the next start-up learns m from the confirmed ones.
func TestJudgementsTeachTheNextStartUp(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn, keys := storetest.DSN(t, d), storetest.Keys(t)
			reg := instance(t, dsn, keys)
			ctx := context.Background()
			a := staff(t, reg, waymark.RoleSocialWorker)
			b := a
			b.UserID = "another"
			child := &waymark.Child{GivenNames: "Arbër", FamilyName: "Kelmendi", Sex: "M", DateOfBirth: "2010-05-06", Nationality: "AL"}
			if err := reg.CreateChild(ctx, a, child, nil); err != nil {
				t.Fatal(err)
			}
			search := func(who waymark.Actor) string {
				m, err := reg.IdentifyMatches(ctx, who, &waymark.Child{GivenNames: "Arber", FamilyName: "Kelmendi", DateOfBirth: "2010-06-05", Nationality: "XK"}, 10)
				if err != nil || m.SearchID == "" || len(m.List) == 0 {
					t.Fatalf("search: %+v %v", m, err)
				}
				return m.SearchID
			}
			found := func() *waymark.Encounter { return &waymark.Encounter{At: time.Now(), Circumstances: "found"} }
			const n = 40
			for i := range n {
				who := []waymark.Actor{a, b}[i%2]
				id := search(who)
				for range 2 { // a double click: one judgement
					if err := reg.ConfirmMatch(ctx, who, id, child.ID, found(), true); err != nil {
						t.Fatal(err)
					}
				}
			}
			theirs := search(b)
			for name, err := range map[string]error{
				"another's search": reg.ConfirmMatch(ctx, a, theirs, child.ID, found(), true),
				"a made-up search": reg.ConfirmMatch(ctx, a, "made-up", child.ID, found(), true),
				"not a candidate":  reg.RejectMatch(ctx, b, theirs, "some-other-child"),
				"no search at all": reg.RejectMatch(ctx, b, "", child.ID),
			} {
				if waymark.ErrorCode(err) != waymark.EINVALID && waymark.ErrorCode(err) != waymark.ENOTFOUND {
					t.Errorf("%s: %v, want it refused", name, err)
				}
			}
			if err := reg.RejectMatch(ctx, b, theirs, child.ID); err != nil {
				t.Fatal(err)
			}
			js, err := registry.StoreOf(reg).Judgements(ctx) // newest first
			if err != nil || len(js) != n+1 || js[0].Confirmed || !js[1].Confirmed || js[1].Probability <= 0 || js[1].Actor == "" || js[1].SearchID == "" {
				t.Fatalf("judgements: %d, %+v, %v", len(js), js[:2], err)
			}
			want := []string{"date_of_birth:day_month_swapped", "name:exact", "nationality:neighbouring_country"}
			if got := slices.Sorted(slices.Values(js[1].Levels)); !slices.Equal(got, []string{want[0], want[1], want[1], want[2]}) {
				t.Fatalf("levels kept: %v", got)
			}
			for _, l := range js[1].Levels {
				if strings.Contains(strings.ToLower(l), "kelmendi") || strings.Contains(strings.ToLower(l), "arb") {
					t.Fatalf("a judgement keeps a name: %q", l)
				}
			}

			// Forty children all found with day and month swapped and a neighbouring nationality
			// would move those fields implausibly far: they are refused; the names are learnt.
			next := registry.New(registry.StoreOf(reg))
			before := next.Engine.Model.Levels[identify.FieldName][identify.Exact].M
			l, err := next.LearnModel(ctx)
			after := next.Engine.Model.Levels[identify.FieldName][identify.Exact].M
			if err != nil || l.Confirmed != n || l.Counted != n || after <= before || !slices.Equal(l.Moved, []string{identify.FieldName}) ||
				!slices.Equal(l.Refused, []string{identify.FieldDateOfBirth, identify.FieldNationality}) {
				t.Fatalf("learnt %+v: m(name exact) %.3f → %.3f, %v", l, before, after, err)
			}
		})
	}
}

// One person confirming as many matches as they like (here unlimited searches) cannot move the
// model: what one person contributes is capped below what moves a field.
func TestOnePersonCannotTeachTheModel(t *testing.T) {
	reg := instance(t, storetest.DSN(t, sqlstore.SQLite), storetest.Keys(t))
	reg.SearchRate = nil
	ctx := context.Background()
	a := staff(t, reg, waymark.RoleBorder)
	child := &waymark.Child{GivenNames: "Arbër", FamilyName: "Kelmendi", Sex: "M", DateOfBirth: "2010-05-06", Nationality: "AL"}
	if err := reg.CreateChild(ctx, a, child, nil); err != nil {
		t.Fatal(err)
	}
	for range 100 { // a made-up child "found" with another date of birth and nationality, confirmed
		m, err := reg.IdentifyMatches(ctx, a, &waymark.Child{GivenNames: "Arbër", FamilyName: "Kelmendi", DateOfBirth: "2001-01-01", Nationality: "VN"}, 10)
		if err != nil || len(m.List) == 0 {
			t.Fatalf("search: %v", err)
		}
		if err := reg.ConfirmMatch(ctx, a, m.SearchID, child.ID, &waymark.Encounter{At: time.Now(), Circumstances: "x"}, true); err != nil {
			t.Fatal(err)
		}
	}
	next := registry.New(registry.StoreOf(reg))
	l, err := next.LearnModel(ctx)
	if err != nil || l.Confirmed != 100 || l.Counted != registry.LearnPerActor || len(l.Moved) != 0 ||
		!reflect.DeepEqual(next.Engine.Model, identify.DefaultModel()) {
		t.Fatalf("one person's 100 confirmations: %+v, %v", l, err)
	}
}

// The duplicates report is made in the background: a request shows how far it has got, the
// report once made, and the last report while a newer one is made after a change.
func TestDuplicatesReportMadeInTheBackground(t *testing.T) {
	reg := instance(t, storetest.DSN(t, sqlstore.SQLite), storetest.Keys(t))
	defer func(w time.Duration) { registry.DuplicatesWait = w }(registry.DuplicatesWait)
	registry.DuplicatesWait = 0
	ctx := context.Background()
	council := &waymark.Organisation{Name: "Eastport City Council", Kind: "council"}
	force := &waymark.Organisation{Name: "Eastport Police", Kind: "police"}
	if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error {
		return errors.Join(tx.CreateOrg(council), tx.CreateOrg(force))
	}); err != nil {
		t.Fatal(err)
	}
	g := synth.New(5, time.Now())
	for i := range 3000 { // in the index only, to give the report work
		c := g.Child()
		c.ID, c.OrgID = fmt.Sprintf("s%05d", i), council.ID
		reg.Engine.Put(c)
	}
	worker := waymark.Actor{UserID: "w", OrgID: council.ID, Role: waymark.RoleSocialWorker, Name: "worker"}
	officer := waymark.Actor{UserID: "o", OrgID: force.ID, Role: waymark.RolePolice, Name: "officer"}
	manager := waymark.Actor{UserID: "m", OrgID: council.ID, Role: waymark.RoleManager, Name: "manager"}
	ours := &waymark.Child{GivenNames: "Blerim", FamilyName: "Gashi", Sex: "M", DateOfBirth: "2009-09-09", Nationality: "AL", Phones: []string{"+447700900123"}}
	theirs := &waymark.Child{GivenNames: "Bleri", FamilyName: "Gashii", Sex: "M", DateOfBirth: "2009-09-09", Nationality: "XK", Phones: []string{"07700 900123"}}
	if err := errors.Join(reg.CreateChild(ctx, worker, ours, nil), reg.CreateChild(ctx, officer, theirs, nil)); err != nil {
		t.Fatal(err)
	}
	rep, err := reg.Duplicates(ctx, manager)
	if err != nil || !rep.Updating || rep.Made || rep.Of != 3001 {
		t.Fatalf("first request: %+v, %v; want a report being made over 3001 children", rep, err)
	}
	settled := func() registry.DuplicatesReport {
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			rep, err := reg.Duplicates(ctx, manager)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Updating || time.Now().After(deadline) {
				return rep
			}
		}
	}
	rep = settled()
	if !rep.Made || len(rep.Pairs) != 1 || rep.Pairs[0].Ours.ChildID != ours.ID || rep.Pairs[0].Other.ChildID != theirs.ID || rep.Pairs[0].Other.Visible {
		t.Fatalf("report made: %+v", rep)
	}
	if again, _ := reg.Duplicates(ctx, manager); again.Updating {
		t.Fatal("the report was made again with nothing changed")
	}
	if err := reg.CreateChild(ctx, worker, &waymark.Child{GivenNames: "Dritan", FamilyName: "Hoxha"}, nil); err != nil {
		t.Fatal(err)
	}
	if rep, _ := reg.Duplicates(ctx, manager); !rep.Updating || !rep.Made || len(rep.Pairs) != 1 {
		t.Fatalf("after a change: %+v; want the last report shown while a new one is made", rep)
	}
	if rep := settled(); rep.Updating || len(rep.Pairs) != 1 {
		t.Fatalf("new report: %+v", rep)
	}
}

// A search is audited while the engine ranks, and its answer is given only once the audit is
// written: with the log out of reach, the caller gets an error and no candidates.
func TestIdentifyAnswersOnlyOnceAudited(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			reg := instance(t, storetest.DSN(t, d), storetest.Keys(t))
			ctx := context.Background()
			a := staff(t, reg, waymark.RolePolice)
			if err := reg.CreateChild(ctx, a, &waymark.Child{GivenNames: "Arbër", FamilyName: "Kelmendi", Sex: "M", DateOfBirth: "2010-05-06"}, nil); err != nil {
				t.Fatal(err)
			}
			query := func() *waymark.Child { return &waymark.Child{GivenNames: "Arber", FamilyName: "Kelmendi"} }
			found, err := reg.Identify(ctx, a, query(), 10)
			if err != nil || len(found.Candidates) != 1 {
				t.Fatalf("found %d, %v", len(found.Candidates), err)
			}
			searches, err := registry.StoreOf(reg).AuditEntries(ctx, sqlstore.AuditFilter{Action: string(waymark.SearchRegistry)})
			if err != nil || len(searches) != 1 || searches[0].UserID != "u" {
				t.Fatalf("searches audited: %d, %v", len(searches), err)
			}
			registry.StoreOf(reg).Close()
			if found, err := reg.Identify(ctx, a, query(), 10); err == nil || found.Candidates != nil {
				t.Fatalf("with the log out of reach: %d candidates, %v", len(found.Candidates), err)
			}
		})
	}
}

// BenchmarkIdentifyMatches is a search on the identify page: ten candidates of the searcher's own
// organisation, each shown with its facts and photos and each view audited.
func BenchmarkIdentifyMatches(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		reg := instance(b, storetest.DSN(b, d), storetest.Keys(b))
		ctx := context.Background()
		a := staff(b, reg, waymark.RoleSocialWorker)
		for i := range 12 {
			c := &waymark.Child{GivenNames: "Amina", FamilyName: "Hassan", DateOfBirth: fmt.Sprintf("2009-%02d-01", i+1)}
			if err := reg.CreateChild(ctx, a, c, nil); err != nil {
				b.Fatal(err)
			}
			p := &waymark.Photo{ContentType: "image/png", Width: 1, Height: 1}
			if err := registry.StoreOf(reg).InTx(ctx, func(tx *sqlstore.Tx) error { return tx.AddPhoto(c.ID, p, []byte("IMAGE"), []byte("THUMB")) }); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				ms, err := reg.IdentifyMatches(ctx, a, &waymark.Child{GivenNames: "Amina", FamilyName: "Hassan"}, 10)
				if err != nil || len(ms.List) != 10 || !ms.List[9].Visible || len(ms.List[9].Child.Photos) != 1 {
					b.Fatalf("%d matches, %v", len(ms.List), err)
				}
			}
		})
	}
}
