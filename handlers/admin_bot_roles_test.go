package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/notify"
)

// The role sync's safeguards on the bot-settings page: officers set dry
// run and the per-run cap (422 naming the field for a bad cap), and see
// the latest role run's plan, the edits left for a human and the refusals.
func TestBotRoleSafeguardsOnThePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		rec := &notify.Recorder{}
		s.Notifier = rec
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)
		resp, _ := newBrowser(t, app).loginAs(s, memUser).postForm("/admin/bot-settings/role-sync", url.Values{"max_changes": {"5"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, offUser)
		_, body := b.get("/admin/bot-settings")
		assert.Contains(t, body, `id="role-max-changes" min="1" max="500" value="10"`, "10 per run on a fresh install")
		assert.NotContains(t, body, `id="role-dry-run" checked`)

		resp, body = b.htmxSend("POST", "/admin/bot-settings/role-sync", url.Values{"dry_run": {"on"}, "max_changes": {"3"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, "dry run is on")
		assert.Contains(t, body, `id="role-dry-run" checked`)
		assert.Contains(t, body, `value="3"`)
		cfg := botConfig(t, db)
		assert.True(t, cfg.RoleSyncDryRun)
		assert.Equal(t, 3, cfg.RoleSyncMaxChanges)
		require.NotEmpty(t, rec.Sent())
		assert.Equal(t, "ranks", rec.Sent()[0].Kind, "the bot re-plans at once")

		for _, bad := range []string{"0", "501", "ten", ""} {
			resp, body = b.htmxSend("POST", "/admin/bot-settings/role-sync", url.Values{"max_changes": {bad}})
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, bad)
			assert.Contains(t, body, "Members changed per run must be a whole number from 1 to 500", bad)
		}
		assert.Equal(t, 3, botConfig(t, db).RoleSyncMaxChanges, "a refused form changes nothing")
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/role-sync", url.Values{"max_changes": {"20"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.False(t, botConfig(t, db).RoleSyncDryRun, "an unticked box is off")

		// The latest role run as the bot records it.
		now := time.Now().UTC()
		run := `{"changed":1,"dry_run":true,"cap":20,"over_cap":1,
		  "planned":[{"player":"Trog","role_id":"444","rank":"Officer","action":"add"}],
		  "skipped":[{"player":"Ex","role_id":"444","rank":"Officer","action":"remove","error":"never removed automatically"},
		             {"player":"Late","role_id":"222","rank":"Member","action":"add","error":"over the cap of 20 members changed per run"}],
		  "failures":[{"player":"Vet","role_id":"333","rank":"Veteran","action":"add","error":"discord: HTTP 403, code 50013: Missing Permissions"}]}`
		require.NoError(t, db.Create(&models.BotStatus{State: "connected", Connected: true, UpdatedAt: now, LastRoleRunAt: &now, LastRoleRun: &run}).Error)
		_, body = b.get("/admin/bot-settings")
		for _, want := range []string{
			`id="bot-role-planned"`, "Dry run: nothing was changed in Discord. It would make 1 change(s):", "Trog: give the Officer role",
			`id="bot-role-skipped"`, "(1 member(s) over the cap wait for a later run)", "Ex: take away the Officer role — never removed automatically",
			"Late: give the Member role — over the cap",
			`id="bot-role-failures"`, "Vet: add the Veteran role", "50013",
		} {
			assert.Contains(t, body, want)
		}
	})
}

// An officer's rank change tells the bot at once, naming the player; a
// refused change tells it nothing.
func TestOfficerRankChangeTellsTheBot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		rec := &notify.Recorder{}
		s.Notifier = rec
		_, offUser := seedMember(t, db, "Officer4", 4)
		target, _ := seedMember(t, db, "Member2", 2)
		b := newBrowser(t, app).loginAs(s, offUser)
		var vet, gl models.GuildRank
		require.NoError(t, db.Where("level = 3").Take(&vet).Error)
		require.NoError(t, db.Where("level = 5").Take(&gl).Error)

		resp, _ := b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rank", target.ID), url.Values{"rank_id": {fmt.Sprint(gl.ID)}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Empty(t, rec.Sent(), "nothing changed, nothing said")

		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rank", target.ID), url.Values{"rank_id": {fmt.Sprint(vet.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		sent := rec.Sent()
		require.Len(t, sent, 1)
		assert.Equal(t, "ranks", sent[0].Kind)
		assert.Equal(t, []int{target.ID}, sent[0].PlayerIDs)

		// Page loads say nothing.
		b.get("/admin/players")
		assert.Len(t, rec.Sent(), 1)
	})
}

// The default announcement channel: set and cleared on the page, refused
// (422 naming the field) when it is not a Discord id.
func TestBotAnnouncementChannelOnThePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)
		resp, _ := newBrowser(t, app).loginAs(s, memUser).postForm("/admin/bot-settings/announce-channel", url.Values{"channel_id": {"123456789012345678"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		b := newBrowser(t, app).loginAs(s, offUser)
		for _, bad := range []string{"12345", "general", "1234567890123456789012"} {
			resp, body := b.htmxSend("POST", "/admin/bot-settings/announce-channel", url.Values{"channel_id": {bad}})
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, bad)
			assert.Contains(t, body, "must be a Discord channel id", bad)
		}
		assert.Zero(t, botConfig(t, db).ID, "nothing half-written")
		resp, body := b.htmxSend("POST", "/admin/bot-settings/announce-channel", url.Values{"channel_id": {" 123456789012345678 "}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, `value="123456789012345678"`)
		cfg := botConfig(t, db)
		require.NotNil(t, cfg.DefaultAnnouncementChannelID)
		assert.Equal(t, "123456789012345678", *cfg.DefaultAnnouncementChannelID)
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/announce-channel", url.Values{"channel_id": {""}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Nil(t, botConfig(t, db).DefaultAnnouncementChannelID)
	})
}
