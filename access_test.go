package waymark_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/waymark-org/waymark"
)

// The expected policy, written out by hand: for each role and action, what is allowed on a record
// of the actor's own organisation (own), of another (other), of another's child whose team the
// actor is in, in the part their role holds (team), of another organisation's child missing now
// (missing), and of another organisation's child the actor's organisation handed on (handed on:
// Registry.Child shows only its own time). "." denies, "y" allows; actions left out deny everywhere.
var matrix = map[waymark.Role]map[waymark.Action]string{
	//                                   own other team missing handed-on
	waymark.RoleBorder: {
		waymark.ViewChild: "y...y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y....",
		waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy", waymark.ScreenChild: "y....",
		waymark.RecordNetwork: "y....", waymark.SearchNetwork: "yyyyy", waymark.RecordBureau: "y...."},
	waymark.RoleSocialWorker: {
		waymark.ViewChild: "y.y.y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y.y..",
		waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy",
		waymark.RecordCare: "y.y..", waymark.ReportMissing: "y.y..", waymark.UpdateMissing: "y.y..", waymark.ViewPack: "y.y..",
		waymark.EditProfile: "y.y..", waymark.ScreenChild: "y.y..", waymark.RecordNetwork: "y.y..", waymark.SearchNetwork: "yyyyy",
		waymark.RecordBureau: "y.y.."},
	waymark.RoleManager: {
		waymark.ViewChild: "y.y.y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y.y..",
		waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy",
		waymark.RecordCare: "y.y..", waymark.ReportMissing: "y.y..", waymark.UpdateMissing: "y.y..", waymark.ViewPack: "y.y..",
		waymark.EditProfile: "y.y..", waymark.ViewStats: "y....", waymark.ExportReturn: "y....", waymark.ReviewDuplicates: "y....", waymark.ManageTeam: "y....",
		waymark.MergeRecords: "y....", waymark.ScreenChild: "y.y..", waymark.RecordNetwork: "y.y..", waymark.ViewNetwork: "y.y..",
		waymark.SearchNetwork: "yyyyy", waymark.RecordBureau: "y.y..", waymark.SubjectAccess: "y...."},
	waymark.RolePolice: {
		waymark.ViewChild: "y.y.y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y.y..",
		waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy",
		waymark.UpdateMissing: "y.yy.", waymark.ViewPack: "y.yy.", waymark.ScreenChild: "y.yy.", waymark.RecordNetwork: "y.yy.",
		waymark.ViewNetwork: "y.y..", waymark.SearchNetwork: "yyyyy", waymark.RecordBureau: "y.yy."},
	waymark.RoleICTG:      {waymark.ViewChild: "..y..", waymark.ViewPack: "..y..", waymark.SearchRegistry: "yyyyy"},
	waymark.RoleKeyWorker: {waymark.ViewChild: "..y..", waymark.ViewPack: "..y..", waymark.SearchRegistry: "yyyyy"},
	waymark.RoleCarer:     {waymark.ViewChild: "..y..", waymark.ViewPack: "..y..", waymark.ReportMissing: "..y..", waymark.EditProfile: "..y.."},
	waymark.RoleAnalyst:   {waymark.ViewStats: "yyyyy"},
	waymark.RoleAdmin:     {waymark.ViewAudit: "y....", waymark.ManageUsers: "y...."},
}

// part is the part in a child's team each role is given in the matrix's team column.
var part = map[waymark.Role]waymark.TeamRole{
	waymark.RoleSocialWorker: waymark.TeamSocialWorker, waymark.RoleManager: waymark.TeamSocialWorker,
	waymark.RolePolice: waymark.TeamPolice, waymark.RoleICTG: waymark.TeamICTG, waymark.RoleKeyWorker: waymark.TeamKeyWorker,
	waymark.RoleCarer: waymark.TeamCarer, waymark.RoleBorder: waymark.TeamCarer, waymark.RoleAnalyst: waymark.TeamIRO,
	waymark.RoleAdmin: waymark.TeamIRO,
}

