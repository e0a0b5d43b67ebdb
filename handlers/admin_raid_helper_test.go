package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/raidhelper/rhfake"
	"patt/schedule"
	"patt/seal"
)

func TestAdminRaidHelperPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return raidsClock }
		f := rhfake.New("sk-live-123456", "111", "222")
		defer f.Close()
		keys, err := seal.New(s.Config.JWTSecret, schedule.KeyBoxPurpose)
		require.NoError(t, err)
		s.RaidHelper = schedule.RaidHelper{BaseURL: f.BaseURL(), Keys: keys}
		ev := raidsSeed(t, db)
		id := strconv.Itoa(ev.ID)

		_, mu := seedMember(t, db, "Member", 2)
		resp, _ := newBrowser(t, app).loginAs(s, mu).get("/admin/raid-helper")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		_, ou := seedMember(t, db, "Officer", 4)
		b := newBrowser(t, app).loginAs(s, ou)
		resp, body := b.get("/admin/raid-helper")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "off — raids run on the site alone")
		require.Contains(t, body, `id="rh-raid-`+id+`"`)

		// Booking without settings: 409 with the reason.
		resp, body = b.postForm("/admin/raid-helper/events/"+id+"/book", url.Values{})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "Raid-Helper is not configured")

		resp, body = b.postForm("/admin/raid-helper/settings", url.Values{"raid_helper_server_id": {"abc"}, "raid_helper_api_key": {"sk-live-123456"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "must be a Discord id")
		st, err := schedule.LoadRaidHelperSettings(db)
		require.NoError(t, err)
		require.False(t, st.KeySet, "nothing half-written")

		resp, _ = b.postForm("/admin/raid-helper/settings", url.Values{"raid_helper_api_key": {"sk-live-123456"}, "raid_helper_server_id": {"111"},
			"raid_creator_discord_id": {"333"}, "raid_channel_id": {"222"}, "raid_default_template_id": {""}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, body = b.get("/admin/raid-helper")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotContains(t, body, "sk-live", "the key is never shown after saving")
		require.NotContains(t, body, "3456")
		require.Contains(t, body, "A key is saved")
		var cfg models.DiscordConfig
		require.NoError(t, db.Take(&cfg).Error)
		require.True(t, seal.IsSealed(*cfg.RaidHelperAPIKey), "encrypted at rest")
		require.NotContains(t, *cfg.RaidHelperAPIKey, "sk-live")
		require.Contains(t, body, `value="wowretail2"`)
		resp, body = b.sendJSON("GET", "/api/v1/admin/raid-config", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"raid_helper_api_key_set":true`)
		require.NotContains(t, body, "sk-live")

		resp, body = b.sendJSON("GET", "/api/v1/admin/raid-config/test", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"connected":true`)
		resp, body = b.sendJSON("PATCH", "/api/v1/admin/raid-config", `{"raid_channel_id":"x1"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.Contains(t, body, "raid_channel_id must be a Discord id")
		resp, body = b.sendJSON("PATCH", "/api/v1/admin/raid-config", `{"raid_helper_api_key":"","raid_voice_channel_id":"444"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		st, err = schedule.LoadRaidHelperSettings(db)
		require.NoError(t, err)
		require.True(t, st.KeySet, "an empty key keeps the saved one")
		require.Equal(t, "444", st.VoiceChannelID)
		require.Equal(t, "222", st.ChannelID, "keys not sent are kept")

		// Saving again with an empty key field keeps the key.
		resp, _ = b.postForm("/admin/raid-helper/settings", url.Values{"raid_helper_server_id": {"111"}, "raid_channel_id": {"222"}, "raid_creator_discord_id": {"333"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, body = b.postForm("/admin/raid-helper/test", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "✓ Connected")

		resp, _ = b.postForm("/admin/raid-helper/events/"+id+"/book", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Len(t, f.Events(), 1)
		resp, body = b.get("/admin/raid-helper")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Re-book")
		require.Contains(t, body, ">ok<")

		// The app's secret changed: the key cannot be opened; the page and
		// the test say so (409) and nothing is sent; pasting it again heals.
		other, err := seal.New([]byte("another secret of at least 32 bytes!"), schedule.KeyBoxPurpose)
		require.NoError(t, err)
		s.RaidHelper.Keys = other
		calls := len(f.Calls())
		resp, body = b.get("/admin/raid-helper")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "cannot be decrypted")
		resp, body = b.postForm("/admin/raid-helper/test", url.Values{})
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		require.Contains(t, body, "cannot be decrypted")
		require.Contains(t, body, "Paste the key again")
		require.Equal(t, calls, len(f.Calls()))
		resp, _ = b.postForm("/admin/raid-helper/settings", url.Values{"raid_helper_api_key": {"sk-live-123456"}, "raid_helper_server_id": {"111"},
			"raid_creator_discord_id": {"333"}, "raid_channel_id": {"222"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, body = b.postForm("/admin/raid-helper/test", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)

		// Raid-Helper down: the officer sees its answer, 502.
		f.FailNext(http.StatusServiceUnavailable, 1)
		resp, body = b.postForm("/admin/raid-helper/events/"+id+"/book", url.Values{})
		require.Equal(t, http.StatusBadGateway, resp.StatusCode)
		require.Contains(t, body, "Raid-Helper API error 503")

		resp, _ = b.postForm("/admin/raid-helper/events/"+id+"/cancel", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Empty(t, f.Events())
		got, err := schedule.RaidEventByID(db, ev.ID)
		require.NoError(t, err)
		require.Equal(t, schedule.EventCancelled, got.Status)
		resp, _ = b.postForm("/admin/raid-helper/events/999999/cancel", url.Values{})
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		// The member's raid page shows the cancellation and takes no answer.
		mb := newBrowser(t, app).loginAs(s, mu)
		resp, body = mb.get("/raids/" + id)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "This raid was cancelled")
		resp, _ = mb.sendJSON("PUT", "/api/v1/raids/"+id+"/signup", `{"status":"signed"}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
	})
}

func TestMyAttendancePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		now := raidsClock
		s.Now = func() time.Time { return now }
		require.NoError(t, db.Create(&models.RaidSeason{Name: "Undermine", StartDate: models.Date{Year: 2025, Month: 1, Day: 1}, IsActive: true}).Error)
		ev := raidsSeed(t, db)
		p, u := seedMember(t, db, "Roo", 2)
		_, err := schedule.SetWindow(db, p.ID, 4, models.TimeOfDay{Hour: 20}, 4, now)
		require.NoError(t, err)
		b := newBrowser(t, app).loginAs(s, u)
		resp, _ := b.postForm("/raids/"+strconv.Itoa(ev.ID)+"/signup", url.Values{"status": {"absent"}, "note": {"holiday"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)

		now = ev.EndTimeUTC.Add(time.Hour)
		resp, body := b.get("/raids/attendance")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Season Undermine")
		require.Contains(t, body, "noted absence")
		require.Contains(t, body, "1 noted absence excused")
		require.True(t, strings.Contains(body, "Heroic Night"))
	})
}
