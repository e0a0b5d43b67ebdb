package handlers

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/app/jobs"
	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// An officer starts a job from the Jobs page: the row shows it running and
// the panel polls until the run ends, then lists it, without a reload. The
// page is photographed at desktop and phone (390 px) width.
func TestJobsPageInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)

	release := make(chan struct{})
	runner := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	require.NoError(t, runner.Add(
		jobs.Job{Name: "voting-checker", Description: "Closes campaigns past their end and queues the contest agent's posts.",
			Schedule: jobs.DailyAt(s.Config.GuildTimezone, 3, 0),
			Run:      func(ctx context.Context) error { jobs.Report(ctx, "closed 1 campaign"); return nil }},
		jobs.Job{Name: "blizzard-roster", Description: "Pulls the guild roster from Blizzard.",
			Run: func(ctx context.Context) error { return errors.New("blizzard: 503 Service Unavailable") }},
		jobs.Job{Name: "slow-sync", Description: "A long sync (runs until the test lets it finish).",
			Run: func(ctx context.Context) error {
				select {
				case <-release:
					jobs.Report(ctx, "synced 42 characters")
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}},
	))
	rctx, cancel := context.WithCancel(context.Background())
	runner.Start(rctx)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
		cancel()
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = runner.Stop(stop)
	})
	s.Jobs = runner
	_, err := runner.RunAndWait(context.Background(), "voting-checker")
	require.NoError(t, err)
	_, err = runner.RunAndWait(context.Background(), "blizzard-roster")
	require.Error(t, err)

	_, officer := seedMember(t, db, "Jobmaster", OfficerLevel)
	browserLogin(t, ctx, s, base, officer)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/jobs"),
		chromedp.WaitVisible(`[data-job="slow-sync"]`, chromedp.ByQuery),
		chromedp.Evaluate(`window.__noReload = true`, nil),
		chromedp.Click(`[data-run="slow-sync"]`, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "slow-sync shown running, the panel polling",
		`document.querySelector('#jobs-panel').dataset.polling === 'true' && document.querySelector('[data-job="slow-sync"] .badge--live')
		 && document.querySelector('[data-run="slow-sync"]').disabled`)
	browsertest.Screenshot(t, ctx, "admin-jobs-running.png")

	close(release)
	browsertest.WaitFor(t, ctx, "the finished run listed by the polling panel",
		`document.querySelector('#jobs-panel').dataset.polling === 'false'
		 && document.querySelector('[data-run-job="slow-sync"][data-run-status="ok"]')
		 && document.querySelector('#jobs-panel').textContent.includes('synced 42 characters')`)
	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "run and refresh happened in place")
	browsertest.Screenshot(t, ctx, "admin-jobs.png")

	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(),
		chromedp.WaitVisible(`[data-job="slow-sync"]`, chromedp.ByQuery)))
	var overflow bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
	require.False(t, overflow, "at 390 px the page itself does not scroll sideways (tables scroll in their frame)")
	browsertest.Screenshot(t, ctx, "admin-jobs-phone.png")
}
