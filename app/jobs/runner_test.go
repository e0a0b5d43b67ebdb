package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

func TestRunRecordsOutcome(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := jobs.New(db, nil, nil)
		require.NoError(t, r.Add(
			jobs.Job{Name: "fine", Run: func(ctx context.Context) error {
				jobs.Report(ctx, "activated %d", 2)
				return nil
			}},
			jobs.Job{Name: "broken", Run: func(context.Context) error { return errors.New("blizzard said 500") }},
			jobs.Job{Name: "panics", Run: func(context.Context) error { panic("boom") }},
		))

		run, err := r.RunAndWait(context.Background(), "fine")
		require.NoError(t, err)
		assert.Equal(t, jobs.StatusOK, run.Status)

		_, err = r.RunAndWait(context.Background(), "broken")
		assert.ErrorContains(t, err, "blizzard said 500")
		_, err = r.RunAndWait(context.Background(), "panics")
		assert.ErrorContains(t, err, "panic: boom")

		_, err = r.RunAndWait(context.Background(), "nope")
		assert.True(t, fault.Is(err, fault.KindNotFound))

		runs, err := jobs.Recent(db, "", 10)
		require.NoError(t, err)
		byJob := map[string]models.JobRun{}
		for _, r := range runs {
			byJob[r.Job] = r
		}
		require.Len(t, byJob, 3)
		assert.Equal(t, jobs.StatusOK, byJob["fine"].Status)
		require.NotNil(t, byJob["fine"].Summary)
		assert.Equal(t, "activated 2", *byJob["fine"].Summary)
		assert.NotNil(t, byJob["fine"].FinishedAt)
		assert.NotNil(t, byJob["fine"].DurationMs)
		assert.Equal(t, jobs.TriggerManual, byJob["fine"].Trigger)
		assert.Equal(t, jobs.StatusFailed, byJob["broken"].Status)
		assert.Equal(t, "blizzard said 500", *byJob["broken"].Error)
		assert.Equal(t, jobs.StatusFailed, byJob["panics"].Status)
		assert.Equal(t, "panic: boom", *byJob["panics"].Error)
	})
}

func TestNeverOverlapsItself(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		release := make(chan struct{})
		started := make(chan struct{}, 1)
		job := jobs.Job{Name: "slow", Run: func(ctx context.Context) error {
			started <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil
		}}
		r := jobs.New(db, nil, nil)
		require.NoError(t, r.Add(job))
		r.Start(context.Background())
		defer r.Stop(context.Background())

		require.NoError(t, r.RunNow("slow"))
		<-started
		assert.ErrorIs(t, r.RunNow("slow"), jobs.ErrBusy, "a manual run while running")
		_, err := r.RunAndWait(context.Background(), "slow")
		assert.ErrorIs(t, err, jobs.ErrBusy)

		if models.DialectOf(db) == models.Postgres {
			// A second instance on the same database is locked out too.
			other, err := models.Open(dsn, nil)
			require.NoError(t, err)
			defer func() { s, _ := other.DB(); s.Close() }()
			r2 := jobs.New(other, nil, nil)
			require.NoError(t, r2.Add(job))
			_, err = r2.RunAndWait(context.Background(), "slow")
			assert.ErrorIs(t, err, jobs.ErrBusy, "another instance holds the advisory lock")
		}
		close(release)
		require.Eventually(t, func() bool { return !r.Jobs()[0].Running }, 10*time.Second, 5*time.Millisecond)
		_, err = r.RunAndWait(context.Background(), "slow")
		started2 := <-started
		_ = started2
		assert.NoError(t, err, "free again once the first run ended")
	})
}

