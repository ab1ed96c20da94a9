package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Retained is one thing the retention rules say has been kept long enough.
type Retained struct {
	ChildID, Ref, OrgID string
	Kind                string // the rule: waymark.RetentionRules' kind
	Why                 string // the rule and the day its years ran out
	Goes                string // what is erased, by kind and number, never the facts
}

// SetRetention sets how many years an organisation keeps a kind of record (0: for ever); audited.
func (r *Registry) SetRetention(ctx context.Context, a waymark.Actor, orgID, kind string, years int) error {
	if err := r.check(ctx, a, waymark.ApplyRetention, waymark.Scope{OrgID: orgID}, "organisation", orgID); err != nil {
		return err
	}
	if _, err := waymark.RetentionRuleOf(kind); err != nil {
		return err
	}
	if years < 0 || years > 150 {
		return waymark.Invalid("years", "Give the years as a whole number from 0 (kept for ever) to 150")
	}
	return r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetRetention(orgID, kind, years); err != nil {
			return err
		}
		e := entry(a, "retention.rule", "organisation", orgID, orgID)
		e.Reason = fmt.Sprintf("%s kept %d years", kind, years)
		return tx.Audit(e)
	})
}

// RetentionPlan lists what the retention rules of each organisation (of orgID alone, when given)
// say has been kept long enough, as of now: a dry run of ApplyRetention.
func (r *Registry) RetentionPlan(ctx context.Context, a waymark.Actor, orgID string) ([]Retained, error) {
	if err := r.check(ctx, a, waymark.ApplyRetention, waymark.Scope{OrgID: cmp.Or(orgID, "any")}, "retention", ""); err != nil {
		return nil, err
	}
	now := r.store.Now()
	years := map[string]map[string]int{} // by organisation
	var out []Retained
	err := r.store.AllChildren(ctx, orgID, func(c *waymark.Child) error {
		if c.MergedInto != "" { // erased with the record it was merged into
			return nil
		}
		ys, ok := years[c.OrgID]
		if !ok {
			var err error
			if ys, err = r.store.RetentionYears(ctx, c.OrgID); err != nil {
				return err
			}
			years[c.OrgID] = ys
		}
		out = append(out, retained(c, ys, now)...)
		return nil
	})
	return out, err
}

// keepYears is how many years an organisation (its years over the defaults) keeps kind.
func keepYears(years map[string]int, kind string) int {
	if y, ok := years[kind]; ok {
		return y
	}
	rule, _ := waymark.RetentionRuleOf(kind)
	return rule.Years
}

// biometricPast returns when a biometric was taken (the record's making, when not given) and
// whether y years from then have passed (never, when y is 0).
func biometricPast(c *waymark.Child, b waymark.Biometric, y int, now time.Time) (time.Time, bool) {
	taken, err := time.Parse(waymark.DateLayout, b.TakenOn)
	if err != nil {
		taken = c.CreatedAt
	}
	return taken, y > 0 && !taken.AddDate(y, 0, 0).After(now)
}

