package handlers

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// Characters by hand in a real browser, on a phone and a desktop: the
// officer's form on the Player Manager and the member's on /profile work
// without JavaScript tricks and fit the screen.
func TestCharactersByHandInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, officer := seedMember(t, db, "Offy", 4)
	_, member := seedMember(t, db, "Jay", 2)
	var shaman models.Class
	require.NoError(t, db.Where("name = ?", "Shaman").Take(&shaman).Error)
	names := map[int64][2]string{390: {"Thrall", "Jaina"}, 1366: {"Garrosh", "Sylvanas"}}
	for _, width := range []int64{390, 1366} {
		label := map[int64]string{390: "phone", 1366: "desktop"}[width]
		browserLogin(t, ctx, s, base, officer)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/admin/players"),
			chromedp.WaitVisible("#pm-add-char summary", chromedp.ByQuery),
			chromedp.Click("#pm-add-char summary", chromedp.ByQuery),
			chromedp.WaitVisible("#pm-add-name", chromedp.ByQuery),
			chromedp.SendKeys("#pm-add-name", names[width][0], chromedp.ByQuery),
			chromedp.SendKeys("#pm-add-realm", "Sen'jin", chromedp.ByQuery),
			chromedp.SetValue("#pm-add-class", strconv.Itoa(shaman.ID), chromedp.ByQuery),
			chromedp.SetValue("#pm-add-level", "80", chromedp.ByQuery),
		))
		browsertest.Screenshot(t, ctx, "pm-add-character-form-"+label+".png")
		require.NoError(t, chromedp.Run(ctx, chromedp.Click(`#pm-add-char button[type="submit"]`, chromedp.ByQuery)))
		browsertest.WaitFor(t, ctx, "the new character on the board", `document.querySelector('#pm-chars-list') && document.querySelector('#pm-chars-list').textContent.includes('`+names[width][0]+`')`)
		var overflow bool
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
		require.False(t, overflow, "the Player Manager is no wider than the %d px screen", width)

		browserLogin(t, ctx, s, base, member)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(base+"/profile"),
			chromedp.WaitVisible("#add-character summary", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('#add-character').open = true`, nil),
			chromedp.WaitVisible("#add-char-name", chromedp.ByQuery),
			chromedp.SendKeys("#add-char-name", names[width][1], chromedp.ByQuery),
			chromedp.SendKeys("#add-char-realm", "Proudmoore", chromedp.ByQuery),
			chromedp.SetValue("#add-char-class", strconv.Itoa(shaman.ID), chromedp.ByQuery),
			chromedp.Click(`#add-character button[type="submit"]`, chromedp.ByQuery),
		))
		browsertest.WaitFor(t, ctx, "the member's character marked unverified", `document.querySelector('.owned-chars') && document.querySelector('.owned-chars').textContent.includes('`+names[width][1]+`') && document.querySelector('.owned-chars .badge--warning')`)
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
		require.False(t, overflow, "the profile is no wider than the %d px screen", width)
		browsertest.Screenshot(t, ctx, "profile-characters-"+label+".png")
	}
}
