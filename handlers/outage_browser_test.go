package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

// During an outage the cached roster shows its stale banner above the
// table, inside the screen at 390 px and on the desktop.
func TestOutageBannerInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, dsn := dbtest.Migrated(t, models.SQLite)
	_, err := demo.Seed(db, demo.Options{})
	require.NoError(t, err)
	app, _ := testApp(t, db)
	base := browsertest.Serve(t, app)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/roster"),
		chromedp.WaitVisible("#roster-table tbody tr", chromedp.ByQuery),
	))
	require.Nil(t, breakDatabase(t, db, dsn))

	for _, width := range []int64{390, 1366} {
		require.NoError(t, chromedp.Run(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/roster"),
			chromedp.WaitVisible(".stale-banner", chromedp.ByQuery),
			chromedp.WaitVisible("#roster-table tbody tr", chromedp.ByQuery),
		))
		var above bool
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(
			`document.querySelector('.stale-banner').getBoundingClientRect().bottom <= document.querySelector('#roster-table').getBoundingClientRect().top`, &above)))
		require.True(t, above, "the banner comes before the table at %d px", width)
		var wider bool
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(
			`document.querySelector('.stale-banner').getBoundingClientRect().right > window.innerWidth + 1`, &wider)))
		require.False(t, wider, "the banner fits the screen at %d px", width)
		browsertest.Screenshot(t, ctx, map[int64]string{390: "outage-roster-phone.png", 1366: "outage-roster-desktop.png"}[width])
	}
}