// retained is what of c the rules say has gone past its time: the whole record, or else its
// biometrics.
func retained(c *waymark.Child, years map[string]int, now time.Time) []Retained {
	item := func(kind, why, goes string) Retained {
		return Retained{ChildID: c.ID, Ref: c.Ref, OrgID: c.OrgID, Kind: kind, Why: why, Goes: goes}
	}
	from, basis := c.CreatedAt, "recorded"
	if dob, err := time.Parse(waymark.DateLayout, c.DateOfBirth); err == nil {
		from, basis = dob, "born"
	}
	if y := keepYears(years, "case_record"); y > 0 && !from.AddDate(y, 0, 0).After(now) {
		return []Retained{item("case_record", fmt.Sprintf("case_record: kept %d years from when %s, to %s", y, basis, from.AddDate(y, 0, 0).Format(waymark.DateLayout)),
			"the record with its photos, contacts, care and links")}
	}
	if assessed, adult := foundAdult(c); adult && c.MinimisedOn == "" {
		if y := keepYears(years, "adult_record"); y > 0 && !assessed.AddDate(y, 0, 0).After(now) {
			return []Retained{item("adult_record", fmt.Sprintf("adult_record: found an adult by the age assessment of %s, kept %d years", c.AgeAssessedOn, y),
				"names, photos, documents, phones, biometrics and the other identifying details")}
		}
	}
	y := keepYears(years, "biometrics")
	var gone []string
	for _, b := range c.Biometrics {
		if taken, past := biometricPast(c, b, y, now); past {
			gone = append(gone, fmt.Sprintf("%s taken %s", b.Kind, taken.Format(waymark.DateLayout)))
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return []Retained{item("biometrics", fmt.Sprintf("biometrics: kept %d years from when taken", y), strings.Join(gone, ", "))}
}

// foundAdult returns the day an age assessment concluded and whether the date of birth it gave
// made the person 18 or more on it.
func foundAdult(c *waymark.Child) (time.Time, bool) {
	assessed, err := time.Parse(waymark.DateLayout, c.AgeAssessedOn)
	dob, err2 := time.Parse(waymark.DateLayout, c.DateOfBirth)
	return assessed, err == nil && err2 == nil && c.AgeBasis == "age_assessment" && !dob.AddDate(18, 0, 0).After(assessed)
}

// minimise keeps of c only what is not identifying: the reference, sex, year of birth,
// nationality and the age assessment.
func minimise(c *waymark.Child, today time.Time) {
	keep := waymark.Child{ID: c.ID, Ref: c.Ref, OrgID: c.OrgID, RecordedByOrgID: c.RecordedByOrgID, Sex: c.Sex, Nationality: c.Nationality,
		AgeBasis: c.AgeBasis, AgeAssessedOn: c.AgeAssessedOn, CreatedAt: c.CreatedAt, MinimisedOn: today.Format(waymark.DateLayout)}
	if len(c.DateOfBirth) >= 4 {
		keep.DateOfBirth, keep.DOBEstimated = c.DateOfBirth[:4]+"-01-01", true
	}
	*c = keep
}

// ApplyRetention erases what RetentionPlan lists, each child in its own transaction with its audit
// entry (the rule and what went, never the facts), and takes erased records out of the index. It
// returns what it erased.
func (r *Registry) ApplyRetention(ctx context.Context, a waymark.Actor, orgID string) ([]Retained, error) {
	plan, err := r.RetentionPlan(ctx, a, orgID)
	if err != nil {
		return nil, err
	}
	var done []Retained
	for _, item := range plan {
		if err := r.erase(ctx, a, item); err != nil {
			return done, fmt.Errorf("erase %s (%s): %w", item.Ref, item.Kind, err)
		}
		done = append(done, item)
	}
	return done, nil
}

func (r *Registry) erase(ctx context.Context, a waymark.Actor, item Retained) error {
	var kept *waymark.Child
	err := r.store.InTx(ctx, func(tx *sqlstore.Tx) error {
		switch item.Kind {
		case "case_record":
			if err := tx.EraseChild(item.ChildID); err != nil {
				return err
			}
		case "adult_record":
			c, err := tx.Child(item.ChildID)
			if err != nil {
				return err
			}
			minimise(c, r.store.Now())
			if err := tx.UpdateChild(c); err != nil {
				return err
			}
			if err := tx.DeletePhotos(c.ID); err != nil {
				return err
			}
		default:
			c, err := tx.Child(item.ChildID)
			if err != nil {
				return err
			}
			years, err := r.store.RetentionYears(ctx, c.OrgID)
			if err != nil {
				return err
			}
			y, now := keepYears(years, "biometrics"), r.store.Now()
			c.Biometrics = slices.DeleteFunc(c.Biometrics, func(b waymark.Biometric) bool {
				_, past := biometricPast(c, b, y, now)
				return past
			})
			if err := tx.UpdateChild(c); err != nil {
				return err
			}
			kept = c
		}
		e := entry(a, "retention."+map[string]string{"case_record": "erase", "adult_record": "minimise", "biometrics": "biometrics"}[item.Kind], "child", item.ChildID, item.OrgID)
		e.Reason = item.Why + "; erased: " + item.Goes
		return tx.Audit(e)
	})
	if err != nil {
		return err
	}
	if kept == nil { // erased or minimised: nothing left to find them by
		r.Engine.Index.Remove(item.ChildID)
	} else {
		r.index(kept)
	}
	return nil
}
