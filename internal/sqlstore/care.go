package sqlstore

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/screening"
)

// nullable stores a zero time as NULL and reads NULL back as zero.
type nullable struct{ t *time.Time }

func (n nullable) Value() (driver.Value, error) {
	if n.t.IsZero() {
		return nil, nil
	}
	return n.t.UTC(), nil
}

func (n nullable) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*n.t = time.Time{}
	case time.Time:
		*n.t = v.UTC()
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

type scanner = interface{ Scan(...any) error }

// CreatePlacement records a placement.
func (tx *Tx) CreatePlacement(p *waymark.Placement) error {
	p.ID = NewID()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO placements (id, child_id, org_id, type, provider, address, police_org_id,
		start_at, end_at, end_reason, recorded_by, created_at, provider_kind, postcode, ofsted_urn)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		p.ID, p.ChildID, p.OrgID, p.Type, p.Provider, tx.s.seal(p.Address, "placement", p.ID, "address"), p.PoliceOrgID, p.Start.UTC(), nullable{&p.End}, p.EndReason,
		p.RecordedBy, tx.s.now(), p.ProviderKind, p.Postcode, p.OfstedURN)
	if isUniqueViolation(err) {
		return &waymark.Error{Code: waymark.ECONFLICT, Message: "This child already has an open placement; end it first.",
			Fields: []waymark.FieldError{{Field: "start", Message: "another placement of this child is still open"}}}
	}
	return wrap(err, "insert placement")
}

