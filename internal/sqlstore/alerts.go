package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
)

// RaiseAlerts records each alert unless one of the same kind for the same subject exists, and
// returns those it recorded: raising is idempotent, so a sweep repeated (or run by two instances)
// never raises twice. New alerts are queued for delivery to their organisations' channels. Two
// statements serve any number of alerts: the first sweep after a large import raises thousands.
func (tx *Tx) RaiseAlerts(as []*waymark.Alert) ([]*waymark.Alert, error) {
	if len(as) == 0 {
		return nil, nil
	}
	now := tx.s.now()
	rows, args := make([]string, len(as)), make([]any, 0, 8*len(as))
	for i, a := range as {
		a.ID, a.RaisedAt = NewID(), now
		rows[i] = "(" + placeholders(len(args)+1, 9) + ", NULL, '')"
		args = append(args, a.ID, a.Kind, a.Subject, a.ChildID, a.OrgID, a.PoliceOrgID, a.DueAt.UTC(), a.RaisedAt, a.Detail)
	}
	res, err := tx.tx.QueryContext(tx.ctx, `INSERT INTO alerts (id, kind, subject, child_id, org_id, police_org_id, due_at, raised_at,
		detail, cleared_at, cleared_by) VALUES `+strings.Join(rows, ", ")+` ON CONFLICT (kind, subject) DO NOTHING RETURNING id`, args...)
	if err != nil {
		return nil, fmt.Errorf("raise alerts: %w", err)
	}
	ids, err := collect(res, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("raise alerts: %w", err)
	}
	raised := slices.DeleteFunc(slices.Clone(as), func(a *waymark.Alert) bool { return !slices.Contains(ids, a.ID) })
	return raised, tx.queueDeliveries(raised, now)
}

// queueDeliveries queues each alert for every channel of its organisation and, for the alerts the
// police are told of, of its police force.
func (tx *Tx) queueDeliveries(as []*waymark.Alert, at time.Time) error {
	if len(as) == 0 {
		return nil
	}
	rows, args := make([]string, len(as)), []any{at}
	for i, a := range as {
		police := ""
		if a.Police() {
			police = a.PoliceOrgID
		}
		rows[i] = "(" + placeholders(len(args)+1, 3) + ")"
		args = append(args, a.ID, a.OrgID, police)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO deliveries (id, alert_id, channel_id, attempts, next_at, delivered_at, last_error)
		SELECT v.column1 || '-' || c.id, v.column1, c.id, 0, $1, NULL, '' FROM (VALUES `+strings.Join(rows, ", ")+`) AS v
		JOIN channels c ON c.org_id = v.column2 OR c.org_id = v.column3`, args...)
	return wrap(err, "queue alert deliveries")
}

// placeholders is "$from, $from+1, …", n of them.
func placeholders(from, n int) string {
	marks := make([]string, n)
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(marks, ", ")
}

// DismissAlert marks an alert done for one organisation, by a person of it; the others it is
// addressed to still see it.
func (tx *Tx) DismissAlert(id, orgID, by string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO alert_dismissals (alert_id, org_id, by_name, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (alert_id, org_id) DO NOTHING`, id, orgID, by, tx.s.now())
	return wrap(err, "dismiss alert")
}

// policeKinds lists, for SQL, the kinds of alert the police are told of.
var policeKinds = "'" + strings.Join(waymark.PoliceKinds(), "','") + "'"

