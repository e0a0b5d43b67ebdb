package handlers

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/bot/outbox"
	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/notify"
)

// An officer turns the DM switches on and releases a held DM on the
// bot-settings page, with htmx; the page fits a phone.
func TestBotSettingsInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, officer := seedMember(t, db, "Trogdor", 4)
	row, err := outbox.Enqueue(t.Context(), db, time.Now().UTC(), "900000000000009001", outbox.KindInvite,
		notify.Message{Content: "Your registration code: **QWER2345**"})
	require.NoError(t, err)
	require.Equal(t, outbox.StatusHeld, row.Status)
	browserLogin(t, ctx, s, base, officer)

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/bot-settings"),
		chromedp.WaitVisible("#flag-bot_dm_enabled", chromedp.ByQuery),
	))
	var disabled bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('#flag-feature_invite_dm').disabled`, &disabled)))
	assert.True(t, disabled, "feature switches are greyed while All bot DMs is off")

	require.NoError(t, chromedp.Run(ctx, chromedp.Click("#flag-bot_dm_enabled", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "master on", `document.querySelector('#flag-bot_dm_enabled').getAttribute('aria-checked') === 'true'`)
	require.NoError(t, chromedp.Run(ctx, chromedp.Click("#flag-feature_invite_dm", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "invite DMs on", `document.querySelector('#flag-feature_invite_dm').getAttribute('aria-checked') === 'true'`)
	var cfg models.DiscordConfig
	require.NoError(t, db.Take(&cfg).Error)
	assert.True(t, cfg.BotDMEnabled)
	assert.True(t, cfg.FeatureInviteDM)

	require.NoError(t, chromedp.Run(ctx, chromedp.Click("#dm-1 .btn--success", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the DM released", `!document.querySelector('#dm-1') && document.body.textContent.includes('released')`)
	require.NoError(t, db.Take(&row, row.ID).Error)
	assert.Equal(t, outbox.StatusPending, row.Status)
	var path string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &path)))
	assert.Equal(t, "/admin/bot-settings", path, "htmx swapped the body in place")

	// Role sync safeguards: dry run on, at most 5 members per run.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click("#role-dry-run", chromedp.ByQuery),
		chromedp.SetValue("#role-max-changes", "5", chromedp.ByQuery),
		chromedp.Click("#bot-role-rules button", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "role sync settings saved", `document.body.textContent.includes('dry run is on')`)
	require.NoError(t, db.Take(&cfg).Error)
	assert.True(t, cfg.RoleSyncDryRun)
	assert.Equal(t, 5, cfg.RoleSyncMaxChanges)
	// The latest role run, as the bot records it.
	now := time.Now().UTC()
	run := `{"changed":0,"dry_run":true,"cap":5,"over_cap":0,
	  "planned":[{"player":"Trogmoon","role_id":"900000000000000444","rank":"Officer","action":"add"},{"player":"Trogmoon","role_id":"900000000000000222","rank":"Member","action":"remove"}],
	  "skipped":[{"player":"Oldguard","role_id":"900000000000000444","rank":"Officer","action":"remove","error":"Oldguard's rank is Member, but an Officer role is never removed automatically: remove it by hand in Discord if that is right"}],
	  "failures":[]}`
	require.NoError(t, db.Create(&models.BotStatus{State: "connected", Connected: true, UpdatedAt: now, LastRoleRunAt: &now, LastRoleRun: &run}).Error)
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(base+"/admin/bot-settings"), chromedp.WaitVisible("#bot-role-planned", chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "admin_bot_settings.png")

	// Phone width: nothing wider than the screen.
	var overflow bool
	require.NoError(t, chromedp.Run(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/admin/bot-settings"),
		chromedp.WaitVisible("#flag-bot_dm_enabled", chromedp.ByQuery),
		chromedp.ScrollIntoView("#bot-role-skipped", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow),
	))
	assert.False(t, overflow, "the page fits 390 px")
	browsertest.Screenshot(t, ctx, "admin_bot_settings_phone.png")
}
