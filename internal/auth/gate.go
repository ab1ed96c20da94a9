package auth

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy means every hashing slot stayed taken for as long as a caller may wait.
var ErrBusy = errors.New("auth: password hashing is busy")

// Gate bounds how many argon2id computations run at once. Each takes Default.Memory, so without
// a bound a crowd of sign-in attempts (known accounts or not, they cost the same) exhausts memory.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate returns a gate that lets as many hashes run at once as fit in budget bytes, and no more
// than there are processors to run them (but always one), each caller waiting at most wait.
func NewGate(budget uint64, wait time.Duration) *Gate {
	n := min(budget/(uint64(Default.Memory)<<10), uint64(runtime.GOMAXPROCS(0)))
	return &Gate{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Slots is how many hashes may run at once.
func (g *Gate) Slots() int { return cap(g.slots) }

// Busy is how many hashes run now.
func (g *Gate) Busy() int { return len(g.slots) }

// Acquire waits for a slot, until the gate's wait has passed (ErrBusy) or ctx ends; the caller
// must call release once its hashing is done.
func (g *Gate) Acquire(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
