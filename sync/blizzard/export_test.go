package blizzard

import (
	"context"
	"time"
)

// SetSleep replaces the retry wait so tests see the delays without spending them.
func SetSleep(c *Client, f func(ctx context.Context, d time.Duration) error) { c.sleep = f }
