package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// An officer creates an uploader key in the page (htmx swap, key shown
// once), then revokes it; the page fits a 390 px phone as well as a desktop.
func TestAddonUploadersPageInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, officer := seedMember(t, db, "Trogdor", 4)
	browserLogin(t, ctx, s, base, officer)

	for _, width := range []int64{1280, 390} {
		require.NoError(t, chromedp.Run(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/admin/addon-uploaders"),
			chromedp.WaitVisible(`#addon-uploaders input[name="name"]`, chromedp.ByQuery),
			chromedp.SendKeys(`#addon-uploaders input[name="name"]`, "PC at width", chromedp.ByQuery),
			chromedp.Click(`#addon-uploaders form button[type="submit"]`, chromedp.ByQuery),
		))
		browsertest.WaitFor(t, ctx, "the new key", `document.querySelector('#new-key') && /^pattk_[0-9a-f]{8}_[0-9a-f]{48}$/.test(document.querySelector('#new-key').textContent)`)
		var wider string // the elements that stick out, if the page scrolls sideways
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth + 1 ? "" :
			[...document.querySelectorAll('#addon-uploaders *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
				.map(e => e.tagName + '.' + e.className).join(', ') || 'something outside the panel'`, &wider)))
		require.Empty(t, wider, "the page scrolls sideways at %d px", width)
		var keyRight, viewport float64
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Evaluate(`document.querySelector('#new-key').getBoundingClientRect().right`, &keyRight),
			chromedp.Evaluate(`window.innerWidth`, &viewport)))
		require.LessOrEqual(t, keyRight, viewport, "the key wraps inside the screen at %d px", width)
		browsertest.Screenshot(t, ctx, "addon-uploaders-"+map[int64]string{1280: "desktop", 390: "phone"}[width])
	}

	// Revoke the newest key (confirm accepted).
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(`#addon-uploaders tbody tr:first-child form button`, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the revoked message", `document.querySelector('#addon-uploaders .flash--success') && document.querySelector('#addon-uploaders .flash--success').textContent.includes('revoked')`)
	var revoked int64
	require.NoError(t, db.Model(&models.AddonUploader{}).Where("revoked_at IS NOT NULL").Count(&revoked).Error)
	require.EqualValues(t, 1, revoked)
}
