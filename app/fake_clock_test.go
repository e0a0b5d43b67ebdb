package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/auth"
	"patt/config"
	"patt/dbtest"
	"patt/logtest"
	"patt/models"
)

// PATT_FAKE_NOW sets the runtime's clock for the whole binary: the app
// says so once, loudly; a login made through the real server works on
// that clock; and the officers' availability views, asked for no week,
// show the clock's week — here New York's spring-forward week, whose
// Sunday has no 02:00 (issue 18 item 7).
func TestFakeClockRunsTheSite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		addr := freeAddr(t)
		env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
			"PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test", "PATT_FAKE_NOW": "2027-03-14T12:00:00-04:00"}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)
		require.Equal(t, 1, strings.Count(logs.String(), "FAKE CLOCK"), logs.String())
		require.Contains(t, logs.String(), "level=WARN")
		require.Contains(t, logs.String(), "2027-03-14T16:00:00Z")
		require.WithinDuration(t, time.Date(2027, 3, 14, 16, 0, 0, 0, time.UTC), a.Clock(), time.Minute)

		hash, err := auth.HashPassword("correct-horse-1")
		require.NoError(t, err)
		login := "officer"
		user := models.User{Email: &login, PasswordHash: hash, IsActive: true}
		require.NoError(t, db.Create(&user).Error)
		var rank models.GuildRank
		require.NoError(t, db.Where("level = ?", 4).Take(&rank).Error)
		require.NoError(t, db.Create(&models.Player{DisplayName: "Officer", WebsiteUserID: &user.ID, IsActive: true,
			Timezone: "America/New_York", GuildRankID: &rank.ID}).Error)

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		defer func() {
			cancel()
			require.NoError(t, <-done)
		}()
		base := "http://" + addr
		require.Eventually(t, func() bool {
			res, err := http.Get(base + "/healthz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}, 10*time.Second, 20*time.Millisecond)

		res, err := http.Post(base+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"discord_username":"officer","password":"correct-horse-1"}`))
		require.NoError(t, err)
		var tok struct{ Data struct{ Token string } }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var sess models.Session
		require.NoError(t, db.Where("user_id = ?", user.ID).Take(&sess).Error)
		require.Equal(t, 2027, sess.CreatedAt.Year(), "the session starts on the fake clock")

		get := func(path string) string {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok.Data.Token)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", path, body)
			return string(body)
		}
		require.Contains(t, get("/api/v1/admin/availability-by-day"), `"week_of":"2027-03-08"`)
		page := get("/admin/availability")
		require.Contains(t, page, "Week of Mon 8 Mar – Sun 14 Mar 2027")
		require.Contains(t, page, `title="Sunday has no 02:00 (clocks go forward)" data-missing="true"`)
		require.Contains(t, page, fmt.Sprintf(`data-week-of="%s"`, "2027-03-08"))
	})
}
