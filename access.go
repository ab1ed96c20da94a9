package waymark

import (
	"maps"
	"slices"
	"strings"
)

// Role is what a user or API token may do; see the design, §1 and §5.
type Role string

// The roles. Each sees only what its work needs.
const (
	RoleBorder       Role = "border"
	RoleSocialWorker Role = "social_worker"
	RoleManager      Role = "manager"
	RolePolice       Role = "police"
	RoleICTG         Role = "ictg"       // Independent Child Trafficking Guardian
	RoleKeyWorker    Role = "key_worker" // a charity's worker who is not an ICTG
	RoleCarer        Role = "carer"      // foster carer, residential key worker
	RoleAnalyst      Role = "analyst"
	RoleAdmin        Role = "admin"
	// RoleOperator is whoever runs waymark's commands on the server. They hold the database and its
	// keys, so no policy could stop them; their commands still go through the registry, so that
	// what they read and export is audited in their name. No user or token can hold it.
	RoleOperator Role = "operator"
)

// Roles lists every role.
var Roles = []Role{RoleBorder, RoleSocialWorker, RoleManager, RolePolice, RoleICTG, RoleKeyWorker, RoleCarer, RoleAnalyst, RoleAdmin}

func roleNames() []string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return s
}

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case "":
		return ""
	case RoleICTG:
		return "ICTG"
	}
	s := strings.ReplaceAll(string(r), "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// Action is something an actor may try to do.
type Action string

// The actions the policy knows. Anything not granted below is denied.
const (
	ViewChild        Action = "child.view"
	CreateChild      Action = "child.create"
	EditChild        Action = "child.edit"
	AddEncounter     Action = "encounter.create"
	SearchRegistry   Action = "registry.search"
	OpenWithReason   Action = "child.open_with_reason"
	ConfirmMatch     Action = "identify.confirm"
	ViewAudit        Action = "audit.view"
	ManageUsers      Action = "users.manage"
	ApplyRetention   Action = "retention.apply" // erase what the retention rules say has been kept long enough
	ViewStats        Action = "stats.view"
	RecordCare       Action = "care.record"          // placements, screenings, return interviews
	ReportMissing    Action = "missing.report"       // reporting a child missing or away, and their return
	UpdateMissing    Action = "missing.update"       // police reference, risk, found
	ViewPack         Action = "missing.pack"         // the missing-person pack
	ExportReturn     Action = "return.export"        // the looked-after-children return: child-level rows
	ReviewDuplicates Action = "duplicates.review"    // the report of children who may be recorded twice
	ExportChildren   Action = "children.export"      // every fact of an organisation's children, to a file
	ManageTeam       Action = "team.manage"          // who is in the team around a child
	EditProfile      Action = "child.profile"        // the Philomena profile, and a recent photo
	MergeRecords     Action = "child.merge"          // two records of one child made one, or a merge undone
	ScreenChild      Action = "screening.record"     // a screening for trafficking indicators, by any first responder
	RecordNetwork    Action = "network.record"       // a child's links to adults, phones, addresses, vehicles, premises
	ViewNetwork      Action = "network.view"         // the picture of a child's links and the children who share them
	SearchNetwork    Action = "network.search"       // which children a phone, registration or address is linked to
	RecordBureau     Action = "bureau.record"        // a search of a child's fingerprints against IDENT1 or IABS, and its outcome
	SubjectAccess    Action = "child.subject_access" // everything held on one child, to a file, for a subject access request
)

// Actions lists every action, for the role × action matrix.
var Actions = []Action{ViewChild, CreateChild, EditChild, AddEncounter, SearchRegistry, OpenWithReason, ConfirmMatch, ViewAudit, ManageUsers, ViewStats, RecordCare, ReportMissing, UpdateMissing, ViewPack, ExportReturn, ReviewDuplicates, ExportChildren, ManageTeam, EditProfile, MergeRecords, ScreenChild, RecordNetwork, ViewNetwork, SearchNetwork, RecordBureau, SubjectAccess, ApplyRetention}

// reach is how far a grant extends.
type reach int

const (
	ownOrg       reach = iota + 1 // records owned by the actor's organisation
	team                          // only children whose team the actor is in, as their part allows (team.go)
	anyOrg                        // every organisation (search results carry minimal facts only)
	whileMissing                  // any child currently missing (the police's search), else own organisation
)

var practitioner = map[Action]reach{
	ViewChild: ownOrg, CreateChild: ownOrg, EditChild: ownOrg, AddEncounter: ownOrg, SearchRegistry: anyOrg,
	OpenWithReason: anyOrg, ConfirmMatch: anyOrg, ScreenChild: ownOrg, RecordNetwork: ownOrg, SearchNetwork: anyOrg, RecordBureau: ownOrg,
}

var caring = map[Action]reach{RecordCare: ownOrg, ReportMissing: ownOrg, UpdateMissing: ownOrg, ViewPack: ownOrg, EditProfile: ownOrg}

var teamOnly = map[Action]reach{ViewChild: team, ViewPack: team}

var grants = map[Role]map[Action]reach{
	RoleBorder:       practitioner,
	RoleSocialWorker: with(practitioner, caring),
	RolePolice: with(practitioner, map[Action]reach{UpdateMissing: whileMissing, ViewPack: whileMissing, ScreenChild: whileMissing,
		RecordNetwork: whileMissing, ViewNetwork: ownOrg, RecordBureau: whileMissing}),
	RoleManager: with(practitioner, caring, map[Action]reach{ViewStats: ownOrg, ExportReturn: ownOrg, ReviewDuplicates: ownOrg, ManageTeam: ownOrg, MergeRecords: ownOrg,
		ViewNetwork: ownOrg, SubjectAccess: ownOrg}),
	RoleICTG:      with(teamOnly, map[Action]reach{SearchRegistry: anyOrg}),
	RoleKeyWorker: with(teamOnly, map[Action]reach{SearchRegistry: anyOrg}),
	RoleCarer:     with(teamOnly, map[Action]reach{ReportMissing: team, EditProfile: team}),
	RoleAnalyst:   {ViewStats: anyOrg}, // aggregates only, small counts suppressed (internal/report)
	RoleAdmin:     {ViewAudit: ownOrg, ManageUsers: ownOrg},
	RoleOperator:  {ExportChildren: anyOrg, ExportReturn: anyOrg, ManageUsers: anyOrg, RecordNetwork: anyOrg, SubjectAccess: anyOrg, ApplyRetention: anyOrg}, // RecordNetwork: a network file imported
}

func with(grantSets ...map[Action]reach) map[Action]reach {
	m := map[Action]reach{}
	for _, each := range grantSets {
		maps.Copy(m, each)
	}
	return m
}

// Actor is who is acting: a signed-in user or an API token.
type Actor struct {
	UserID  string
	TokenID string
	OrgID   string
	Role    Role
	Name    string
	Addr    string
}

// Operator is the actor of a command run on the server by the named account.
func Operator(account string) Actor {
	return Actor{Role: RoleOperator, Name: "command line (" + account + ")", Addr: "local"}
}

// Scope is what an action touches: the owning organisation and, for children, the team around
// the child and who holds a live grant to view it, given for a stated reason.
type Scope struct {
	OrgID      string
	Team       []Member // the current parts, with UserID and Role set
	GrantedTo  []string
	Missing    bool     // the child is missing now
	HandoverTo string   // the council a waiting handover would make responsible
	Former     []string // the organisations responsible before, the recording one first
}

// Can reports whether actor may do act within scope; the error says why not. This is the one place
// permissions are decided.
func Can(a Actor, act Action, s Scope) error {
	if a.Role == "" || (a.OrgID == "" && a.Role != RoleOperator) {
		return Errorf(EUNAUTHORIZED, "Please sign in.")
	}
	if act == ViewChild && a.UserID != "" && slices.Contains(s.GrantedTo, a.UserID) && grants[a.Role][OpenWithReason] != 0 {
		return nil // opened with a stated reason, audited when granted
	}
	if act == ViewChild && s.HandoverTo != "" && s.HandoverTo == a.OrgID && grants[a.Role][RecordCare] == ownOrg {
		return nil // the council asked to take the child on reads the record to decide
	}
	if s.teamAllows(a, act) {
		return nil
	}
	if act == ViewNetwork && grants[a.Role][ViewNetwork] != 0 {
		whole := s
		whole.Former = nil // an organisation that handed the child on sees its own time, not who is around the child now
		if Can(a, ViewChild, whole) == nil {
			return nil // the network of any child they may see, their own or one opened with a reason
		}
	}
	if act == ViewChild && slices.Contains(s.Former, a.OrgID) && grants[a.Role][ViewChild] == ownOrg {
		return nil // the record of its own time (Registry.Child cuts the rest)
	}
	switch grants[a.Role][act] {
	case anyOrg:
		return nil
	case ownOrg:
		if s.OrgID == a.OrgID {
			return nil
		}
	case whileMissing:
		if s.Missing || s.OrgID == a.OrgID {
			return nil
		}
	}
	return Errorf(EFORBIDDEN, "Your role (%s) does not allow this here.", a.Role.Label())
}

// teamAllows reports whether a's part in the child's team lets them act, whatever organisation
// they belong to.
func (s Scope) teamAllows(a Actor, act Action) bool {
	if a.UserID == "" {
		return false
	}
	for _, m := range s.Team {
		if m.UserID == a.UserID && m.Role.HeldBy(a.Role) && slices.Contains(parts[m.Role].may, act) {
			return true
		}
	}
	return false
}

// InTeam reports whether the user has a part in the child's team.
func (s Scope) InTeam(userID string) bool {
	return slices.ContainsFunc(s.Team, func(m Member) bool { return m.UserID == userID })
}

// Allowed reports whether the role has the action anywhere: used to show or hide menu entries.
func (r Role) Allowed(act Action) bool { return grants[r][act] != 0 }

// SeesMissingBoard reports whether the role has the board of children missing now: its own
// organisation's, or (the police) every organisation's.
func (r Role) SeesMissingBoard() bool {
	g := grants[r][ViewPack]
	return g == ownOrg || g == whileMissing
}

// SeesAlerts reports whether alerts are addressed to the role (the SQL of AlertsFor says whose).
func (r Role) SeesAlerts() bool {
	return slices.Contains([]Role{RoleManager, RoleSocialWorker, RoleICTG, RoleKeyWorker, RoleCarer, RolePolice}, r)
}

// CaseloadReach says which children an actor's caseload holds: all of their own organisation's,
// or only those whose team the actor is in. Roles that see no children get EFORBIDDEN.
func (a Actor) CaseloadReach() (teamOnly bool, err error) {
	switch grants[a.Role][ViewChild] {
	case ownOrg:
		return false, nil
	case team:
		if a.UserID == "" { // a token is no one: it is in no team
			return false, Errorf(EFORBIDDEN, "Your role (%s) sees only the children whose team you are in, and an API token is not a person.", a.Role.Label())
		}
		return true, nil
	}
	return false, Errorf(EFORBIDDEN, "Your role (%s) does not see children's records.", a.Role.Label())
}

// TokenAllowed says whether an API token may act with role r. A token acts for an organisation,
// not for a person, so a role that sees only the children whose team a person is in cannot have one.
func (r Role) TokenAllowed() error {
	if !r.Valid() {
		return Errorf(EINVALID, "%q is not a role.", r)
	}
	if grants[r][ViewChild] == team {
		return Errorf(EINVALID, "A %s sees only the children whose team they are in; an API token is not a person, so it cannot act as one.", r.Label())
	}
	return nil
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// InCaseload reports whether a child is in a's caseload, for deadlines and alerts: a manager's
// whole organisation, the children whose team a person is in, and for a social worker also their
// organisation's children with no social worker in the team (the SQL of AlertsFor says the same).
func InCaseload(a Actor, sc Scope) bool {
	switch {
	case sc.OrgID == a.OrgID && a.Role == RoleManager:
		return true
	case a.UserID != "" && sc.InTeam(a.UserID):
		return true
	}
	return sc.OrgID == a.OrgID && a.Role == RoleSocialWorker && !sc.hasSocialWorker()
}

func (s Scope) hasSocialWorker() bool {
	return slices.ContainsFunc(s.Team, func(m Member) bool { return m.Role == TeamSocialWorker })
}
