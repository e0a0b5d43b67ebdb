package sync_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/fakeblizzard"
)

// Saved settings: the secret sealed under the site's secret (a new site
// secret makes it unreadable, said plainly, and the run fails with that
// reason), the environment winning when it has credentials, and a run
// built from what officers saved.
func TestBlizzardSettingsSealedAndUsed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		fake := fakeblizzard.New("site-id", "site-secret-0042")
		t.Cleanup(fake.Close)
		fake.AddGuild(fakeblizzard.Generate(5, 9))
		urls := map[string]string{"PATT_BLIZZARD_API_URL": fake.URL, "PATT_BLIZZARD_OAUTH_URL": fake.TokenURL(), "PATT_JWT_SECRET": "a-site-secret-of-at-least-32-bytes!!"}
		cfg := testConfig(t, urls)

		conn, err := guildsync.LoadConnection(ctx, db, cfg)
		require.NoError(t, err)
		require.False(t, conn.Configured())
		require.Empty(t, conn.Source)

		err = guildsync.SaveSettings(ctx, db, cfg, guildsync.SettingsInput{ClientID: "site-id", Region: "us", Realm: "Sen'jin", Guild: "Pull All The Things"}, "Officer", now)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err), "no secret saved yet: it is required")
		require.Contains(t, fault.FieldsOf(err), "client_secret")

		require.NoError(t, guildsync.SaveSettings(ctx, db, cfg, guildsync.SettingsInput{ClientID: "site-id", ClientSecret: "site-secret-0042",
			Region: "us", Realm: "Sen'jin", Guild: "Pull All The Things"}, "Officer", now))
		var row models.BlizzardSettings
		require.NoError(t, db.Take(&row).Error)
		require.NotContains(t, *row.SecretSealed, "site-secret-0042")
		require.Equal(t, "…0042", *row.SecretHint)

		conn, err = guildsync.LoadConnection(ctx, db, cfg)
		require.NoError(t, err)
		require.True(t, conn.Configured())
		require.Equal(t, guildsync.SourceSite, conn.Source)

		svc := guildsync.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
		require.NoError(t, svc.RunBlizzard(ctx))
		var n int64
		require.NoError(t, db.Model(&models.Character{}).Count(&n).Error)
		require.Equal(t, int64(5), n, "the run used the saved credentials")

		// The environment wins.
		env := map[string]string{"BLIZZARD_CLIENT_ID": "env-id", "BLIZZARD_CLIENT_SECRET": "env-secret"}
		for k, v := range urls {
			env[k] = v
		}
		conn, err = guildsync.LoadConnection(ctx, db, testConfig(t, env))
		require.NoError(t, err)
		require.Equal(t, guildsync.SourceEnvironment, conn.Source)
		require.Equal(t, "env-id", conn.ClientID)

		// Another site secret cannot open the sealed one.
		urls["PATT_JWT_SECRET"] = "another-site-secret-of-32-bytes-at-least"
		other := testConfig(t, urls)
		conn, err = guildsync.LoadConnection(ctx, db, other)
		require.NoError(t, err)
		require.False(t, conn.Configured())
		require.Contains(t, conn.Unreadable, "enter it again")
		svc = guildsync.New(other, db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
		require.Error(t, svc.RunBlizzard(ctx))
		var last models.SyncLog
		require.NoError(t, db.Order("id DESC").Take(&last).Error)
		require.Equal(t, guildsync.StatusFailed, last.Status)
		require.Contains(t, *last.ErrorMessage, "cannot be read")
	})
}
