package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/auth"
	"patt/config"
	"patt/dbtest"
	"patt/models"
)

// Two instances on one database, started together, sign sessions with the
// same key, so a member logged in through one is logged in on the other
// (issue 10 item 14). On Postgres the generated key lives in the database
// (common.instance_secrets), never in either instance's data directory; on
// SQLite the instances share the data directory and its jwt_secret file.
func TestTwoInstancesAcceptEachOthersSessions(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		shared := t.TempDir()
		dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
		if models.DialectOf(db) == models.SQLite {
			dirs = []string{shared, shared}
		}
		apps := make([]*app.App, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range apps {
			env := map[string]string{"DATABASE_URL": dsn, "PATT_DATA_DIR": dirs[i], "PATT_ADDR": "127.0.0.1:0"}
			cfg, err := config.Load(func(k string) string { return env[k] })
			require.NoError(t, err)
			wg.Add(1)
			go func() {
				defer wg.Done()
				apps[i], errs[i] = app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
			}()
		}
		wg.Wait()
		for i, a := range apps {
			require.NoError(t, errs[i])
			t.Cleanup(func() { _ = a.Shutdown() })
		}
		require.Equal(t, apps[0].Config.JWTSecret, apps[1].Config.JWTSecret, "one key for both instances")
		if models.DialectOf(db) == models.Postgres {
			for _, d := range dirs {
				require.NoFileExists(t, filepath.Join(d, "jwt_secret"), "on a shared database the key is not one instance's file")
			}
			var n int64
			require.NoError(t, db.Model(&models.InstanceSecret{}).Where("name = ?", models.JWTSecretName).Count(&n).Error)
			require.EqualValues(t, 1, n)
		}

		hash, err := auth.HashPassword("correct-horse-1")
		require.NoError(t, err)
		login := "twin"
		user := models.User{Email: &login, PasswordHash: hash, IsActive: true}
		require.NoError(t, db.Create(&user).Error)
		require.NoError(t, db.Create(&models.Player{DisplayName: "Twin", WebsiteUserID: &user.ID, IsActive: true, Timezone: "America/New_York"}).Error)

		send := func(a *app.App, req *http.Request) (int, string) {
			resp, err := a.HTTP().Test(req, fiber.TestConfig{Timeout: 0})
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(body)
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(`{"discord_username":"twin","password":"correct-horse-1"}`))
		req.Header.Set("Content-Type", "application/json")
		code, body := send(apps[0], req)
		require.Equal(t, http.StatusOK, code, body)
		i := strings.Index(body, `"token":"`)
		require.GreaterOrEqual(t, i, 0, body)
		token := body[i+len(`"token":"`):]
		token = token[:strings.IndexByte(token, '"')]

		for n, a := range apps {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/auth/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			code, body := send(a, req)
			require.Equal(t, http.StatusOK, code, "instance %d accepts the session: %s", n, body)
		}
	})
}

// An operator's PATT_JWT_SECRET wins over the kept one.
func TestConfiguredSecretWinsOverTheKeptOne(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		const secret = "operator-chosen-secret-0123456789abcdef"
		env := map[string]string{"DATABASE_URL": dsn, "PATT_DATA_DIR": t.TempDir(), "PATT_JWT_SECRET": secret}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		a, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
		require.NoError(t, err)
		t.Cleanup(func() { _ = a.Shutdown() })
		require.Equal(t, secret, string(a.Config.JWTSecret))
		_, statErr := os.Stat(filepath.Join(env["PATT_DATA_DIR"], "jwt_secret"))
		require.True(t, os.IsNotExist(statErr))
	})
}
