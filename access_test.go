package waymark_test

import (
	"fmt"
	"testing"

	"github.com/waymark-org/waymark"
)

// The expected policy, written out by hand: for each role and action, what is allowed on a record
// of the actor's own organisation (own), of another (other), and assigned to the actor from
// another organisation (assigned), of another organisation while the child is missing, and of another
// organisation the actor's handed the child on to (handed on: Registry.Child shows only the actor's
// organisation's time). "." denies, "y" allows.
var matrix = map[waymark.Role]map[waymark.Action]string{
	//                         own other assigned other-missing handed-on
	waymark.RoleBorder:       {waymark.ViewChild: "y...y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y....", waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy", waymark.ViewAudit: ".....", waymark.ManageUsers: ".....", waymark.ViewStats: ".....", waymark.RecordCare: ".....", waymark.UpdateMissing: ".....", waymark.ViewPack: ".....", waymark.ExportReturn: ".....", waymark.ReviewDuplicates: ".....", waymark.ExportChildren: "....."},
	waymark.RoleSocialWorker: {waymark.ViewChild: "y...y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y....", waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy", waymark.ViewAudit: ".....", waymark.ManageUsers: ".....", waymark.ViewStats: ".....", waymark.RecordCare: "y....", waymark.UpdateMissing: "y....", waymark.ViewPack: "y....", waymark.ExportReturn: ".....", waymark.ReviewDuplicates: ".....", waymark.ExportChildren: "....."},
	waymark.RoleManager:      {waymark.ViewChild: "y...y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y....", waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy", waymark.ViewAudit: ".....", waymark.ManageUsers: ".....", waymark.ViewStats: "y....", waymark.RecordCare: "y....", waymark.UpdateMissing: "y....", waymark.ViewPack: "y....", waymark.ExportReturn: "y....", waymark.ReviewDuplicates: "y....", waymark.ExportChildren: "....."},
	waymark.RolePolice:       {waymark.ViewChild: "y...y", waymark.CreateChild: "y....", waymark.EditChild: "y....", waymark.AddEncounter: "y....", waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: "yyyyy", waymark.ConfirmMatch: "yyyyy", waymark.ViewAudit: ".....", waymark.ManageUsers: ".....", waymark.ViewStats: ".....", waymark.RecordCare: ".....", waymark.UpdateMissing: "y..y.", waymark.ViewPack: "y..y.", waymark.ExportReturn: ".....", waymark.ReviewDuplicates: ".....", waymark.ExportChildren: "....."},
	waymark.RoleGuardian:     {waymark.ViewChild: "..y..", waymark.CreateChild: ".....", waymark.EditChild: ".....", waymark.AddEncounter: ".....", waymark.SearchRegistry: "yyyyy", waymark.OpenWithReason: ".....", waymark.ConfirmMatch: ".....", waymark.ViewAudit: ".....", waymark.ManageUsers: ".....", waymark.ViewStats: ".....", waymark.RecordCare: ".....", waymark.UpdateMissing: ".....", waymark.ViewPack: "..y..", waymark.ExportReturn: ".....", waymark.ReviewDuplicates: ".....", waymark.ExportChildren: "....."},
	waymark.RoleAnalyst:      {waymark.ViewChild: ".....", waymark.CreateChild: ".....", waymark.EditChild: ".....", waymark.AddEncounter: ".....", waymark.SearchRegistry: ".....", waymark.OpenWithReason: ".....", waymark.ConfirmMatch: ".....", waymark.ViewAudit: ".....", waymark.ManageUsers: ".....", waymark.ViewStats: "yyyyy", waymark.RecordCare: ".....", waymark.UpdateMissing: ".....", waymark.ViewPack: ".....", waymark.ExportReturn: ".....", waymark.ReviewDuplicates: ".....", waymark.ExportChildren: "....."},
	waymark.RoleAdmin:        {waymark.ViewChild: ".....", waymark.CreateChild: ".....", waymark.EditChild: ".....", waymark.AddEncounter: ".....", waymark.SearchRegistry: ".....", waymark.OpenWithReason: ".....", waymark.ConfirmMatch: ".....", waymark.ViewAudit: "y....", waymark.ManageUsers: "y....", waymark.ViewStats: ".....", waymark.RecordCare: ".....", waymark.UpdateMissing: ".....", waymark.ViewPack: ".....", waymark.ExportReturn: ".....", waymark.ReviewDuplicates: ".....", waymark.ExportChildren: "....."},
}

func TestPolicyMatrix(t *testing.T) {
	if len(matrix) != len(waymark.Roles) {
		t.Fatalf("matrix covers %d roles, policy has %d", len(matrix), len(waymark.Roles))
	}
	scopes := []waymark.Scope{{OrgID: "own"}, {OrgID: "other"}, {OrgID: "other", AssignedTo: []string{"me"}}, {OrgID: "other", Missing: true}, {OrgID: "other", Former: []string{"own"}}}
	for _, role := range waymark.Roles {
		if len(matrix[role]) != len(waymark.Actions) {
			t.Fatalf("matrix row %s covers %d actions, policy has %d", role, len(matrix[role]), len(waymark.Actions))
		}
		for _, act := range waymark.Actions {
			for i, sc := range scopes {
				t.Run(fmt.Sprintf("%s/%s/%d", role, act, i), func(t *testing.T) {
					a := waymark.Actor{UserID: "me", OrgID: "own", Role: role}
					err := waymark.Can(a, act, sc)
					want := matrix[role][act][i] == 'y'
					if (err == nil) != want {
						t.Fatalf("Can = %v, want allowed=%v", err, want)
					}
					if err != nil && waymark.ErrorCode(err) != waymark.EFORBIDDEN {
						t.Fatalf("refusal code = %s, want forbidden", waymark.ErrorCode(err))
					}
				})
			}
		}
	}
}

// The command line's operator may export and manage users and tokens, audited, and do nothing
// else through the registry; no user or token can hold the role.
func TestOperatorMayOnlyExportAndManage(t *testing.T) {
	op := waymark.Operator("root")
	for _, act := range waymark.Actions {
		for _, sc := range []waymark.Scope{{}, {OrgID: "any"}} {
			err := waymark.Can(op, act, sc)
			if want := act == waymark.ExportChildren || act == waymark.ExportReturn || act == waymark.ManageUsers; (err == nil) != want {
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
		want := role != waymark.RoleGuardian && role != waymark.RoleAnalyst && role != waymark.RoleAdmin
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
		{"assigned to me", sw, waymark.Scope{OrgID: "council", AssignedTo: []string{"u1"}}, true},
		{"assigned to a colleague", sw, waymark.Scope{OrgID: "council", AssignedTo: []string{"u2"}}, false},
		{"no one assigned", sw, waymark.Scope{OrgID: "council"}, true},
		{"another council's, no one assigned", sw, waymark.Scope{OrgID: "other"}, false},
		{"manager, assigned to a colleague", waymark.Actor{UserID: "m", OrgID: "council", Role: waymark.RoleManager},
			waymark.Scope{OrgID: "council", AssignedTo: []string{"u2"}}, true},
		{"guardian, assigned", waymark.Actor{UserID: "g", OrgID: "charity", Role: waymark.RoleGuardian},
			waymark.Scope{OrgID: "council", AssignedTo: []string{"g"}}, true},
		{"guardian, no one assigned", waymark.Actor{UserID: "g", OrgID: "charity", Role: waymark.RoleGuardian},
			waymark.Scope{OrgID: "council"}, false},
		{"analyst", waymark.Actor{UserID: "an", OrgID: "council", Role: waymark.RoleAnalyst}, waymark.Scope{OrgID: "council"}, false},
	}
	for _, tt := range tests {
		if got := waymark.InCaseload(tt.a, tt.sc); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCaseloadReach(t *testing.T) {
	tests := []struct {
		name         string
		a            waymark.Actor
		assignedOnly bool
		code         string
	}{
		{"social worker", waymark.Actor{UserID: "u", Role: waymark.RoleSocialWorker}, false, ""},
		{"social worker's token", waymark.Actor{TokenID: "t", Role: waymark.RoleSocialWorker}, false, ""},
		{"guardian", waymark.Actor{UserID: "g", Role: waymark.RoleGuardian}, true, ""},
		{"guardian's token", waymark.Actor{TokenID: "t", Role: waymark.RoleGuardian}, false, waymark.EFORBIDDEN},
		{"analyst", waymark.Actor{UserID: "a", Role: waymark.RoleAnalyst}, false, waymark.EFORBIDDEN},
		{"admin", waymark.Actor{UserID: "a", Role: waymark.RoleAdmin}, false, waymark.EFORBIDDEN},
	}
	for _, tt := range tests {
		got, err := tt.a.CaseloadReach()
		if got != tt.assignedOnly || waymark.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, %v; want %v, %q", tt.name, got, err, tt.assignedOnly, tt.code)
		}
	}
}

func TestTokenAllowed(t *testing.T) {
	for _, r := range waymark.Roles {
		err := r.TokenAllowed()
		if (r == waymark.RoleGuardian) != (err != nil) {
			t.Errorf("%s: %v", r, err)
		}
	}
	if waymark.Role("boss").TokenAllowed() == nil {
		t.Error("a role that does not exist may have a token")
	}
}
