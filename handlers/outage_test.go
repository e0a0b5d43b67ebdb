package handlers

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/config"
	"patt/dbtest"
	"patt/logtest"
	"patt/models"
)

// A database outage under a running app: the public pages kept in the
// cache are served from it, marked stale (banner, Warning, no-store); the
// landing page is stale or 503, never a partial 200; everything else that
// needs the database answers 503 with Retry-After (HTML page, JSON
// envelope); the outage is logged once however many requests meet it, and
// (on Postgres, where the database can come back) its end once.
func TestOutageServesCachedPagesAndAnswers503Elsewhere(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		cfg, err := config.Load(func(k string) string {
			if k == "PATT_DATA_DIR" {
				return t.TempDir()
			}
			return ""
		})
		require.NoError(t, err)
		logs := &logtest.Buffer{}
		s := &Server{DB: db, Config: cfg, Log: slog.New(slog.NewTextHandler(logs, nil)), Version: "test"}
		app, err := New(s)
		require.NoError(t, err)
		seedRoster(t, db)

		// Visitors' views, cached while the database is up.
		res, body := get(t, app, "/roster")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, body, "Annabark")
		require.NotContains(t, body, "stale-banner")
		res, _ = get(t, app, "/")
		require.Equal(t, http.StatusOK, res.StatusCode)

		_, user := seedMember(t, db, "Dana", 3)
		token := tokenFor(t, s, user)
		restore := breakDatabase(t, db, dsn)
		const rounds = 4
		for range rounds {
			res, body = get(t, app, "/roster")
			require.Equal(t, http.StatusOK, res.StatusCode, "the cached roster: %s", body)
			require.Contains(t, body, "Annabark", "the cached copy")
			require.Contains(t, body, "stale-banner", "marked stale")
			require.Contains(t, body, "last saved copy")
			require.Contains(t, res.Header.Get("Warning"), "110")
			require.Equal(t, "no-store", res.Header.Get("Cache-Control"))

			res, body = get(t, app, "/")
			if res.StatusCode == http.StatusOK {
				require.Contains(t, body, "stale-banner", "a 200 landing page during an outage is the cached copy")
			} else {
				require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
			}

			res, body = get(t, app, "/roster?q=anna") // a search runs over the cached roster
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Contains(t, body, "Annabark")
			require.Contains(t, body, "stale-banner")

			res, body = get(t, app, "/mitos-corner") // public, not cached
			require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
			require.Equal(t, "30", res.Header.Get("Retry-After"))
			require.Contains(t, body, "Back in a moment")
			require.Contains(t, body, "unreachable")

			res, body = get(t, app, "/api/v1/campaigns")
			require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
			require.Equal(t, "30", res.Header.Get("Retry-After"))
			var env Envelope
			require.NoError(t, json.Unmarshal([]byte(body), &env), body)
			require.False(t, env.OK)
			require.Equal(t, msgOutage, env.Error)

			res, _ = get(t, app, "/api/v1/guild/roster") // cached data, but JSON cannot say stale
			require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
			require.Equal(t, "30", res.Header.Get("Retry-After"))

			res, body = get(t, app, "/profile", "Cookie", SessionCookie+"="+token)
			require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "a member's page: %s", body)
			require.Contains(t, body, "Back in a moment")
		}
		out := logs.String()
		require.Equal(t, 1, strings.Count(out, "level=ERROR"), "one ERROR line for the whole outage:\n%s", out)
		require.Equal(t, 1, strings.Count(out, "database unreachable"), out)
		require.Zero(t, strings.Count(out, "request unavailable"), "no per-request outage lines")
		require.Zero(t, strings.Count(out, "landing:"), "no per-section lines")

		if restore == nil {
			return // a closed SQLite pool does not come back
		}
		restore()
		for range rounds {
			res, body = get(t, app, "/roster")
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.NotContains(t, body, "stale-banner")
			require.Empty(t, res.Header.Get("Warning"))
			res, _ = get(t, app, "/api/v1/campaigns")
			require.Equal(t, http.StatusOK, res.StatusCode)
		}
		out = logs.String()
		require.Equal(t, 1, strings.Count(out, "database reachable again"), out)
		require.Equal(t, 1, strings.Count(out, "level=ERROR"), out)
	})
}

// breakDatabase cuts the app off its database. On SQLite it closes the
// pool (for good: restore is nil). On Postgres the database stops accepting
// connections and the app's are terminated; restore lets them in again.
func breakDatabase(t *testing.T, db *gorm.DB, dsn string) (restore func()) {
	t.Helper()
	if models.DialectOf(db) != models.Postgres {
		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())
		return nil
	}
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := models.Open(dbtest.PostgresURL(t), nil)
	require.NoError(t, err)
	adminSQL, err := admin.DB()
	require.NoError(t, err)
	t.Cleanup(func() { adminSQL.Close() })
	exec := func(sql string, args ...any) {
		require.NoError(t, admin.Exec(sql, args...).Error)
	}
	exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS false`)
	t.Cleanup(func() { _ = admin.Exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS true`).Error })
	exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", name)
	return func() { exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS true`) }
}
