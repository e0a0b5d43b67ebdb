package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/config"
	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/fakeblizzard"
)

// syncTestApp is testApp with a running job runner whose guild-sync job
// talks to a fake Blizzard.
func syncTestApp(t *testing.T, db *gorm.DB, fake *fakeblizzard.Server) (*Server, *browser, *browser) {
	return syncTestAppEnv(t, db, fake, true)
}

// syncTestAppEnv is syncTestApp with or without BLIZZARD_CLIENT_ID/SECRET
// in the environment (without: officers enter them on the page).
func syncTestAppEnv(t *testing.T, db *gorm.DB, fake *fakeblizzard.Server, envCreds bool) (*Server, *browser, *browser) {
	t.Helper()
	dataDir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "PATT_DATA_DIR":
			return dataDir
		case "BLIZZARD_CLIENT_ID":
			if envCreds {
				return "cid"
			}
		case "BLIZZARD_CLIENT_SECRET":
			if envCreds {
				return "csecret"
			}
		case "PATT_BLIZZARD_API_URL":
			return fake.URL
		case "PATT_BLIZZARD_OAUTH_URL":
			return fake.TokenURL()
		}
		return ""
	})
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return time.Now().UTC() }
	runner := jobs.New(db, log, clock)
	svc := guildsync.New(cfg, db, log, clock)
	require.NoError(t, runner.Add(svc.Jobs()...))
	ctx, cancel := context.WithCancel(context.Background())
	runner.Start(ctx)
	t.Cleanup(func() {
		fake.Release()
		cancel()
		_ = runner.Stop(context.Background())
	})
	s := &Server{DB: db, Config: cfg, Log: log, Version: "test", Jobs: runner}
	app, err := New(s)
	require.NoError(t, err)
	_, off := seedMember(t, db, "Officer4", 4)
	_, mem := seedMember(t, db, "Member2", 2)
	return s, newBrowser(t, app).loginAs(s, off), newBrowser(t, app).loginAs(s, mem)
}

func TestAdminSyncPageRunsAndShowsProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fake := fakeblizzard.New("cid", "csecret")
		t.Cleanup(fake.Close)
		fake.AddGuild(fakeblizzard.Generate(12, 3))
		_, officer, member := syncTestApp(t, db, fake)

		resp, _ := member.get("/admin/sync")
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "members never see the sync page")
		resp, _ = member.htmxSend("POST", "/admin/sync/run", url.Values{})
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "nor start a sync")
		var n int64
		require.NoError(t, db.Model(&models.SyncLog{}).Count(&n).Error)
		require.Zero(t, n)

		resp, body := officer.get("/admin/sync")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Guild Sync")
		require.Contains(t, body, "No sync has run yet")
		require.NotContains(t, body, `hx-trigger="every 2s"`, "nothing to poll for")

		fake.Hold() // keep the run in flight
		resp, body = officer.htmxSend("POST", "/admin/sync/run", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Sync started")
		require.Contains(t, body, `hx-trigger="every 2s"`)

		require.Eventually(t, func() bool {
			_, body := officer.get("/admin/sync/runs", "HX-Request", "true")
			return strings.Contains(body, `data-status="running"`)
		}, 10*time.Second, 20*time.Millisecond)

		// A reload still shows the live run, and keeps polling.
		_, body = officer.get("/admin/sync")
		require.Contains(t, body, `data-status="running"`)
		require.Contains(t, body, `hx-trigger="every 2s"`)

		// A second trigger while running is refused, never a second run.
		resp, body = officer.htmxSend("POST", "/admin/sync/run", url.Values{})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "already running")
		resp, _ = officer.postForm("/admin/sync/run", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Location"), "err-sync-busy")

		fake.Release()
		require.Eventually(t, func() bool {
			_, body := officer.get("/admin/sync/runs", "HX-Request", "true")
			return strings.Contains(body, `data-status="success"`) && !strings.Contains(body, "every 2s")
		}, 20*time.Second, 20*time.Millisecond)
		var row models.SyncLog
		require.NoError(t, db.Order("id DESC").Take(&row).Error)
		require.Equal(t, 12, *row.CharactersFound)
		require.Equal(t, 12, *row.CharactersNew)
		require.Equal(t, 12, *row.ProgressDone)
		require.NoError(t, db.Model(&models.SyncLog{}).Count(&n).Error)
		require.Equal(t, int64(1), n, "exactly one run")
	})
}

func TestAdminSyncShowsFailedRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fake := fakeblizzard.New("cid", "other-secret") // the site's secret is wrong
		t.Cleanup(fake.Close)
		_, officer, _ := syncTestApp(t, db, fake)
		resp, _ := officer.postForm("/admin/sync/run", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Eventually(t, func() bool {
			_, body := officer.get("/admin/sync")
			return strings.Contains(body, `data-status="failed"`)
		}, 10*time.Second, 20*time.Millisecond)
		_, body := officer.get("/admin/sync")
		require.Contains(t, body, "client id or secret was refused")
	})
}
