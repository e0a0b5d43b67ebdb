package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/fakeblizzard"
)

// The guild sync's JSON routes (spec §11) answer officers only (W8), with
// decision 1's statuses: 202 for a started job, 409 while it runs, 503
// without the bot, 422 for a bad limit, 404 for an unknown run, 400 for a
// malformed dry_run.
func TestGuildSyncAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fake := fakeblizzard.New("cid", "csecret")
		t.Cleanup(fake.Close)
		fake.AddGuild(fakeblizzard.Generate(6, 4))
		s, officer, member := syncTestApp(t, db, fake)
		app := officer.app

		routes := []struct{ method, path string }{
			{"GET", "/api/guild-sync/status"}, {"GET", "/api/guild-sync/runs"}, {"GET", "/api/guild-sync/runs/1"},
			{"GET", "/api/guild-sync/issues"}, {"POST", "/api/guild-sync/blizzard/trigger"},
			{"POST", "/api/guild-sync/discord/trigger"}, {"POST", "/api/identity/run-matching"},
		}
		for _, r := range routes {
			resp, body := apiCall(t, app, "", r.method, r.path, "")
			if r.method == "GET" {
				require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s %s anonymous: %s", r.method, r.path, body)
			} else { // no session and no CSRF token: refused either way
				require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, resp.StatusCode, "%s %s anonymous: %s", r.method, r.path, body)
			}
			resp, body = member.sendJSON(r.method, r.path, "")
			require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s %s as a member: %s", r.method, r.path, body)
			require.Contains(t, body, `"ok":false`)
		}
		var n int64
		require.NoError(t, db.Model(&models.SyncLog{}).Count(&n).Error)
		require.Zero(t, n, "nothing ran for the refused calls")

		resp, body := officer.sendJSON("GET", "/api/guild-sync/status", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var st struct {
			Data struct {
				Blizzard struct {
					Configured bool
					Source     string
				}
				Running []any
			}
		}
		require.NoError(t, json.Unmarshal([]byte(body), &st))
		require.True(t, st.Data.Blizzard.Configured)
		require.Equal(t, "environment", st.Data.Blizzard.Source)
		require.NotContains(t, body, "csecret", "the secret never leaves the server")

		fake.Hold()
		resp, body = officer.sendJSON("POST", "/api/guild-sync/blizzard/trigger", "")
		require.Equal(t, http.StatusAccepted, resp.StatusCode, body)
		require.Contains(t, body, `"status":"sync_triggered"`)
		require.Eventually(t, func() bool {
			_, body := officer.sendJSON("GET", "/api/guild-sync/status", "")
			return strings.Contains(body, `"status":"running"`)
		}, 10*time.Second, 20*time.Millisecond)
		resp, body = officer.sendJSON("POST", "/api/guild-sync/blizzard/trigger", "")
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		fake.Release()
		var run models.SyncLog
		require.Eventually(t, func() bool {
			return db.Where("source = ? AND status = ?", guildsync.SourceBlizzard, guildsync.StatusSuccess).Limit(1).Find(&run).Error == nil && run.ID != 0
		}, 20*time.Second, 20*time.Millisecond)

		resp, body = officer.sendJSON("GET", "/api/guild-sync/runs?limit=5", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"source":"blizzard_api"`)
		require.Contains(t, body, `"characters_found":6`)
		resp, body = officer.sendJSON("GET", "/api/guild-sync/runs/"+strconv.Itoa(run.ID), "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"status":"success"`)
		resp, _ = officer.sendJSON("GET", "/api/guild-sync/runs?limit=abc", "")
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = officer.sendJSON("GET", "/api/guild-sync/runs/999999", "")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		// The run's integrity check filed orphan issues: listed, warnings
		// before info.
		resp, body = officer.sendJSON("GET", "/api/guild-sync/issues", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"issue_type":"orphan_wow"`)

		resp, body = officer.sendJSON("POST", "/api/guild-sync/discord/trigger", "")
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
		require.Contains(t, body, "Discord bot is not running")

		resp, body = officer.sendJSON("POST", "/api/identity/run-matching?dry_run=true", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"links":`)
		require.Contains(t, body, `"suggestions":`)
		resp, _ = officer.sendJSON("POST", "/api/identity/run-matching?dry_run=maybe", "")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		resp, body = officer.sendJSON("POST", "/api/identity/run-matching", "")
		require.Equal(t, http.StatusAccepted, resp.StatusCode, body)
		require.Contains(t, body, `"status":"matching_started"`)
		_ = s
	})
}
