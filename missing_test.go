package waymark_test

import (
	"testing"
	"time"

	"github.com/waymark-org/waymark"
)

func TestNextReview(t *testing.T) {
	seen := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := &waymark.MissingEpisode{LastSeenAt: seen}
	for _, tc := range []struct {
		name    string
		last    time.Time
		risk    string
		want    time.Time
		monthly bool
	}{
		{"high: 2 hours", seen.Add(time.Hour), "high", seen.Add(3 * time.Hour), false},
		{"medium: 6 hours", seen, "medium", seen.Add(6 * time.Hour), false},
		{"low: 12 hours", seen, "low", seen.Add(12 * time.Hour), false},
		{"very low: a day", seen, "very_low", seen.Add(24 * time.Hour), false},
		{"the 28th day is a monthly review", seen.Add(27*24*time.Hour + 20*time.Hour), "very_low", seen.Add(28 * 24 * time.Hour), true},
		{"long-term: a month on", seen.Add(40 * 24 * time.Hour), "high", seen.Add(40*24*time.Hour).AddDate(0, 1, 0), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, monthly := e.NextReview(waymark.RiskReview{At: tc.last, Risk: tc.risk})
			if !got.Equal(tc.want) || monthly != tc.monthly {
				t.Fatalf("got %v %v, want %v %v", got, monthly, tc.want, tc.monthly)
			}
		})
	}
}

func TestReturnInterview(t *testing.T) {
	seen := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	found := seen.Add(30 * time.Hour)
	now := found.Add(10 * time.Hour)
	for _, tc := range []struct {
		name    string
		found   time.Time
		where   string
		iv      waymark.Interview
		problem string // the field named, or "" when accepted
	}{
		{"still missing", time.Time{}, "", waymark.Interview{OfferedAt: now}, "interview_offered_at"},
		{"only turned absent", found, waymark.KindChanged, waymark.Interview{OfferedAt: now}, "interview_offered_at"},
		{"found in custody: due", found, "in_custody", waymark.Interview{OfferedAt: found.Add(time.Hour), Declined: true}, ""},
		{"offered before the find", found, "in_hospital", waymark.Interview{OfferedAt: seen, Declined: true}, "interview_offered_at"},
		{"accepted but not held", found, "other", waymark.Interview{OfferedAt: found, InterviewBy: "A"}, "interview_at"},
		{"held by nobody", found, "other", waymark.Interview{OfferedAt: found, InterviewAt: now}, "interview_by"},
		{"held", found, "other", waymark.Interview{OfferedAt: found, InterviewAt: now, InterviewBy: "A. Advocate", Independent: true,
			Learnt: waymark.Learnt{PushPull: "debt to a man called K"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &waymark.MissingEpisode{LastSeenAt: seen, FoundAt: tc.found, FoundWhere: tc.where}
			err := e.RecordInterview(tc.iv, now)
			got := ""
			if fs := waymark.ErrorFields(err); len(fs) > 0 {
				got = fs[0].Field
			}
			if got != tc.problem {
				t.Fatalf("named %q (%v), want %q", got, err, tc.problem)
			}
			if tc.problem == "" && (e.InterviewPending() || !e.InterviewDue().Equal(found.Add(waymark.ReturnInterviewWithin))) {
				t.Fatalf("after the interview: pending %v, due %v", e.InterviewPending(), e.InterviewDue())
			}
		})
	}
}
