// Package ratelimit counts what each key (a client address, a user) may still do: a token bucket
// per key, kept in memory, so a flood is refused before it costs anything.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter lets each key do burst things at once, and n more every period.
type Limiter struct {
	burst   float64
	rate    float64 // tokens a second
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys is how many keys a limiter holds before it forgets those back to a full bucket.
const maxKeys = 100_000

// New returns a limiter allowing burst actions at once per key, refilled at n every per.
func New(burst, n int, per time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{burst: float64(burst), rate: float64(n) / per.Seconds(), buckets: map[string]*bucket{}, now: now}
}

// Allow takes one action from key's bucket; when it is empty, it says how long until one is back.
func (l *Limiter) Allow(key string) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxKeys {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// forgetFull drops the buckets that have refilled: remembering them changes nothing.
func (l *Limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
