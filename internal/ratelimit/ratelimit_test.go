package ratelimit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/ratelimit"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := ratelimit.New(3, 1, time.Minute, func() time.Time { return now })
	for _, step := range []struct {
		after time.Duration
		key   string
		ok    bool
		retry time.Duration
	}{
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, time.Minute},
		{0, "b", true, 0}, // each key has its own bucket
		{30 * time.Second, "a", false, 30 * time.Second},
		{30 * time.Second, "a", true, 0},
		{0, "a", false, time.Minute},
		{time.Hour, "a", true, 0}, // a bucket never fills past its burst
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, time.Minute},
	} {
		now = now.Add(step.after)
		ok, retry := l.Allow(step.key)
		if ok != step.ok || retry.Round(time.Second) != step.retry {
			t.Fatalf("%v later, %s: %v %v, want %v %v", step.after, step.key, ok, retry, step.ok, step.retry)
		}
	}
}

func TestLimiterForgetsFullBuckets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := ratelimit.New(1, 1, time.Second, func() time.Time { return now })
	for i := range 100_000 {
		l.Allow(fmt.Sprint(i))
	}
	if ok, _ := l.Allow("0"); ok {
		t.Fatal("a key used a moment ago was forgotten")
	}
	now = now.Add(2 * time.Second)
	l.Allow("new") // past the most keys held: the refilled buckets are forgotten, the new key's kept
	if ok, _ := l.Allow("new"); ok {
		t.Fatal("a key forgot its own use")
	}
}