// AcknowledgeAlert records that a person of orgID has seen an alert that stays, and what they did.
func (tx *Tx) AcknowledgeAlert(id, orgID, by, note string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO alert_acks (alert_id, org_id, by_name, note, at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (alert_id, org_id) DO UPDATE SET by_name = $3, note = $4, at = $5`,
		id, orgID, by, tx.s.seal(note, "alert_ack", id+"/"+orgID, "note"), tx.s.now())
	return wrap(err, "acknowledge alert")
}

// waitingHandover are the kinds of alert a handover raises while it waits.
const waitingHandover = `'handover_requested','handover_overdue','handover_unanswered','transfer_reminder','transfer_overdue','transfer_unanswered'`

// resolved says, per kind of alert, which subjects no longer need it: the rows of table that meet cond.
var resolved = []struct{ kinds, table, cond string }{
	{`'missing','missing_24h','missing_72h','missing_7d','missing_28d'`, "missing_episodes", "found_at IS NOT NULL OR returned_at IS NOT NULL"},
	{`'missing_risk_review','missing_monthly_review'`, "missing_reviews", `EXISTS (SELECT 1 FROM missing_reviews n WHERE n.episode_id = r.episode_id
		AND (n.at > r.at OR n.at = r.at AND n.id > r.id)) OR EXISTS (SELECT 1 FROM missing_episodes e WHERE e.id = r.episode_id AND e.found_at IS NOT NULL)`},
	{`'return_interview_due','return_interview_overdue','missing_found','missing_returned'`, "missing_episodes", "interview_at IS NOT NULL OR declined"},
	{`'unsuitable_placement'`, "placements", "end_at IS NOT NULL"},
	{`'identification_incomplete'`, "children", "missing = ''"},
	{waitingHandover, "handovers", "status <> 'open'"},
	{`'profile_review_due'`, "child_profiles", "superseded_at IS NOT NULL"},
	{`'safety_plan_review_due'`, "safety_plans", "superseded_at IS NOT NULL"},
	{`'safety_plan_due'`, "placements", "end_at IS NOT NULL OR EXISTS (SELECT 1 FROM safety_plans sp WHERE sp.child_id = r.child_id)"},
	{`'strategy_due'`, "strategy_discussions", "held_at IS NOT NULL"},
	{`'nrm_referral_due'`, "screenings", "EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.child_id = r.child_id)"},
	{`'ictg_referral_due'`, "screenings", "EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.child_id = r.child_id AND n.ictg_referred_on <> '')"},
	{`'nrm_rg_overdue'`, "children", "EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.child_id = r.id AND n.rg_date <> '')"},
	{`'merge_requested'`, "merges", "status <> 'requested'"},
	{`'strategy_action_due','strategy_action_overdue'`, "strategy_actions", "done_at IS NOT NULL"},
}

// ClearResolved clears every open alert whose cause is gone (the child found, the interview held,
// the placement ended, the record completed), and birthday alerts once a month old. It looks up
// each open alert's subject, so its cost follows the open alerts, not the registry.
func (tx *Tx) ClearResolved(now time.Time) (int64, error) {
	var total int64
	for _, r := range resolved {
		res, err := tx.tx.ExecContext(tx.ctx, `UPDATE alerts SET cleared_at = $1, cleared_by = 'resolved' WHERE cleared_at IS NULL
			AND kind IN (`+r.kinds+`) AND EXISTS (SELECT 1 FROM `+r.table+` r WHERE r.id = alerts.subject AND (`+r.cond+`))`, now.UTC())
		if err != nil {
			return total, fmt.Errorf("clear resolved alerts: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE alerts SET cleared_at = $1, cleared_by = 'resolved' WHERE cleared_at IS NULL
		AND kind IN ('turning_17_5', 'turning_18', 'leave_ending', 'leave_ends') AND due_at < $2`, now.UTC(), now.Add(-waymark.StaleAfter).UTC())
	if err != nil {
		return total, fmt.Errorf("clear past birthdays: %w", err)
	}
	n, _ := res.RowsAffected()
	return total + n, nil
}

const alertColumns = `a.id, a.kind, a.subject, a.child_id, c.ref, a.org_id, a.police_org_id, a.due_at, a.raised_at, a.cleared_at, a.cleared_by,
	a.detail, c.given_names, c.family_name, c.nationality`

func scanAlert(r scanner) (*waymark.Alert, error) {
	var a waymark.Alert
	var c waymark.Child
	err := r.Scan(&a.ID, &a.Kind, &a.Subject, &a.ChildID, &a.ChildRef, &a.OrgID, &a.PoliceOrgID, &a.DueAt, &a.RaisedAt,
		nullable{&a.ClearedAt}, &a.ClearedBy, &a.Detail, &c.GivenNames, &c.FamilyName, &c.Nationality)
	a.ChildName = c.Name()
	a.DueAt, a.RaisedAt = a.DueAt.UTC(), a.RaisedAt.UTC()
	return &a, err
}