func TestPolicyMatrix(t *testing.T) {
	if len(matrix) != len(waymark.Roles) {
		t.Fatalf("matrix covers %d roles, policy has %d", len(matrix), len(waymark.Roles))
	}
	for _, role := range waymark.Roles {
		scopes := []waymark.Scope{{OrgID: "own"}, {OrgID: "other"},
			{OrgID: "other", Team: []waymark.Member{{UserID: "me", Role: part[role]}}},
			{OrgID: "other", Missing: true}, {OrgID: "other", Former: []string{"own"}}}
		for _, act := range waymark.Actions {
			want := matrix[role][act]
			if want == "" {
				want = "....."
			}
			for i, sc := range scopes {
				t.Run(fmt.Sprintf("%s/%s/%d", role, act, i), func(t *testing.T) {
					a := waymark.Actor{UserID: "me", OrgID: "own", Role: role}
					err := waymark.Can(a, act, sc)
					if (err == nil) != (want[i] == 'y') {
						t.Fatalf("Can = %v, want allowed=%v", err, want[i] == 'y')
					}
					if err != nil && waymark.ErrorCode(err) != waymark.EFORBIDDEN {
						t.Fatalf("refusal code = %s, want forbidden", waymark.ErrorCode(err))
					}
				})
			}
		}
	}
}

// A part in a child's team opens nothing to someone whose role cannot hold it, nor to a token, nor
// once it belongs to someone else.
func TestTeamPartNeedsTheRightPerson(t *testing.T) {
	carer := waymark.Scope{OrgID: "council", Team: []waymark.Member{{UserID: "me", Role: waymark.TeamCarer}}}
	for _, a := range []waymark.Actor{
		{UserID: "me", OrgID: "charity", Role: waymark.RoleKeyWorker},
		{TokenID: "t", OrgID: "charity", Role: waymark.RoleCarer},
		{UserID: "you", OrgID: "charity", Role: waymark.RoleCarer},
	} {
		if waymark.Can(a, waymark.ViewChild, carer) == nil {
			t.Errorf("%+v opened a carer's child", a)
		}
	}
	if waymark.Can(waymark.Actor{UserID: "me", OrgID: "x", Role: waymark.RoleCarer}, waymark.RecordCare, carer) == nil {
		t.Error("a carer recorded a placement")
	}
}

// The command line's operator may export, import a network file, manage users and tokens, and apply
// the retention rules, audited, and do nothing else through the registry; no user or token can hold the role.
func TestOperatorMayOnlyExportAndManage(t *testing.T) {
	op := waymark.Operator("root")
	for _, act := range waymark.Actions {
		for _, sc := range []waymark.Scope{{}, {OrgID: "any"}} {
			err := waymark.Can(op, act, sc)
			if want := act == waymark.ExportChildren || act == waymark.ExportReturn || act == waymark.ManageUsers || act == waymark.RecordNetwork ||
				act == waymark.SubjectAccess || act == waymark.ApplyRetention; (err == nil) != want {
				t.Errorf("operator %s in %+v: %v", act, sc, err)
			}
		}
	}
	if waymark.RoleOperator.Valid() || waymark.RoleOperator.TokenAllowed() == nil {
		t.Error("a user or token may be made the operator")
	}
}

func TestGrantOpensOneChildForPractitionersOnly(t *testing.T) {
	sc := waymark.Scope{OrgID: "other", GrantedTo: []string{"me"}}
	for _, role := range waymark.Roles {
		a := waymark.Actor{UserID: "me", OrgID: "own", Role: role}
		want := !slices.Contains([]waymark.Role{waymark.RoleICTG, waymark.RoleKeyWorker, waymark.RoleCarer, waymark.RoleAnalyst, waymark.RoleAdmin}, role)
		if got := waymark.Can(a, waymark.ViewChild, sc) == nil; got != want {
			t.Errorf("%s with a grant: view=%v, want %v", role, got, want)
		}
		if waymark.Can(a, waymark.EditChild, sc) == nil {
			t.Errorf("%s with a grant may edit", role)
		}
		if waymark.Can(waymark.Actor{UserID: "you", OrgID: "own", Role: role}, waymark.ViewChild, sc) == nil {
			t.Errorf("%s: another user's grant opened the record", role)
		}
	}
}

