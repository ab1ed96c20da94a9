// Package demo builds Waymark's synthetic demonstration world: a council, a police force, a border
// agency and a charity, one user per role, and a couple of hundred synthetic children with histories.
package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/auth"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/synth"
)

// Organisations of the demo world, by kind.
var Orgs = []waymark.Organisation{
	{Name: "Northshire County Council", Kind: "council"},
	{Name: "Eastport City Council", Kind: "council"},
	{Name: "Northshire Police", Kind: "police"},
	{Name: "Border Force South East", Kind: "border"},
	{Name: "Safe Passage Guardians", Kind: "charity"},
}

// Login is a demo user's credentials.
type Login struct {
	Role     waymark.Role
	Org      string
	Email    string
	Password string
	UserID   string
}

// people are the demo's users; their telephone numbers are from the ranges Ofcom keeps for drama.
var people = []struct {
	role        waymark.Role
	org, email  string
	name, phone string
}{
	{waymark.RoleBorder, "Border Force South East", "border@border.example.org", "Sam Border", "01632 960001"},
	{waymark.RoleSocialWorker, "Northshire County Council", "social.worker@northshire.example.org", "Alex Social", "01632 960002"},
	{waymark.RoleManager, "Northshire County Council", "manager@northshire.example.org", "Morgan Manager", "01632 960003"},
	{waymark.RolePolice, "Northshire Police", "police@police.example.org", "Pat Police", "01632 960004"},
	{waymark.RoleICTG, "Safe Passage Guardians", "guardian@guardians.example.org", "Gabi Guardian", "07700 900005"},
	{waymark.RoleKeyWorker, "Safe Passage Guardians", "key.worker@guardians.example.org", "Kit Keyworker", "07700 900006"},
	{waymark.RoleCarer, "Northshire County Council", "carer@northshire.example.org", "Casey Carer", "07700 900007"},
	{waymark.RoleAnalyst, "Northshire County Council", "analyst@northshire.example.org", "Ari Analyst", ""},
	{waymark.RoleAdmin, "Northshire County Council", "admin@northshire.example.org", "Ade Admin", ""},
	{waymark.RoleSocialWorker, "Eastport City Council", "social.worker@eastport.example.org", "Eli Eastport", "01632 960008"},
}

// Options size the world.
type Options struct {
	Children int
	Seed     uint64
	// Password, when set,, gives each user the same password (tests); otherwise each gets a random one.
	Password string
	// Journey tells the child's journey across agencies too (journey.go).
	Journey bool
	// SetClock, when set, moves the store's clock, so that the journey can tell what happened
	// earlier: a handover waiting since the small hours, a profile reviewed five weeks ago.
	SetClock func(now func() time.Time)
}

// Seed fills an empty store with the demo world and returns every user's credentials.
func Seed(ctx context.Context, reg *registry.Registry, opt Options) ([]Login, error) {
	op := waymark.Operator("demo")
	orgs := map[string]*waymark.Organisation{}
	var logins []Login
	for _, o := range Orgs {
		o := o
		// A second factor is asked of no one here, so the demo opens with the passwords printed;
		// a real organisation asks it of every role but analyst unless it chooses otherwise.
		o.MFARoles = []waymark.Role{}
		if err := reg.CreateOrg(ctx, op, &o); err != nil {
			return nil, fmt.Errorf("demo organisations: %w", err)
		}
		orgs[o.Name] = &o
	}
	for _, p := range people {
		pw := opt.Password
		if pw == "" {
			pw = auth.NewSecret("")[:16]
		}
		u := &waymark.User{OrgID: orgs[p.org].ID, Email: p.email, Name: p.name, Role: p.role, Phone: p.phone}
		if err := reg.CreateUser(ctx, op, u, pw); err != nil {
			return nil, fmt.Errorf("demo users: %w", err)
		}
		logins = append(logins, Login{p.role, p.org, p.email, pw, u.ID})
	}
	actors := map[string]waymark.Actor{}
	for _, l := range logins {
		if _, seen := actors[l.Org]; !seen && l.Role != waymark.RoleAnalyst && l.Role != waymark.RoleAdmin {
			actors[l.Org] = waymark.Actor{UserID: l.UserID, OrgID: orgs[l.Org].ID, Role: l.Role, Name: "demo seed", Addr: "127.0.0.1"}
		}
	}
	if err := seedChildren(ctx, reg, opt, actors, logins); err != nil {
		return nil, err
	}
	return logins, nil
}

