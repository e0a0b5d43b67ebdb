package handlers

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/onboarding"
)

// An officer dismisses an onboarding session from the queue with htmx;
// the queue fits a phone.
func TestOnboardingQueueInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, officer := seedMember(t, db, "Trogdor", 4)
	main, why := "Shadowmainwithaverylongname", "Shadowmainwithaverylongname is already linked to player Shadow; only an officer may give it to this member."
	seedSession(t, db, "900000000000009101", "Newcomer", onboarding.StateAskedMain, nil, nil)
	stuck := seedSession(t, db, "900000000000009102", "A member with a long display name", onboarding.StatePending, &main, &why)
	browserLogin(t, ctx, s, base, officer)

	row := "#onb-" + strconv.Itoa(stuck.ID)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/bot-settings"),
		chromedp.WaitVisible(row, chromedp.ByQuery),
	))
	browsertest.Screenshot(t, ctx, "admin_onboarding_queue.png")
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(row+" .btn--danger", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the session dismissed", `!document.querySelector('`+row+`') && document.body.textContent.includes('Dismissed onboarding session')`)
	var got models.OnboardingSession
	require.NoError(t, db.Take(&got, stuck.ID).Error)
	assert.Equal(t, onboarding.StateDismissed, got.State)
	var path string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &path)))
	assert.Equal(t, "/admin/bot-settings", path, "htmx swapped the body in place")

	seedSession(t, db, "900000000000009103", "Another long-named newcomer", onboarding.StatePending, &main, &why)
	var overflow bool
	require.NoError(t, chromedp.Run(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/admin/bot-settings"),
		chromedp.WaitVisible("#bot-onboarding", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow),
	))
	if overflow {
		var wide string
		chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')`, &wide))
		t.Errorf("the page is wider than 390 px: %s", wide)
	}
	require.NoError(t, chromedp.Run(ctx, chromedp.ScrollIntoView("#bot-onboarding", chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "admin_onboarding_queue_phone.png")
}