func TestNobodyMayDoAnything(t *testing.T) {
	for _, act := range waymark.Actions {
		if err := waymark.Can(waymark.Actor{}, act, waymark.Scope{}); waymark.ErrorCode(err) != waymark.EUNAUTHORIZED {
			t.Errorf("%s by nobody: %v", act, err)
		}
		if err := waymark.Can(waymark.Actor{OrgID: "o", Role: "superuser"}, act, waymark.Scope{OrgID: "o"}); err == nil {
			t.Errorf("%s by unknown role allowed", act)
		}
	}
}

func TestInCaseload(t *testing.T) {
	sw := waymark.Actor{UserID: "u1", OrgID: "council", Role: waymark.RoleSocialWorker}
	tests := []struct {
		name string
		a    waymark.Actor
		sc   waymark.Scope
		want bool
	}{
		{"my child", sw, team("council", "u1", waymark.TeamSocialWorker), true},
		{"a colleague's child", sw, team("council", "u2", waymark.TeamSocialWorker), false},
		{"no social worker in the team", sw, team("council", "g", waymark.TeamICTG), true},
		{"no team", sw, waymark.Scope{OrgID: "council"}, true},
		{"another council's, no team", sw, waymark.Scope{OrgID: "other"}, false},
		{"another council's, in its team", sw, team("other", "u1", waymark.TeamIRO), true},
		{"manager, a colleague's child", waymark.Actor{UserID: "m", OrgID: "council", Role: waymark.RoleManager},
			team("council", "u2", waymark.TeamSocialWorker), true},
		{"ICTG, in the team", waymark.Actor{UserID: "g", OrgID: "charity", Role: waymark.RoleICTG},
			team("council", "g", waymark.TeamICTG), true},
		{"ICTG, not in the team", waymark.Actor{UserID: "g", OrgID: "charity", Role: waymark.RoleICTG},
			waymark.Scope{OrgID: "council"}, false},
		{"analyst", waymark.Actor{UserID: "an", OrgID: "council", Role: waymark.RoleAnalyst}, waymark.Scope{OrgID: "council"}, false},
	}
	for _, tt := range tests {
		if got := waymark.InCaseload(tt.a, tt.sc); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func team(org, user string, part waymark.TeamRole) waymark.Scope {
	return waymark.Scope{OrgID: org, Team: []waymark.Member{{UserID: user, Role: part}}}
}

func TestCaseloadReach(t *testing.T) {
	tests := []struct {
		name     string
		a        waymark.Actor
		teamOnly bool
		code     string
	}{
		{"social worker", waymark.Actor{UserID: "u", Role: waymark.RoleSocialWorker}, false, ""},
		{"social worker's token", waymark.Actor{TokenID: "t", Role: waymark.RoleSocialWorker}, false, ""},
		{"carer", waymark.Actor{UserID: "g", Role: waymark.RoleCarer}, true, ""},
		{"ICTG's token", waymark.Actor{TokenID: "t", Role: waymark.RoleICTG}, false, waymark.EFORBIDDEN},
		{"analyst", waymark.Actor{UserID: "a", Role: waymark.RoleAnalyst}, false, waymark.EFORBIDDEN},
		{"admin", waymark.Actor{UserID: "a", Role: waymark.RoleAdmin}, false, waymark.EFORBIDDEN},
	}
	for _, tt := range tests {
		got, err := tt.a.CaseloadReach()
		if got != tt.teamOnly || waymark.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, %v; want %v, %q", tt.name, got, err, tt.teamOnly, tt.code)
		}
	}
}

func TestTokenAllowed(t *testing.T) {
	for _, r := range waymark.Roles {
		err := r.TokenAllowed()
		if slices.Contains([]waymark.Role{waymark.RoleICTG, waymark.RoleKeyWorker, waymark.RoleCarer}, r) != (err != nil) {
			t.Errorf("%s: %v", r, err)
		}
	}
	if waymark.Role("boss").TokenAllowed() == nil {
		t.Error("a role that does not exist may have a token")
	}
}