// AlertsFor lists the first limit open alerts an actor is told of and their organisation has not
// marked done, newest first, with how many there are in all: a manager every alert of
// the organisation; anyone else those of the children whose team they are in (a social worker
// also those of their organisation's children with no social worker in the team); a police officer
// the missing-child alerts of placements their force covers.
func (s *Store) AlertsFor(ctx context.Context, a waymark.Actor, limit int) ([]*waymark.Alert, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+alertColumns+`, k.by_name, k.note, k.at, count(*) OVER () FROM alerts a
		JOIN children c ON c.id = a.child_id LEFT JOIN alert_acks k ON k.alert_id = a.id AND k.org_id = $1
		WHERE a.cleared_at IS NULL AND NOT EXISTS (SELECT 1 FROM alert_dismissals d WHERE d.alert_id = a.id AND d.org_id = $1) AND (
		  (a.org_id = $1 AND $2 = 'manager')
		  OR (a.org_id = $1 AND $2 = 'social_worker' AND NOT EXISTS (SELECT 1 FROM team_members x WHERE x.child_id = a.child_id
		      AND x.role = 'social_worker' AND x.ended_at IS NULL))
		  OR (a.org_id = $1 AND $2 = 'admin' AND a.kind = 'records_opened')
		  OR ($2 NOT IN ('admin', 'analyst') AND a.kind <> 'records_opened'
		      AND EXISTS (SELECT 1 FROM team_members x WHERE x.child_id = a.child_id AND x.user_id = $3 AND x.ended_at IS NULL))
		  OR (a.police_org_id = $1 AND $2 = 'police' AND a.kind IN (`+policeKinds+`))
		) ORDER BY a.due_at DESC LIMIT $4`, a.OrgID, string(a.Role), a.UserID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("list alerts: %w", err)
	}
	total := 0
	as, err := collect(rows, func(r scanner) (*waymark.Alert, error) {
		var by, note sql.NullString
		var at time.Time
		al, err := scanAlert(extraScanner{r, []any{&by, &note, nullable{&at}, &total}})
		if err != nil || !by.Valid {
			return al, err
		}
		al.Acknowledged = &waymark.Acknowledgement{By: by.String, At: at.UTC(), Note: note.String}
		return al, s.open("alert_ack", al.ID+"/"+a.OrgID, map[string]*string{"note": &al.Acknowledged.Note})
	})
	return as, total, err
}

// ChildAlerts lists every alert of one child (open and cleared), newest first.
func (s *Store) ChildAlerts(ctx context.Context, childID string) ([]*waymark.Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts a JOIN children c ON c.id = a.child_id
		WHERE a.child_id = $1 ORDER BY a.due_at DESC`, childID)
	if err != nil {
		return nil, fmt.Errorf("list child alerts: %w", err)
	}
	return collect(rows, scanAlert)
}

// Alert returns one alert.
func (s *Store) Alert(ctx context.Context, id string) (*waymark.Alert, error) {
	a, err := scanAlert(s.db.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts a JOIN children c ON c.id = a.child_id
		WHERE a.id = $1`, id))
	return a, notFound(err, "alert")
}

