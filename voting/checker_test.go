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

	"patt/dbtest"
	"patt/models"
)

// RunChecker's first pass runs at once (§12.11): a due draft goes live and
// its launch post is queued in the same pass.
func TestRunCheckerFirstPass(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := seedCampaign(t, db, nil, "A", "B", "C")
		now := t0.Add(3 * time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			RunChecker(ctx, db, func() time.Time { return now }, time.Hour,
				slog.New(slog.NewTextHandler(io.Discard, nil)), &Agent{BaseURL: "https://patt.test", Pick: pickFirst})
			close(done)
		}()
		require.Eventually(t, func() bool {
			got, err := Get(db, c.ID)
			return err == nil && got.Status == StatusLive && len(agentLog(t, db, c.ID)) == 1
		}, 10*time.Second, 50*time.Millisecond)
		cancel()
		<-done
		assert.Equal(t, EventLaunch, agentLog(t, db, c.ID)[0].EventType)
	})
}

// With the advisory lock held elsewhere (another instance), a pass does
// nothing; once it is free, the pass runs.
func TestCheckerAdvisoryLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		if models.DialectOf(db) != models.Postgres {
			t.Skip("advisory locks are Postgres only; SQLite has one writer anyway")
		}
		c := seedCampaign(t, db, nil, "A", "B", "C")
		now := t0.Add(3 * time.Hour)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		sqlDB, err := db.DB()
		require.NoError(t, err)
		ctx := context.Background()
		other, err := sqlDB.Conn(ctx)
		require.NoError(t, err)
		defer other.Close()
		_, err = other.ExecContext(ctx, "SELECT pg_advisory_lock($1)", checkerLockKey)
		require.NoError(t, err)

		require.NoError(t, checkOnce(ctx, db, func() time.Time { return now }, log, &Agent{}))
		got, err := Get(db, c.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusDraft, got.Status, "another instance holds the lock: skipped")

		_, err = other.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", checkerLockKey)
		require.NoError(t, err)
		require.NoError(t, checkOnce(ctx, db, func() time.Time { return now }, log, &Agent{}))
		got, err = Get(db, c.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusLive, got.Status)
	})
}
