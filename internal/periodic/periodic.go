// Package periodic runs background work on a fixed beat.
package periodic

import (
	"context"
	"time"
)

// Run calls f every interval until ctx ends.
func Run(ctx context.Context, interval time.Duration, f func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f(ctx)
		}
	}
}
