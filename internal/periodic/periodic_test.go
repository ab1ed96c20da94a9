package periodic_test

import (
	"context"
	"testing"
	"time"

	"github.com/waymark-org/waymark/internal/periodic"
)

func TestRunBeatsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	done := make(chan struct{})
	go func() {
		periodic.Run(ctx, time.Millisecond, func(context.Context) {
			if calls++; calls == 3 {
				cancel()
			}
		})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if calls != 3 {
		t.Errorf("called %d times, want 3 (none after cancel)", calls)
	}
}