func seedChildren(ctx context.Context, reg *registry.Registry, opt Options, actors map[string]waymark.Actor, logins []Login) error {
	g := synth.New(opt.Seed, reg.Now())
	owners := []string{"Northshire County Council", "Northshire County Council", "Northshire County Council", "Northshire County Council",
		"Northshire County Council", "Eastport City Council", "Border Force South East", "Northshire Police"}
	council := actors["Northshire County Council"]
	team := newTeams(logins, council.OrgID)
	var inCare, recorded []*waymark.Child
	held := map[string][]*waymark.Child{}
	for i := range opt.Children {
		a := actors[owners[i%len(owners)]]
		c := g.Child()
		switch i {
		case 0: // turns 18 in twelve days
			c.DateOfBirth, c.DOBEstimated = reg.Now().AddDate(-18, 0, 12).Format(waymark.DateLayout), false
		case 1: // turned 17½ yesterday
			c.DateOfBirth, c.DOBEstimated = reg.Now().AddDate(-17, -6, -1).Format(waymark.DateLayout), false
		case 2, 3: // a sample typed by the lab: identify by its profile
			c.Biometrics = append(c.Biometrics, synth.DNASample(900+i))
		}
		// Most children a council takes in alone from abroad are asylum-seeking.
		c.UASC = a.OrgID == council.OrgID && g.Chance(0.7)
		first := g.FirstContact(540 * 24 * time.Hour)
		if a.OrgID == council.OrgID { // what the looked-after children return asks
			c.LegalStatus, c.CategoryOfNeed, c.Ethnicity = "V2", "N1", ethnicityOf(c.Nationality)
			if c.UASC {
				c.CategoryOfNeed, c.ImmigrationStatus, c.ClaimDate = "N8", "awaiting_decision", first.At.AddDate(0, 0, 3).Format(waymark.DateLayout)
			}
		}
		if err := reg.CreateChild(ctx, a, c, first); err != nil {
			return fmt.Errorf("demo child %d: %w", i, err)
		}
		if g.Chance(0.25) {
			if err := reg.AddEncounter(ctx, a, c.ID, g.Found(first.At)); err != nil {
				return fmt.Errorf("demo encounter: %w", err)
			}
		}
		if g.Chance(0.4) {
			if _, err := reg.AddPhoto(ctx, a, c.ID, g.Portrait()); err != nil {
				return fmt.Errorf("demo photo: %w", err)
			}
		}
		held[c.OrgID] = append(held[c.OrgID], c)
		if c.OrgID == council.OrgID {
			inCare = append(inCare, c)
		}
		if c.OrgID == actors["Border Force South East"].OrgID {
			recorded = append(recorded, c)
		}
		if c.OrgID == council.OrgID {
			if err := team.form(ctx, reg, c.ID, i); err != nil {
				return err
			}
		}
	}
	if err := seedTwice(ctx, reg, actors["Northshire Police"], inCare); err != nil {
		return err
	}
	if opt.Journey {
		j := &journey{reg: reg, setClock: opt.SetClock, border: actors["Border Force South East"], council: council,
			manager: team.manager, eastport: actors["Eastport City Council"].OrgID}
		if err := j.tell(ctx, recorded, inCare, team.withCarer); err != nil {
			return err
		}
	}
	if err := seedCare(ctx, reg, g, council, actors["Northshire Police"].OrgID, inCare); err != nil {
		return err
	}
	var byOrg []holding
	for _, org := range []string{"Northshire Police", "Northshire County Council", "Eastport City Council"} {
		byOrg = append(byOrg, holding{actors[org], held[actors[org].OrgID]})
	}
	if err := seedNetwork(ctx, reg, byOrg); err != nil {
		return err
	}
	return seedBureau(ctx, reg, byOrg)
}

// seedTwice has the police record again, after a raid, a child the council looks after — under
// the name order the child gave — for the duplicates report to find.
func seedTwice(ctx context.Context, reg *registry.Registry, police waymark.Actor, inCare []*waymark.Child) error {
	i := slices.IndexFunc(inCare, func(c *waymark.Child) bool { return len(c.Phones) > 0 && !c.DOBEstimated })
	if i < 0 {
		return nil
	}
	c := inCare[i]
	again := &waymark.Child{GivenNames: c.FamilyName, FamilyName: c.GivenNames, Sex: c.Sex,
		DateOfBirth: c.DateOfBirth, Nationality: c.Nationality, Phones: c.Phones[:1]}
	if err := reg.CreateChild(ctx, police, again, nil); err != nil {
		return fmt.Errorf("demo child recorded twice: %w", err)
	}
	return nil
}

// teams gives Northshire's children their teams: the social worker for most, the ICTG for every
// eighth, a charity's key worker and the foster carer for a few.
type teams struct {
	manager   waymark.Actor
	users     map[waymark.Role]string
	withCarer []string // the children placed with the demo's foster carer
}

func newTeams(logins []Login, council string) *teams {
	t := &teams{users: map[waymark.Role]string{}}
	for _, l := range logins {
		if _, seen := t.users[l.Role]; !seen { // the first of each role: Northshire's social worker
			t.users[l.Role] = l.UserID
		}
		if l.Role == waymark.RoleManager {
			t.manager = waymark.Actor{UserID: l.UserID, OrgID: council, Role: l.Role, Name: "demo seed", Addr: "127.0.0.1"}
		}
	}
	return t
}

func (t *teams) form(ctx context.Context, reg *registry.Registry, childID string, i int) error {
	parts := []struct {
		every int
		user  waymark.Role
		part  waymark.TeamRole
	}{
		{2, waymark.RoleSocialWorker, waymark.TeamSocialWorker}, {8, waymark.RoleICTG, waymark.TeamICTG},
		{12, waymark.RoleKeyWorker, waymark.TeamKeyWorker}, {10, waymark.RoleCarer, waymark.TeamCarer},
	}
	for _, p := range parts {
		if i%p.every != 0 {
			continue
		}
		m := &waymark.Member{ChildID: childID, UserID: t.users[p.user], Role: p.part}
		if err := reg.AddTeamMember(ctx, t.manager, m); err != nil {
			return fmt.Errorf("demo team: %w", err)
		}
		if p.part == waymark.TeamCarer {
			t.withCarer = append(t.withCarer, childID)
		}
	}
	return nil
}

// ethnicityOf is a plausible description, as the return codes it, for a child of a nationality:
// the demo's only; a child describes their own.
func ethnicityOf(nationality string) string {
	switch nationality {
	case "ER", "ET", "SD", "SO", "NG", "GH", "SS":
		return "BAFR"
	case "AL", "RO", "UA":
		return "WOTH"
	case "VN", "AF", "CN":
		return "AOTH"
	case "":
		return "NOBT"
	}
	return "OOTH"
}