func TestScheduledRunsRepeatAndStopWaits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var n atomic.Int32
		blockSecond := make(chan struct{})
		r := jobs.New(db, nil, nil)
		require.NoError(t, r.Add(jobs.Job{Name: "tick", Schedule: jobs.Every(time.Millisecond),
			Run: func(ctx context.Context) error {
				if n.Add(1) == 3 {
					close(blockSecond)
					<-ctx.Done() // a long run that only shutdown ends
					return ctx.Err()
				}
				return nil
			}}))
		r.Start(context.Background())
		select {
		case <-blockSecond:
		case <-time.After(30 * time.Second):
			t.Fatal("the scheduled job did not run three times")
		}
		require.NoError(t, r.Stop(context.Background()))
		assert.Equal(t, int32(3), n.Load(), "nothing runs after Stop")

		runs, err := jobs.Recent(db, "tick", 10)
		require.NoError(t, err)
		require.Len(t, runs, 3)
		assert.Equal(t, jobs.StatusInterrupted, runs[0].Status, "the run shutdown cut short")
		assert.Equal(t, jobs.TriggerSchedule, runs[0].Trigger)
		assert.Equal(t, jobs.StatusOK, runs[1].Status)
	})
}

func TestStartClosesRunsLeftByACrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		crashed := models.JobRun{Job: "sync", Trigger: jobs.TriggerSchedule, Status: jobs.StatusRunning,
			StartedAt: time.Now().UTC().Add(-time.Hour)}
		require.NoError(t, db.Create(&crashed).Error)
		r := jobs.New(db, nil, nil)
		require.NoError(t, r.Add(jobs.Job{Name: "sync", Run: func(context.Context) error { return nil }}))
		r.Start(context.Background())
		require.NoError(t, r.Stop(context.Background()))
		var got models.JobRun
		require.NoError(t, db.First(&got, crashed.ID).Error)
		assert.Equal(t, jobs.StatusInterrupted, got.Status)
		assert.NotNil(t, got.FinishedAt)
	})
}

func TestAddRejectsBadJobs(t *testing.T) {
	r := jobs.New(nil, nil, nil)
	assert.Error(t, r.Add(jobs.Job{Run: func(context.Context) error { return nil }}))
	assert.Error(t, r.Add(jobs.Job{Name: "x"}))
	require.NoError(t, r.Add(jobs.Job{Name: "x", Run: func(context.Context) error { return nil }}))
	assert.Error(t, r.Add(jobs.Job{Name: "x", Run: func(context.Context) error { return nil }}))
}

func TestWallClockSchedules(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		require.NoError(t, err)
		return tm
	}
	cases := []struct {
		name  string
		sched jobs.Schedule
		from  string
		want  string
	}{
		{"later today", jobs.DailyAt(ny, 21, 0), "2026-03-07 10:00", "2026-03-07 21:00"},
		{"across spring forward keeps 21:00", jobs.DailyAt(ny, 21, 0), "2026-03-07 22:00", "2026-03-08 21:00"},
		{"across fall back keeps 21:00", jobs.DailyAt(ny, 21, 0), "2026-10-31 22:00", "2026-11-01 21:00"},
		{"exactly at the time is the next day", jobs.DailyAt(ny, 4, 0), "2026-06-01 04:00", "2026-06-02 04:00"},
		{"weekly tuesday", jobs.WeeklyAt(ny, time.Tuesday, 20, 30), "2026-11-30 12:00", "2026-12-01 20:30"},
		{"weekly same day after the time", jobs.WeeklyAt(ny, time.Monday, 8, 0), "2026-11-30 12:00", "2026-12-07 08:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.sched.Next(at(tc.from).UTC())
			assert.Equal(t, at(tc.want).UTC(), got.UTC(), "got %s", got.In(ny))
		})
	}
	// 02:30 does not exist on 2026-03-08 in New York: the run is at 03:30 EDT.
	gap := jobs.DailyAt(ny, 2, 30).Next(at("2026-03-07 23:00"))
	assert.Equal(t, "2026-03-08 03:30 EDT", gap.In(ny).Format("2006-01-02 15:04 MST"))
	assert.True(t, jobs.Every(time.Minute).AtStart())
	assert.False(t, jobs.DailyAt(ny, 1, 0).AtStart())
}
