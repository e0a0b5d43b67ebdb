package handlers

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/dbtest"
	"patt/models"
)

// jobsFixture is the app with a started runner holding three jobs: a quick
// one on a daily schedule, a by-hand one that fails, and one that runs
// until the test releases it.
type jobsFixture struct {
	s       *Server
	db      *gorm.DB
	officer *browser
	member  *browser
	release chan struct{}
}

func newJobsFixture(t *testing.T, db *gorm.DB) *jobsFixture {
	t.Helper()
	app, s := testApp(t, db)
	runner := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	f := &jobsFixture{s: s, db: db, release: make(chan struct{})}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	require.NoError(t, runner.Add(
		jobs.Job{Name: "tidy-up", Description: "Sweeps the test floor.", Schedule: jobs.DailyAt(ny, 3, 0),
			Run: func(ctx context.Context) error { jobs.Report(ctx, "swept 3 rooms"); return nil }},
		jobs.Job{Name: "always-fails", Description: "Fails on purpose.",
			Run: func(ctx context.Context) error { return errors.New("the floor is lava") }},
		jobs.Job{Name: "slow-one", Description: "Runs until released.",
			Run: func(ctx context.Context) error {
				select {
				case <-f.release:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}},
	))
	ctx, cancel := context.WithCancel(context.Background())
	runner.Start(ctx)
	t.Cleanup(func() {
		select {
		case <-f.release:
		default:
			close(f.release)
		}
		cancel()
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		require.NoError(t, runner.Stop(stop))
	})
	s.Jobs = runner
	_, officer := seedMember(t, db, "Jobs Officer", OfficerLevel)
	_, member := seedMember(t, db, "Jobs Member", 2)
	f.officer = newBrowser(t, app).loginAs(s, officer)
	f.member = newBrowser(t, app).loginAs(s, member)
	return f
}

// lastRun waits until the job has a finished run and returns it.
func (f *jobsFixture) lastRun(t *testing.T, job string) models.JobRun {
	t.Helper()
	var run models.JobRun
	require.Eventually(t, func() bool {
		runs, err := jobs.Recent(f.db, job, 1)
		if err != nil || len(runs) == 0 || runs[0].Status == jobs.StatusRunning {
			return false
		}
		run = runs[0]
		return true
	}, 10*time.Second, 20*time.Millisecond, "a finished run of %s", job)
	return run
}

func htmxHeaders() []string { return []string{"HX-Request", "true"} }

func (b *browser) postHTMX(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, b.csrf)
	return b.send(req)
}

func TestJobsPageListsJobsAndRecentRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newJobsFixture(t, db)
		run, err := f.s.Jobs.RunAndWait(context.Background(), "tidy-up")
		require.NoError(t, err)
		_, err = f.s.Jobs.RunAndWait(context.Background(), "always-fails")
		require.Error(t, err)
		require.Eventually(t, func() bool {
			for _, in := range f.s.Jobs.Jobs() {
				if in.Name == "tidy-up" {
					return in.NextAt != nil
				}
			}
			return false
		}, 5*time.Second, 10*time.Millisecond, "the scheduled job knows its next run")

		resp, body := f.officer.get("/admin/jobs")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, `href="/admin/jobs" class="is-active"`, "the sidebar links the page")
		for _, want := range []string{"tidy-up", "Sweeps the test floor.", "always-fails", "by hand only", "slow-one",
			`action="/admin/jobs/tidy-up/run"`, "swept 3 rooms", "the floor is lava", "badge--danger", "manual"} {
			assert.Contains(t, body, want)
		}
		// Times are in the viewer's zone (the officer's is New York), labelled.
		ny, _ := time.LoadLocation("America/New_York")
		abbr, _ := time.Now().In(ny).Zone()
		assert.Contains(t, body, "America/New_York ("+abbr+")")
		assert.Contains(t, body, run.StartedAt.In(ny).Format("Jan 02 15:04:05 MST"))
		var next time.Time
		for _, in := range f.s.Jobs.Jobs() {
			if in.Name == "tidy-up" {
				next = *in.NextAt
			}
		}
		assert.Contains(t, body, next.In(ny).Format("Jan 02 15:04:05 MST"), "next run of the daily job")
		assert.Contains(t, body, `data-polling="false"`, "nothing runs, nothing polls")

		resp, _ = f.member.get("/admin/jobs")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "members may not see the jobs page")
		resp, _ = f.member.postForm("/admin/jobs/tidy-up/run", nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "nor start a job")
	})
}

func TestJobsRunNowRecordsAManualRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newJobsFixture(t, db)
		resp, body := f.officer.postForm("/admin/jobs/tidy-up/run", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		assert.Equal(t, "/admin/jobs?flash=job-started", resp.Header.Get("Location"))
		run := f.lastRun(t, "tidy-up")
		assert.Equal(t, jobs.StatusOK, run.Status)
		assert.Equal(t, jobs.TriggerManual, run.Trigger)
		require.NotNil(t, run.Summary)
		assert.Equal(t, "swept 3 rooms", *run.Summary)

		_, body = f.officer.get("/admin/jobs?flash=job-started")
		assert.Contains(t, body, "Job started.")

		// With htmx the answer is the panel, and a toast.
		resp, body = f.officer.postHTMX("/admin/jobs/always-fails/run")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, resp.Header.Get("HX-Trigger"), "Started always-fails.")
		assert.True(t, strings.HasPrefix(strings.TrimSpace(body), `<div id="jobs-panel"`), "just the panel: %.80s", body)
		run = f.lastRun(t, "always-fails")
		assert.Equal(t, jobs.StatusFailed, run.Status)

		resp, _ = f.officer.postForm("/admin/jobs/no-such-job/run", nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "an unknown job")
	})
}

func TestJobsRunNowWhileRunningIs409AndThePanelPolls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newJobsFixture(t, db)
		resp, _ := f.officer.postForm("/admin/jobs/slow-one/run", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)

		resp, body := f.officer.postHTMX("/admin/jobs/slow-one/run")
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		assert.Contains(t, body, "slow-one is already running.")
		assert.Contains(t, body, `data-polling="true"`)
		assert.Contains(t, body, `hx-get="/admin/jobs/panel"`, "the panel polls while the job runs")
		assert.Contains(t, body, `data-run="slow-one" disabled`)

		resp, body = f.officer.postForm("/admin/jobs/slow-one/run", nil)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "flash--error", "without htmx: the page with the reason as a banner")
		assert.Contains(t, body, "slow-one is already running.")

		close(f.release)
		run := f.lastRun(t, "slow-one")
		assert.Equal(t, jobs.StatusOK, run.Status)
		require.Eventually(t, func() bool {
			_, body := f.officer.get("/admin/jobs/panel", htmxHeaders()...)
			return strings.Contains(body, `data-polling="false"`)
		}, 5*time.Second, 20*time.Millisecond, "polling stops once the run ended")
		runs, err := jobs.Recent(db, "slow-one", 10)
		require.NoError(t, err)
		assert.Len(t, runs, 1, "the refused starts recorded nothing")
	})
}

func TestJobsWithoutARunner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, officer := seedMember(t, db, "Jobs Officer", OfficerLevel)
		b := newBrowser(t, app).loginAs(s, officer)
		resp, body := b.get("/admin/jobs")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "Background jobs are not running in this process.")
		resp, _ = b.postForm("/admin/jobs/anything/run", nil)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	})
}
