package voting

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/dbtest"
)

// The checker's first pass on the job runner runs at once (§12.11): a due
// scheduled campaign goes live and its launch post is queued in the same
// pass.
func TestCheckerJobFirstPass(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := seedCampaign(t, db, nil, "A", "B", "C")
		_, err := Activate(db, t0, c.ID)
		require.NoError(t, err)
		now := t0.Add(3 * time.Hour)
		agent := &Agent{BaseURL: "https://patt.test", Pick: pickFirst}
		r := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
		require.NoError(t, r.Add(jobs.Job{Name: "voting-checker", Schedule: jobs.Every(time.Hour),
			Run: func(ctx context.Context) error { return CheckerPass(ctx, db, now, agent) }}))
		r.Start(context.Background())
		require.Eventually(t, func() bool {
			got, err := Get(db, c.ID)
			return err == nil && got.Status == StatusLive && len(agentLog(t, db, c.ID)) == 1
		}, 10*time.Second, 20*time.Millisecond)
		require.NoError(t, r.Stop(context.Background()))
		assert.Equal(t, EventLaunch, agentLog(t, db, c.ID)[0].EventType)

		runs, err := jobs.Recent(db, "voting-checker", 5)
		require.NoError(t, err)
		require.NotEmpty(t, runs)
		last := runs[len(runs)-1]
		require.NotNil(t, last.Summary, "the run says what it changed")
		assert.Contains(t, *last.Summary, "activated")
	})
}
