package sync_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/config"
	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/fakeblizzard"
)

func testConfig(t *testing.T, env map[string]string) *config.Config {
	cfg, err := config.Load(func(k string) string {
		if k == "PATT_DATA_DIR" {
			return t.TempDir()
		}
		return env[k]
	})
	require.NoError(t, err)
	return cfg
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func lastLog(t *testing.T, db *gorm.DB) models.SyncLog {
	var row models.SyncLog
	require.NoError(t, db.Order("id DESC").Take(&row).Error)
	return row
}

func TestMissingCredentialsAreAFailedRunNotACrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc := guildsync.New(testConfig(t, nil), db, quietLog(), func() time.Time { return now })
		require.NoError(t, svc.Start(context.Background()), "starting without credentials never fails")
		err := svc.RunBlizzard(context.Background())
		require.Error(t, err)
		row := lastLog(t, db)
		require.Equal(t, guildsync.StatusFailed, row.Status)
		require.Equal(t, guildsync.SourceBlizzard, row.Source)
		require.Contains(t, *row.ErrorMessage, "BLIZZARD_CLIENT_ID")
		require.NotNil(t, row.CompletedAt)
	})
}

func TestWrongCredentialsAndSuccessfulRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fake := fakeblizzard.New("cid", "csecret")
		t.Cleanup(fake.Close)
		fake.AddGuild(fakeblizzard.Generate(30, 7))
		env := map[string]string{
			"BLIZZARD_CLIENT_ID": "cid", "BLIZZARD_CLIENT_SECRET": "nope",
			"PATT_BLIZZARD_API_URL": fake.URL, "PATT_BLIZZARD_OAUTH_URL": fake.TokenURL(),
		}
		svc := guildsync.New(testConfig(t, env), db, quietLog(), func() time.Time { return now })
		require.NoError(t, svc.Start(context.Background()))
		require.ErrorContains(t, svc.RunBlizzard(context.Background()), "refused")
		require.Equal(t, guildsync.StatusFailed, lastLog(t, db).Status)

		env["BLIZZARD_CLIENT_SECRET"] = "csecret"
		svc = guildsync.New(testConfig(t, env), db, quietLog(), func() time.Time { return now })
		require.NoError(t, svc.RunBlizzard(context.Background()))
		row := lastLog(t, db)
		require.Equal(t, guildsync.StatusSuccess, row.Status)
		require.Equal(t, 30, *row.CharactersFound)
		require.Equal(t, 30, *row.CharactersNew)
		require.Equal(t, 0, *row.CharactersRemoved)
		require.Equal(t, 30, *row.ProgressDone)
		require.Equal(t, 30, *row.ProgressTotal)
		require.NotNil(t, row.DurationSeconds)
	})
}

func TestRunLeftRunningByACrashIsClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		stale := models.SyncLog{Source: guildsync.SourceBlizzard, Status: guildsync.StatusRunning, StartedAt: now.Add(-5 * time.Hour)}
		require.NoError(t, db.Create(&stale).Error)
		svc := guildsync.New(testConfig(t, nil), db, quietLog(), func() time.Time { return now })
		require.NoError(t, svc.Start(context.Background()))
		require.NoError(t, db.Take(&stale, stale.ID).Error)
		require.Equal(t, guildsync.StatusFailed, stale.Status)
		require.Contains(t, *stale.ErrorMessage, "interrupted")

		// A row still running when a new run of the same source starts (the
		// runner's lock says nobody else runs it) is closed too.
		fresh := models.SyncLog{Source: guildsync.SourceBlizzard, Status: guildsync.StatusRunning, StartedAt: now.Add(-time.Minute)}
		require.NoError(t, db.Create(&fresh).Error)
		_ = svc.RunBlizzard(context.Background())
		require.NoError(t, db.Take(&fresh, fresh.ID).Error)
		require.Equal(t, guildsync.StatusFailed, fresh.Status)
	})
}

func TestScheduleFourTimesADayOnTheGuildClock(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	s := guildsync.TimesOfDay(ny, 1, 7, 13, 19)
	at := time.Date(2026, 11, 30, 8, 30, 0, 0, ny)
	require.Equal(t, time.Date(2026, 11, 30, 13, 0, 0, 0, ny), s.Next(at).In(ny))
	at = time.Date(2026, 11, 30, 19, 0, 0, 0, ny)
	require.Equal(t, time.Date(2026, 12, 1, 1, 0, 0, 0, ny), s.Next(at).In(ny))
	require.False(t, s.AtStart())
}