// EndPlacement closes a placement.
func (tx *Tx) EndPlacement(id string, end time.Time, reason string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE placements SET end_at = $1, end_reason = $2 WHERE id = $3`, end.UTC(), reason, id)
	return wrap(err, "end placement")
}

const placementColumns = `id, child_id, org_id, type, provider, address, police_org_id, start_at, end_at, end_reason, recorded_by,
	provider_kind, postcode, ofsted_urn`

func (s *Store) scanPlacement(r scanner) (*waymark.Placement, error) {
	var p waymark.Placement
	if err := r.Scan(&p.ID, &p.ChildID, &p.OrgID, &p.Type, &p.Provider, &p.Address, &p.PoliceOrgID, &p.Start, nullable{&p.End},
		&p.EndReason, &p.RecordedBy, &p.ProviderKind, &p.Postcode, &p.OfstedURN); err != nil {
		return nil, err
	}
	p.Start = p.Start.UTC()
	return &p, s.open("placement", p.ID, map[string]*string{"address": &p.Address})
}

// Placements lists a child's placements, earliest first.
func (s *Store) Placements(ctx context.Context, childID string) ([]*waymark.Placement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+placementColumns+` FROM placements WHERE child_id = $1 ORDER BY start_at, created_at`, childID)
	if err != nil {
		return nil, fmt.Errorf("list placements: %w", err)
	}
	return collect(rows, s.scanPlacement)
}

// Placement returns one placement.
func (s *Store) Placement(ctx context.Context, id string) (*waymark.Placement, error) {
	p, err := s.scanPlacement(s.db.QueryRowContext(ctx, `SELECT `+placementColumns+` FROM placements WHERE id = $1`, id))
	return p, notFound(err, "placement")
}

// Unsuitable is an open placement that breaks a rule for its child: unsuitable, or unlawful.
type Unsuitable struct {
	*waymark.Placement
	Breaks []string // the rules it breaks (waymark.Rules)
}

// UnsuitablePlacements lists the open placements that break a rule for their child at now, for
// one organisation (or every one when orgID is empty), the longest-standing first.
func (s *Store) UnsuitablePlacements(ctx context.Context, orgID string, now time.Time) ([]Unsuitable, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("p.", placementColumns)+`, c.date_of_birth FROM placements p
		JOIN children c ON c.id = p.child_id WHERE p.type IN ('bnb_hostel', 'hotel', 'supported', 'other') AND p.end_at IS NULL
		AND ($1 = '' OR p.org_id = $1) ORDER BY p.start_at`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list unsuitable placements: %w", err)
	}
	all, err := collect(rows, func(r scanner) (Unsuitable, error) {
		var dob string
		p, err := s.scanPlacement(extraScanner{r, []any{&dob}})
		if err != nil {
			return Unsuitable{}, err
		}
		return Unsuitable{p, p.Breaks(dob, now)}, nil
	})
	return slices.DeleteFunc(all, func(u Unsuitable) bool { return len(u.Breaks) == 0 }), err
}

// extraScanner reads columns after those a scan function knows into more.
type extraScanner struct {
	scanner
	more []any
}

func (e extraScanner) Scan(dest ...any) error { return e.scanner.Scan(append(dest, e.more...)...) }

// prefixed qualifies each of a list of columns with a table's alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// CreateScreening records a screening for trafficking indicators.
func (tx *Tx) CreateScreening(sc *waymark.Screening) error {
	sc.ID = NewID()
	seal := func(v, col string) string { return tx.s.seal(v, "screening", sc.ID, col) }
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO screenings (id, child_id, org_id, date, outcome, exploitation, recorded_by,
		created_at, indicators, catalogue, account, judgement, interpreter_language, interpreter_mode)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, sc.ID, sc.ChildID, sc.OrgID, sc.Date.UTC(), sc.Outcome,
		strings.Join(sc.Exploitation, ","), sc.RecordedBy, tx.s.now(), strings.Join(sc.Indicators, ","), sc.Catalogue,
		seal(sc.Account, "account"), seal(sc.Judgement, "judgement"), sc.InterpreterLanguage, sc.InterpreterMode)
	return wrap(err, "insert screening")
}

const screeningColumns = `id, child_id, org_id, date, outcome, exploitation, recorded_by, indicators, catalogue, account, judgement,
	interpreter_language, interpreter_mode`

func (s *Store) scanScreening(r scanner) (*waymark.Screening, error) {
	var sc waymark.Screening
	var exp, ind string
	if err := r.Scan(&sc.ID, &sc.ChildID, &sc.OrgID, &sc.Date, &sc.Outcome, &exp, &sc.RecordedBy, &ind, &sc.Catalogue,
		&sc.Account, &sc.Judgement, &sc.InterpreterLanguage, &sc.InterpreterMode); err != nil {
		return nil, err
	}
	sc.Date = sc.Date.UTC()
	if exp != "" {
		sc.Exploitation = strings.Split(exp, ",")
	}
	if ind != "" {
		sc.Indicators = strings.Split(ind, ",")
	}
	return &sc, s.open("screening", sc.ID, map[string]*string{"account": &sc.Account, "judgement": &sc.Judgement})
}

// Screenings lists a child's screenings, earliest first.
func (s *Store) Screenings(ctx context.Context, childID string) ([]*waymark.Screening, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+screeningColumns+` FROM screenings WHERE child_id = $1 ORDER BY date, created_at`, childID)
	if err != nil {
		return nil, fmt.Errorf("list screenings: %w", err)
	}
	return collect(rows, s.scanScreening)
}

const episodeColumns = `id, child_id, org_id, kind, last_seen_at, last_seen_place, last_seen_with, clothing, circumstances,
	reported_at, police_ref, police_org_id, risk, risk_factors, placement_type, found_at, found_place, found_by, found_where,
	found_detail, returned_at, interview_at, interview_by, declined, history, recorded_by, interview_offered_at, interview_role,
	interview_independent, interview_learnt, prevention_at, prevention_by, prevention_note, followed_by`

func (tx *Tx) episodeArgs(e *waymark.MissingEpisode) ([]any, error) {
	history, err := json.Marshal(e.History)
	if err != nil {
		return nil, fmt.Errorf("encode history: %w", err)
	}
	seal := func(v, col string) string { return tx.s.seal(v, "episode", e.ID, col) }
	learnt := ""
	if e.Learnt != (waymark.Learnt{}) {
		b, err := json.Marshal(e.Learnt)
		if err != nil {
			return nil, fmt.Errorf("encode what was learnt: %w", err)
		}
		learnt = seal(string(b), "interview_learnt")
	}
	return []any{e.ID, e.ChildID, e.OrgID, e.Kind, e.LastSeenAt.UTC(), seal(e.LastSeenPlace, "last_seen_place"),
		seal(e.LastSeenWith, "last_seen_with"), seal(e.Clothing, "clothing"), seal(e.Circumstances, "circumstances"),
		e.ReportedAt.UTC(), e.PoliceRef, e.PoliceOrgID, e.Risk, strings.Join(e.RiskFactors, ","), e.PlacementType,
		nullable{&e.FoundAt}, seal(e.FoundPlace, "found_place"), seal(e.FoundBy, "found_by"), e.FoundWhere,
		seal(e.FoundDetail, "found_detail"), nullable{&e.ReturnedAt}, nullable{&e.InterviewAt}, e.InterviewBy, e.Declined,
		string(history), e.RecordedBy, nullable{&e.OfferedAt}, e.ByRole, e.Independent, learnt, nullable{&e.PreventionAt},
		seal(e.PreventionBy, "prevention_by"), seal(e.PreventionNote, "prevention_note"), e.FollowedBy}, nil
}

func (s *Store) scanEpisode(r scanner) (*waymark.MissingEpisode, error) {
	var e waymark.MissingEpisode
	var factors, history, learnt string
	err := r.Scan(&e.ID, &e.ChildID, &e.OrgID, &e.Kind, &e.LastSeenAt, &e.LastSeenPlace, &e.LastSeenWith, &e.Clothing,
		&e.Circumstances, &e.ReportedAt, &e.PoliceRef, &e.PoliceOrgID, &e.Risk, &factors, &e.PlacementType, nullable{&e.FoundAt},
		&e.FoundPlace, &e.FoundBy, &e.FoundWhere, &e.FoundDetail, nullable{&e.ReturnedAt}, nullable{&e.InterviewAt},
		&e.InterviewBy, &e.Declined, &history, &e.RecordedBy, nullable{&e.OfferedAt}, &e.ByRole, &e.Independent, &learnt,
		nullable{&e.PreventionAt}, &e.PreventionBy, &e.PreventionNote, &e.FollowedBy)
	if err != nil {
		return nil, err
	}
	e.LastSeenAt, e.ReportedAt = e.LastSeenAt.UTC(), e.ReportedAt.UTC()
	if factors != "" {
		e.RiskFactors = strings.Split(factors, ",")
	}
	if err := json.Unmarshal([]byte(history), &e.History); err != nil {
		return nil, fmt.Errorf("decode episode history: %w", err)
	}
	if err := s.open("episode", e.ID, map[string]*string{"last_seen_place": &e.LastSeenPlace, "last_seen_with": &e.LastSeenWith,
		"clothing": &e.Clothing, "circumstances": &e.Circumstances, "found_place": &e.FoundPlace, "found_by": &e.FoundBy,
		"found_detail": &e.FoundDetail, "interview_learnt": &learnt, "prevention_by": &e.PreventionBy, "prevention_note": &e.PreventionNote}); err != nil {
		return nil, err
	}
	if learnt != "" {
		if err := json.Unmarshal([]byte(learnt), &e.Learnt); err != nil {
			return nil, fmt.Errorf("decode what was learnt: %w", err)
		}
	}
	return &e, nil
}

// CreateEpisode records a new missing episode.
func (tx *Tx) CreateEpisode(e *waymark.MissingEpisode) error {
	e.ID = NewID()
	args, err := tx.episodeArgs(e)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO missing_episodes (`+episodeColumns+`, created_at) VALUES (`+placeholders(1, len(args)+1)+`)`,
		append(args, tx.s.now())...)
	if isUniqueViolation(err) {
		return waymark.Errorf(waymark.ECONFLICT, "This child is already reported missing; update that episode instead.")
	} else if err != nil {
		return fmt.Errorf("insert missing episode: %w", err)
	}
	// The report grades the risk first: the reviews follow from it.
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO missing_reviews (id, episode_id, child_id, at, by_name, risk, note)
		VALUES ($1, $2, $3, $4, $5, $6, '')`, e.ID+"-report", e.ID, e.ChildID, e.ReportedAt.UTC(), e.RecordedBy, e.Risk)
	return wrap(err, "record the report's risk")
}

// UpdateEpisode replaces what an episode records (not its child or organisation).
func (tx *Tx) UpdateEpisode(e *waymark.MissingEpisode) error {
	args, err := tx.episodeArgs(e)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `UPDATE missing_episodes SET kind = $4, last_seen_at = $5, last_seen_place = $6,
		last_seen_with = $7, clothing = $8, circumstances = $9, reported_at = $10, police_ref = $11, police_org_id = $12,
		risk = $13, risk_factors = $14, placement_type = $15, found_at = $16, found_place = $17, found_by = $18, found_where = $19,
		found_detail = $20, returned_at = $21, interview_at = $22, interview_by = $23, declined = $24, history = $25,
		recorded_by = $26, interview_offered_at = $27, interview_role = $28, interview_independent = $29, interview_learnt = $30,
		prevention_at = $31, prevention_by = $32, prevention_note = $33, followed_by = $34 WHERE id = $1 AND child_id = $2 AND org_id = $3`, args...)
	return wrap(err, "update missing episode")
}

// Episode returns one missing episode.
func (s *Store) Episode(ctx context.Context, id string) (*waymark.MissingEpisode, error) {
	e, err := s.scanEpisode(s.db.QueryRowContext(ctx, `SELECT `+episodeColumns+` FROM missing_episodes WHERE id = $1`, id))
	return e, notFound(err, "missing episode")
}

// Episodes lists a child's missing episodes, earliest first.
func (s *Store) Episodes(ctx context.Context, childID string) ([]*waymark.MissingEpisode, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+episodeColumns+` FROM missing_episodes WHERE child_id = $1 ORDER BY last_seen_at`, childID)
	if err != nil {
		return nil, fmt.Errorf("list missing episodes: %w", err)
	}
	return collect(rows, s.scanEpisode)
}

// OpenEpisodes lists the children missing or absent now, longest missing first; orgID narrows to
// one organisation's children.
func (s *Store) OpenEpisodes(ctx context.Context, orgID string) ([]*waymark.MissingEpisode, error) {
	return s.openEpisodes(ctx, `($1 = '' OR org_id = $1)`, orgID)
}

func (s *Store) openEpisodes(ctx context.Context, cond string, arg any) ([]*waymark.MissingEpisode, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+episodeColumns+` FROM missing_episodes WHERE found_at IS NULL AND returned_at IS NULL
		AND `+cond+` ORDER BY last_seen_at`, arg)
	if err != nil {
		return nil, fmt.Errorf("list open missing episodes: %w", err)
	}
	return collect(rows, s.scanEpisode)
}

// HasEvent reports whether a child already has the placement, missing episode or screening an
// import brings (the same start, last seen or date), so that importing twice never duplicates.
func (tx *Tx) HasEvent(kind, childID string, at time.Time) (bool, error) {
	query, ok := map[string]string{
		"placement": `SELECT count(*) FROM placements WHERE child_id = $1 AND start_at = $2`,
		"missing":   `SELECT count(*) FROM missing_episodes WHERE child_id = $1 AND last_seen_at = $2`,
		"screening": `SELECT count(*) FROM screenings WHERE child_id = $1 AND date = $2`,
	}[kind]
	if !ok {
		return false, fmt.Errorf("no events of kind %q", kind)
	}
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, query, childID, at.UTC()).Scan(&n)
	return n > 0, wrap(err, "find "+kind)
}

// AddReview records a grading of a missing child's risk: the report's, or a review's.
func (tx *Tx) AddReview(e *waymark.MissingEpisode, rv *waymark.RiskReview) error {
	rv.ID = e.ID + "-" + NewID() // an alert naming the review leads to its episode
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO missing_reviews (id, episode_id, child_id, at, by_name, risk, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, rv.ID, e.ID, e.ChildID, rv.At.UTC(), rv.By, rv.Risk, tx.s.seal(rv.Note, "review", rv.ID, "note"))
	return wrap(err, "record risk review")
}

// Reviews lists the gradings of the risk of each episode, earliest first.
func (s *Store) Reviews(ctx context.Context, episodeIDs ...string) (map[string][]waymark.RiskReview, error) {
	if len(episodeIDs) == 0 {
		return map[string][]waymark.RiskReview{}, nil
	}
	in, args := inList(episodeIDs, 1)
	return s.reviews(ctx, `r.episode_id IN (`+in+`)`, args...)
}

// OpenReviews lists the gradings of the risk of every open episode, earliest first.
func (s *Store) OpenReviews(ctx context.Context) (map[string][]waymark.RiskReview, error) {
	return s.reviews(ctx, `EXISTS (SELECT 1 FROM missing_episodes e WHERE e.id = r.episode_id AND e.found_at IS NULL AND e.returned_at IS NULL)`)
}

func (s *Store) reviews(ctx context.Context, cond string, args ...any) (map[string][]waymark.RiskReview, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.episode_id, r.id, r.at, r.by_name, r.risk, r.note FROM missing_reviews r
		WHERE `+cond+` ORDER BY r.at, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list risk reviews: %w", err)
	}
	defer rows.Close()
	out := map[string][]waymark.RiskReview{}
	for rows.Next() {
		var episode string
		var rv waymark.RiskReview
		if err := rows.Scan(&episode, &rv.ID, &rv.At, &rv.By, &rv.Risk, &rv.Note); err != nil {
			return nil, fmt.Errorf("list risk reviews: %w", err)
		}
		if err := s.open("review", rv.ID, map[string]*string{"note": &rv.Note}); err != nil {
			return nil, err
		}
		rv.At = rv.At.UTC()
		out[episode] = append(out[episode], rv)
	}
	return out, wrap(rows.Err(), "list risk reviews")
}

// AddExploitation records a type of exploitation seen for a child.
func (tx *Tx) AddExploitation(x *waymark.ExploitationSeen) error {
	x.ID = NewID()
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO exploitation_seen (id, child_id, org_id, type, seen_on, source, note, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, x.ID, x.ChildID, x.OrgID, x.Type, x.SeenOn, x.Source,
		tx.s.seal(x.Note, "exploitation", x.ID, "note"), x.RecordedBy, tx.s.now())
	return wrap(err, "record exploitation seen")
}

const exploitationColumns = `id, child_id, org_id, type, seen_on, source, note, recorded_by`

func (s *Store) scanExploitation(r scanner) (*waymark.ExploitationSeen, error) {
	var x waymark.ExploitationSeen
	if err := r.Scan(&x.ID, &x.ChildID, &x.OrgID, &x.Type, &x.SeenOn, &x.Source, &x.Note, &x.RecordedBy); err != nil {
		return nil, err
	}
	return &x, s.open("exploitation", x.ID, map[string]*string{"note": &x.Note})
}

// Exploitation lists the exploitation seen for a child, earliest first.
func (s *Store) Exploitation(ctx context.Context, childID string) ([]*waymark.ExploitationSeen, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+exploitationColumns+` FROM exploitation_seen WHERE child_id = $1 ORDER BY seen_on, id`, childID)
	if err != nil {
		return nil, fmt.Errorf("list exploitation seen: %w", err)
	}
	return collect(rows, s.scanExploitation)
}

// AddLocalIndicator adds an organisation's own indicator.
func (tx *Tx) AddLocalIndicator(orgID string, in screening.Indicator) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO local_indicators (org_id, code, text, why, ask, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		orgID, in.Code, in.Text, in.Why, in.Ask, tx.s.now())
	if isUniqueViolation(err) {
		return waymark.Errorf(waymark.ECONFLICT, "The organisation already has an indicator %s.", in.Code)
	}
	return wrap(err, "add local indicator")
}

// LocalIndicators lists an organisation's own indicators, in the order they were added.
func (s *Store) LocalIndicators(ctx context.Context, orgID string) ([]screening.Indicator, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, text, why, ask FROM local_indicators WHERE org_id = $1 ORDER BY created_at, code`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list local indicators: %w", err)
	}
	return collect(rows, func(r scanner) (screening.Indicator, error) {
		var in screening.Indicator
		return in, r.Scan(&in.Code, &in.Text, &in.Why, &in.Ask)
	})
}
