package handlers

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/fakeblizzard"
)

func noSidewaysScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var overflow bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
	require.False(t, overflow, "%s: the page does not scroll sideways (tables scroll in their frame)", what)
}

// Sync now on /admin/sync: the run shows as running with the page polling,
// a reload in the middle still shows it live, and it turns to success in
// place when Blizzard answers. At 1366 px and 390 px, with the Blizzard
// connection card open.
func TestAdminSyncPageInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	fake := fakeblizzard.New("cid", "csecret")
	t.Cleanup(fake.Close)
	fake.AddGuild(fakeblizzard.Generate(40, 8))
	s, officer, _ := syncTestApp(t, db, fake)
	base := browsertest.Serve(t, officer.app)
	_, user := seedMember(t, db, "Syncmaster", OfficerLevel)
	browserLogin(t, ctx, s, base, user)

	fake.Hold()
	require.NoError(t, chromedp.Run(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/admin/sync"),
		chromedp.WaitVisible(`#sync-now button[type=submit]`, chromedp.ByQuery),
		chromedp.Evaluate(`window.__noReload = true`, nil),
		chromedp.Click(`#sync-now button[type=submit]`, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the run listed as running, the runs polling",
		`document.querySelector('[data-sync-runs] tr[data-status="running"]') && document.querySelector('#sync-runs').getAttribute('hx-trigger') === 'every 2s'`)
	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "Sync now swapped the runs in place")
	browsertest.Screenshot(t, ctx, "admin-sync-running.png")

	// A reload while the sync runs: still live.
	require.NoError(t, chromedp.Run(ctx, chromedp.Reload(), chromedp.WaitVisible(`#sync-runs`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "after a reload the run still shows running and the page polls",
		`document.querySelector('[data-sync-runs] tr[data-status="running"]') && document.querySelector('#sync-runs').getAttribute('hx-trigger') === 'every 2s'`)
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload = true`, nil)))

	fake.Release()
	browsertest.WaitFor(t, ctx, "the run turns to success in place and the polling stops",
		`document.querySelector('[data-sync-runs] tr[data-status="success"]') && !document.querySelector('[data-sync-runs] tr[data-status="running"]') && !document.querySelector('#sync-runs').getAttribute('hx-trigger')`)
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "the polling brought the result without a reload")
	var found string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text(`[data-sync-runs] tr[data-status="success"] td:nth-child(4)`, &found, chromedp.ByQuery)))
	require.Equal(t, "40", found)
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('#sync-settings details').open = true`, nil)))
	noSidewaysScroll(t, ctx, "1366 px")
	browsertest.Screenshot(t, ctx, "admin-sync.png")

	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(),
		chromedp.WaitVisible(`#sync-runs`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#sync-settings details').open = true`, nil)))
	noSidewaysScroll(t, ctx, "390 px")
	browsertest.Screenshot(t, ctx, "admin-sync-phone.png")
	var row models.SyncLog
	require.NoError(t, db.Where("source = ?", guildsync.SourceBlizzard).Take(&row).Error)
	require.Equal(t, guildsync.StatusSuccess, row.Status)
}

// /admin/issues in a browser: accepting a suggestion and dismissing and
// resolving issues swap their rows in place (htmx), at 1366 px and 390 px.
func TestAdminIssuesPageInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, user := seedMember(t, db, "Auditor", OfficerLevel)
	now := time.Now().UTC()
	for _, name := range []string{"Pattbank", "Mailmule", "Enchantbot"} {
		require.NoError(t, db.Create(&models.Character{Name: name, RealmSlug: "senjin"}).Error)
	}
	require.NoError(t, db.Create(&models.AuditIssue{IssueType: "roster_gone", Severity: "critical", Summary: "Roster fetch failed twice in a row", IssueHash: "crit-1", CreatedAt: now}).Error)
	role := "Member"
	require.NoError(t, db.Create(&models.DiscordUser{DiscordID: "555", Username: "rocketman99", IsPresent: true, HighestGuildRole: &role}).Error)
	note := "Rocket's DH"
	rock := models.Character{Name: "Rockdh", RealmSlug: "senjin", AddonNote: &note}
	require.NoError(t, db.Create(&rock).Error)
	_, err := guildsync.MatchIdentities(context.Background(), db, now, false)
	require.NoError(t, err)
	_, err = guildsync.CheckIntegrity(context.Background(), db, now)
	require.NoError(t, err)
	var sugg, orphan1, orphan2 models.AuditIssue
	require.NoError(t, db.Where("issue_type = ? AND resolved_at IS NULL", guildsync.IssueSuggestion).Take(&sugg).Error)
	var orphans []models.AuditIssue
	require.NoError(t, db.Where("issue_type = ? AND resolved_at IS NULL", guildsync.IssueOrphanWow).Order("id").Find(&orphans).Error)
	require.GreaterOrEqual(t, len(orphans), 2)
	orphan1, orphan2 = orphans[0], orphans[1]

	browserLogin(t, ctx, s, base, user)
	row := func(id int) string { return `#issue-` + itoaID(id) }
	require.NoError(t, chromedp.Run(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/admin/issues"),
		chromedp.WaitVisible(row(sugg.ID), chromedp.ByQuery),
		chromedp.Evaluate(`window.__noReload = true`, nil),
	))
	noSidewaysScroll(t, ctx, "1366 px")
	browsertest.Screenshot(t, ctx, "admin-issues.png")

	require.NoError(t, chromedp.Run(ctx, chromedp.Click(row(sugg.ID)+` form[action$="/accept"] button`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the accepted suggestion's row says the link is made",
		`document.querySelector('`+row(sugg.ID)+`').textContent.includes('Link made')`)
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(row(orphan1.ID)+` form[action$="/dismiss"] button`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the dismissed issue's row says so and has no actions left",
		`!document.querySelector('`+row(orphan1.ID)+` form') && document.querySelector('`+row(orphan1.ID)+`').textContent.includes('dismissed')`)

	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844)))
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(row(orphan2.ID)+` form[action$="/resolve"] button`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the resolved issue's row says so and has no actions left",
		`!document.querySelector('`+row(orphan2.ID)+` form') && document.querySelector('`+row(orphan2.ID)+`').textContent.includes('resolved')`)
	var actionsShown bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`(() => { const b = document.querySelector('[data-severity="critical"] form[action$="/resolve"] button').getBoundingClientRect(); return b.right <= window.innerWidth && b.left >= 0 })()`, &actionsShown)))
	require.True(t, actionsShown, "at 390 px the actions are in view, not off to the side")
	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "every action swapped its row in place")
	noSidewaysScroll(t, ctx, "390 px")
	browsertest.Screenshot(t, ctx, "admin-issues-phone.png")

	var pc models.PlayerCharacter
	require.NoError(t, db.Where("character_id = ?", rock.ID).Take(&pc).Error)
	require.Equal(t, guildsync.LinkOfficer, *pc.LinkSource)
	var open int64
	require.NoError(t, db.Model(&models.AuditIssue{}).Where("id IN ? AND resolved_at IS NULL", []int{orphan1.ID, orphan2.ID}).Count(&open).Error)
	require.Zero(t, open)
}

func itoaID(id int) string { return strconv.Itoa(id) }
