package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot/outbox"
	"patt/dbtest"
	"patt/models"
	"patt/notify"
)

func botConfig(t *testing.T, db *gorm.DB) models.DiscordConfig {
	t.Helper()
	var cfg models.DiscordConfig
	require.NoError(t, db.Order("id").Limit(1).Find(&cfg).Error)
	return cfg
}

// The JSON API of spec discord_bot §2.3 with the §11.11 vectors.
func TestBotSettingsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)

		resp, _ := newBrowser(t, app).loginAs(s, memUser).sendJSON("PATCH", "/api/v1/admin/bot-settings", `{"bot_dm_enabled":true}`)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = newBrowser(t, app).get("/api/v1/admin/bot-settings")
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, offUser)
		resp, body := b.get("/api/v1/admin/bot-settings")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.JSONEq(t, `{"ok":true,"data":{"bot_dm_enabled":false,"feature_invite_dm":false,"feature_onboarding_dm":false,"role_sync_interval_hours":24,"guild_discord_id":null}}`, body)

		// PATCH {} changes nothing and creates nothing.
		resp, body = b.sendJSON("PATCH", "/api/v1/admin/bot-settings", `{}`)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.JSONEq(t, `{"ok":true,"data":{"bot_dm_enabled":false,"feature_invite_dm":false,"feature_onboarding_dm":false}}`, body)
		assert.Zero(t, botConfig(t, db).ID)

		// The string "false" is refused (the original read it as true).
		resp, body = b.sendJSON("PATCH", "/api/v1/admin/bot-settings", `{"feature_invite_dm":"false"}`)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, `"ok":false`)
		assert.Contains(t, body, "feature_invite_dm must be true or false")
		resp, _ = b.sendJSON("PATCH", "/api/v1/admin/bot-settings", `[1]`)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Zero(t, botConfig(t, db).ID, "nothing half-written")

		// With no row, one is created (guild id "0" without the env).
		resp, body = b.sendJSON("PATCH", "/api/v1/admin/bot-settings", `{"bot_dm_enabled":true,"role_sync_interval_hours":6}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.JSONEq(t, `{"ok":true,"data":{"bot_dm_enabled":true,"feature_invite_dm":false,"feature_onboarding_dm":false}}`, body)
		cfg := botConfig(t, db)
		assert.Equal(t, "0", cfg.GuildDiscordID)
		assert.Equal(t, 24, cfg.RoleSyncIntervalHours, "other keys are ignored")
	})
}

// The page: officers only; switches post and come back; feature switches
// are greyed while the master is off and keep their values; held DMs are
// released or discarded; sync now without a bot says so.
func TestBotSettingsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		off, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)

		resp, _ := newBrowser(t, app).loginAs(s, memUser).get("/admin/bot-settings")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, offUser)
		resp, body := b.get("/admin/bot-settings")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		for _, want := range []string{"Bot Settings", "All bot DMs", "Invite DMs", "Onboarding DMs", "PATT_DISCORD_TOKEN", "No DMs are held", `href="/admin/bot-settings"`} {
			assert.Contains(t, body, want)
		}
		assert.Contains(t, body, `id="flag-feature_invite_dm" disabled`, "greyed while the master is off")

		// A post without the CSRF token is refused.
		req := url.Values{"value": {"true"}}
		resp, _ = newBrowser(t, app).loginAs(s, offUser).send(mustFormRequest(t, "/admin/bot-settings/flags/bot_dm_enabled", req))
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Zero(t, botConfig(t, db).ID)

		// Feature on first (as the API could), then the master.
		resp, body = b.htmxSend("POST", "/admin/bot-settings/flags/bot_dm_enabled", url.Values{"value": {"true"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.NotContains(t, body, "<html", "htmx gets the body only")
		assert.Contains(t, body, `aria-checked="true" id="flag-bot_dm_enabled"`)
		resp, body = b.htmxSend("POST", "/admin/bot-settings/flags/feature_invite_dm", url.Values{"value": {"true"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, `aria-checked="true" id="flag-feature_invite_dm">`)
		// The master off: the feature keeps its value, greyed.
		resp, body = b.postForm("/admin/bot-settings/flags/bot_dm_enabled", url.Values{"value": {"false"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "<html", "without htmx the whole page")
		assert.Contains(t, body, `aria-checked="true" id="flag-feature_invite_dm" disabled`)
		cfg := botConfig(t, db)
		assert.False(t, cfg.BotDMEnabled)
		assert.True(t, cfg.FeatureInviteDM)
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/flags/feature_invite_dm", url.Values{"value": {"yes"}})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/flags/role_sync_interval_hours", url.Values{"value": {"true"}})
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)

		// Held DMs: one released, one discarded.
		ctx := t.Context()
		now := time.Now().UTC()
		a, err := outbox.Enqueue(ctx, db, now, "900000000000007001", outbox.KindInvite, notify.Message{Content: "Your registration code: **ZZZZ2222**"})
		require.NoError(t, err)
		d, err := outbox.Enqueue(ctx, db, now, "900000000000007002", outbox.KindOnboarding, notify.Message{Title: "Welcome to Pull All The Things!"})
		require.NoError(t, err)
		require.Equal(t, outbox.StatusHeld, a.Status)
		resp, body = b.get("/admin/bot-settings")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, `id="dm-`+strconv.Itoa(a.ID)+`"`)
		assert.Contains(t, body, "Welcome to Pull All The Things!")
		resp, body = b.htmxSend("POST", "/admin/bot-settings/outbox/"+strconv.Itoa(a.ID)+"/release", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, "released")
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/outbox/"+strconv.Itoa(d.ID)+"/discard", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, body = b.htmxSend("POST", "/admin/bot-settings/outbox/"+strconv.Itoa(d.ID)+"/release", nil)
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "no longer held")
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/outbox/99999/discard", nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		var rows []models.DMOutbox
		require.NoError(t, db.Order("id").Find(&rows).Error)
		assert.Equal(t, outbox.StatusPending, rows[0].Status)
		require.NotNil(t, rows[0].ReleasedByPlayerID)
		assert.Equal(t, off.ID, *rows[0].ReleasedByPlayerID)
		assert.Equal(t, outbox.StatusDiscarded, rows[1].Status)

		// Sync now, with no bot on this server.
		resp, body = b.htmxSend("POST", "/admin/bot-settings/sync/roles", nil)
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "PATT_DISCORD_TOKEN is not set")

		// Status and role report written by the bot are shown.
		gname, members := "Pull All The Things", 42
		report, _ := json.Marshal(map[string]any{"mapping": []map[string]any{{"rank": "Officer", "level": 4, "role_id": "444", "role_name": "Officer", "exists": true, "manageable": false, "holders": 3}},
			"changed": 1, "failures": []map[string]any{{"player": "Trog", "role_id": "444", "action": "add", "error": "discord: HTTP 403, code 50013: Missing Permissions"}}})
		rs := string(report)
		require.NoError(t, db.Create(&models.BotStatus{Connected: true, State: "connected", GuildName: &gname, MemberCount: &members,
			LastReadyAt: &now, LastRoleSyncAt: &now, LastRoleSync: &rs, UpdatedAt: now}).Error)
		_, body = b.get("/admin/bot-settings")
		for _, want := range []string{`data-state="connected"`, "42 members", "Missing Permissions", `data-rank="Officer"`, "1 role change(s) Discord refused"} {
			assert.Contains(t, body, want)
		}
		zone := now.In(mustZone(t, "America/New_York")).Format("MST")
		assert.Contains(t, body, zone, "times in the viewer's zone, labelled")
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	require.NoError(t, err)
	return z
}

func mustFormRequest(t *testing.T, path string, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// Invite DMs from the Player Manager and the API go through the outbox:
// held while Invite DMs are off, pending when on; never sent from here.
func TestInviteDMsGoThroughTheOutbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		du := models.DiscordUser{DiscordID: "900000000000008001", Username: "newbie", IsPresent: true}
		require.NoError(t, db.Create(&du).Error)
		p := models.Player{DisplayName: "Newbie", DiscordUserID: &du.ID, IsActive: true, Timezone: "UTC"}
		require.NoError(t, db.Create(&p).Error)
		loner := models.Player{DisplayName: "Loner", IsActive: true, Timezone: "UTC"}
		require.NoError(t, db.Create(&loner).Error)
		b := newBrowser(t, app).loginAs(s, offUser)

		resp, body := b.sendJSON("POST", "/api/v1/admin/members/"+strconv.Itoa(p.ID)+"/send-invite", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var out struct {
			Data struct {
				Code     string `json:"code"`
				DMSent   bool   `json:"dm_sent"`
				DMStatus string `json:"dm_status"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		assert.False(t, out.Data.DMSent)
		assert.Equal(t, outbox.StatusHeld, out.Data.DMStatus, "Invite DMs are off on a fresh install")
		var row models.DMOutbox
		require.NoError(t, db.Take(&row).Error)
		assert.Equal(t, "900000000000008001", row.RecipientDiscordID)
		assert.Equal(t, outbox.KindInvite, row.Kind)
		m, err := outbox.Message(row)
		require.NoError(t, err)
		assert.Contains(t, m.Content, "**"+out.Data.Code+"**")
		assert.Contains(t, m.Content, "/register?code="+out.Data.Code)
		assert.Contains(t, m.Content, "expires in 72 hours")

		// Switches on: the Player Manager's invite is pending for the bot.
		resp, _ = b.sendJSON("PATCH", "/api/v1/admin/bot-settings", `{"bot_dm_enabled":true,"feature_invite_dm":true}`)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = b.postForm("/admin/players/"+strconv.Itoa(p.ID)+"/invite", nil)
		require.Less(t, resp.StatusCode, 400)
		var rows []models.DMOutbox
		require.NoError(t, db.Order("id").Find(&rows).Error)
		require.Len(t, rows, 2)
		assert.Equal(t, outbox.StatusPending, rows[1].Status)

		// No Discord account: nothing queued.
		resp, body = b.sendJSON("POST", "/admin/players/"+strconv.Itoa(loner.ID)+"/send-invite", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, `"dm_status":""`)
		var n int64
		db.Model(&models.DMOutbox{}).Count(&n)
		assert.Equal(t, int64(2), n)
	})
}
