package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/onboarding"
)

func seedSession(t *testing.T, db *gorm.DB, discordID, name, state string, main *string, escalation *string) models.OnboardingSession {
	t.Helper()
	du := models.DiscordUser{DiscordID: discordID, Username: name, DisplayName: &name, IsPresent: true}
	require.NoError(t, db.Create(&du).Error)
	now := time.Now().UTC()
	next := now.Add(time.Hour)
	s := models.OnboardingSession{DiscordMemberID: du.ID, DiscordID: discordID, State: state, ReportedMainName: main,
		EscalationReason: escalation, NextActionAt: &next, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, db.Create(&s).Error)
	return s
}

// The onboarding queue on /admin/bot-settings: counts by state, the open
// sessions with their member, state, next action and attempts, and the
// officers' resolve / dismiss / retry.
func TestOnboardingQueuePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)
		main, why := "Trogmoon", "Trogmoon is already linked to player Trog; only an officer may give it to this member."
		ch := models.Character{Name: "Trogmoon", RealmSlug: "senjin"}
		require.NoError(t, db.Create(&ch).Error)
		waiting := seedSession(t, db, "900000000000008001", "Waiter", onboarding.StateAwaitingDM, nil, nil)
		talking := seedSession(t, db, "900000000000008002", "Talker", onboarding.StateAskedMain, nil, nil)
		stuck := seedSession(t, db, "900000000000008003", "Stucky", onboarding.StatePending, &main, &why)
		require.NoError(t, db.Model(&models.OnboardingSession{}).Where("id = ?", stuck.ID).UpdateColumn("main_character_id", ch.ID).Error)
		seedSession(t, db, "900000000000008004", "Done", onboarding.StateProvisioned, nil, nil)

		resp, _ := newBrowser(t, app).loginAs(s, memUser).get("/admin/bot-settings")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = newBrowser(t, app).loginAs(s, memUser).htmxSend("POST", "/admin/bot-settings/onboarding/"+strconv.Itoa(stuck.ID)+"/resolve", nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, offUser)
		resp, body := b.get("/admin/bot-settings")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		for _, want := range []string{"Onboarding Queue", "Onboarding DMs are off",
			`<span class="onb-tile__n">1</span><span class="onb-tile__label">Awaiting DM</span>`,
			`<span class="onb-tile__n">1</span><span class="onb-tile__label">Needs an officer</span>`,
			`<span class="onb-tile__n">1</span><span class="onb-tile__label">Set up</span>`,
			`id="onb-` + strconv.Itoa(waiting.ID) + `"`, `id="onb-` + strconv.Itoa(talking.ID) + `"`, "Stucky", "already linked to player Trog",
			"/admin/bot-settings/onboarding/" + strconv.Itoa(stuck.ID) + "/retry"} {
			assert.Contains(t, body, want)
		}
		assert.NotContains(t, body, "/admin/bot-settings/onboarding/"+strconv.Itoa(talking.ID)+"/retry", "retry only for pending sessions")
		assert.NotContains(t, body, ">Done<", "finished sessions are counted, not listed")

		// No CSRF token: refused.
		resp, _ = newBrowser(t, app).loginAs(s, offUser).send(mustFormRequest(t, "/admin/bot-settings/onboarding/"+strconv.Itoa(talking.ID)+"/dismiss", url.Values{}))
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)

		resp, body = b.htmxSend("POST", "/admin/bot-settings/onboarding/"+strconv.Itoa(talking.ID)+"/retry", nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Contains(t, body, "No pending_verification session found for the member.")
		resp, body = b.htmxSend("POST", "/admin/bot-settings/onboarding/"+strconv.Itoa(talking.ID)+"/dismiss", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.NotContains(t, body, "<html", "htmx gets the body")
		assert.Contains(t, body, "Dismissed onboarding session for the member")
		var got models.OnboardingSession
		require.NoError(t, db.Take(&got, talking.ID).Error)
		assert.Equal(t, onboarding.StateDismissed, got.State)
		assert.Equal(t, "Officer4", *got.ResolvedBy)
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/onboarding/"+strconv.Itoa(talking.ID)+"/dismiss", nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "already closed")

		resp, body = b.htmxSend("POST", "/admin/bot-settings/onboarding/"+strconv.Itoa(stuck.ID)+"/resolve", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, "has been provisioned")
		got = models.OnboardingSession{}
		require.NoError(t, db.Take(&got, stuck.ID).Error)
		assert.Equal(t, onboarding.StateResolved, got.State)
		require.NotNil(t, got.VerifiedPlayerID)
		var link models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", ch.ID).Take(&link).Error)
		assert.Equal(t, *got.VerifiedPlayerID, link.PlayerID)
		assert.Equal(t, onboarding.LinkSourceOfficer, *link.LinkSource)

		resp, _ = b.htmxSend("POST", "/admin/bot-settings/onboarding/99999/resolve", nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, _ = b.htmxSend("POST", "/admin/bot-settings/onboarding/"+strconv.Itoa(waiting.ID)+"/explode", nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