// RaisedSince returns the kind and subject of every alert, open or cleared, due at or after since:
// those a sweep need not raise again.
func (s *Store) RaisedSince(ctx context.Context, since time.Time) (map[[2]string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, subject FROM alerts WHERE due_at >= $1`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("list raised alerts: %w", err)
	}
	keys, err := collect(rows, func(r scanner) ([2]string, error) {
		var k [2]string
		return k, r.Scan(&k[0], &k[1])
	})
	set := make(map[[2]string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set, err
}

// inCaseload is waymark.InCaseload in SQL, for the child whose id is the column given: true for
// everyone when $1, the actor's organisation, is empty; $2 is the actor's role, $3 their user id.
func inCaseload(childID, childOrg string) string {
	return `($1 = '' OR EXISTS (SELECT 1 FROM team_members x WHERE x.child_id = ` + childID + ` AND x.user_id = $3 AND x.ended_at IS NULL)
		OR (` + childOrg + ` = $1 AND $2 = 'manager')
		OR (` + childOrg + ` = $1 AND $2 = 'social_worker' AND NOT EXISTS (SELECT 1 FROM team_members x WHERE x.child_id = ` + childID + `
		    AND x.role = 'social_worker' AND x.ended_at IS NULL)))`
}

// PendingInterviews lists the episodes of children in a's caseload (every organisation's, for the
// zero actor) who have returned and whose return interview is still to be held.
func (s *Store) PendingInterviews(ctx context.Context, a waymark.Actor) ([]*waymark.MissingEpisode, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+episodeColumns+` FROM missing_episodes WHERE found_at IS NOT NULL
		AND found_where <> 'kind_changed' AND interview_at IS NULL AND NOT declined AND `+inCaseload("child_id", "org_id")+` ORDER BY found_at`,
		a.OrgID, string(a.Role), a.UserID)
	if err != nil {
		return nil, fmt.Errorf("list pending interviews: %w", err)
	}
	return collect(rows, s.scanEpisode)
}

// ChildDate is a child with a date that sets a deadline.
type ChildDate struct {
	ChildID, OrgID string
	Ref            string
	DOB            string    // date of birth, for birthday deadlines
	At             time.Time // when the record was made, for the identification deadline
}

// BornBetween lists the children of a's caseload (every organisation's, for the zero actor) born
// on or after from and on or before to (YYYY-MM-DD).
func (s *Store) BornBetween(ctx context.Context, a waymark.Actor, from, to string) ([]ChildDate, error) {
	q := `SELECT id, org_id, ref, date_of_birth FROM children c WHERE date_of_birth >= $4 AND date_of_birth <= $5 AND merged_into = ''
		AND date_of_birth <> '' AND ` + inCaseload("c.id", "c.org_id")
	if teamOnly, _ := a.CaseloadReach(); a.OrgID != "" && !teamOnly { // a condition of its own, so that the organisation's index is used
		q += ` AND org_id = $1`
	}
	rows, err := s.db.QueryContext(ctx, q, a.OrgID, string(a.Role), a.UserID, from, to)
	if err != nil {
		return nil, fmt.Errorf("list birthdays: %w", err)
	}
	return collect(rows, func(r scanner) (ChildDate, error) {
		var d ChildDate
		return d, r.Scan(&d.ChildID, &d.OrgID, &d.Ref, &d.DOB)
	})
}

// IncompleteRecordedBetween lists children recorded between from and to whose identification
// record still lacks something.
func (s *Store) IncompleteRecordedBetween(ctx context.Context, from, to time.Time) ([]ChildDate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, org_id, created_at FROM children WHERE missing <> '' AND created_at >= $1
		AND created_at <= $2`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("list incomplete records: %w", err)
	}
	return collect(rows, func(r scanner) (ChildDate, error) {
		var d ChildDate
		err := r.Scan(&d.ChildID, &d.OrgID, &d.At)
		d.At = d.At.UTC()
		return d, err
	})
}

// LeaveExpiries lists the children with a recorded end of immigration leave (At), from the facts
// of those that have one.
func (s *Store) LeaveExpiries(ctx context.Context) ([]ChildDate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, org_id, ref, facts FROM children WHERE facts LIKE '%"leave_expiry":%' AND merged_into = ''`)
	if err != nil {
		return nil, fmt.Errorf("list leave expiries: %w", err)
	}
	return collect(rows, func(r scanner) (ChildDate, error) {
		var c ChildDate
		var f string
		if err := r.Scan(&c.ChildID, &c.OrgID, &c.Ref, &f); err != nil {
			return c, err
		}
		var plain facts
		if err := json.Unmarshal([]byte(f), &plain); err != nil {
			return c, fmt.Errorf("child %s facts: %w", c.ChildID, err)
		}
		c.At, err = time.Parse(waymark.DateLayout, plain.LeaveExpiry)
		return c, err
	})
}

// ConcernsNotReferred lists, for each child screened with a trafficking concern and not yet
// referred to the NRM, the first such screening.
func (s *Store) ConcernsNotReferred(ctx context.Context) ([]*waymark.Screening, error) {
	return s.firstConcerns(ctx, `NOT EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.child_id = s.child_id)`)
}

// ConcernsWithoutICTG lists, for each child screened with a trafficking concern and not yet
// referred to the ICTG service, the first such screening.
func (s *Store) ConcernsWithoutICTG(ctx context.Context) ([]*waymark.Screening, error) {
	return s.firstConcerns(ctx, `NOT EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.child_id = s.child_id AND n.ictg_referred_on <> '')`)
}

func (s *Store) firstConcerns(ctx context.Context, cond string) ([]*waymark.Screening, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, child_id, org_id, date FROM screenings s WHERE outcome = 'trafficking_concern'
		AND `+cond+` ORDER BY date, id`)
	if err != nil {
		return nil, fmt.Errorf("list concerns: %w", err)
	}
	all, err := collect(rows, func(r scanner) (*waymark.Screening, error) {
		var sc waymark.Screening
		return &sc, r.Scan(&sc.ID, &sc.ChildID, &sc.OrgID, &sc.Date)
	})
	seen := map[string]bool{}
	return slices.DeleteFunc(all, func(sc *waymark.Screening) bool {
		first := !seen[sc.ChildID]
		seen[sc.ChildID] = true
		return !first
	}), err
}
