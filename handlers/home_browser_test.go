package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// The landing page as a visitor sees it: styled with the embedded fonts,
// every section present, the CSP not blocking our own scripts.
func TestLandingPageInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, _ := testApp(t, db)
	base := browsertest.Serve(t, app)

	var title, font, bg string
	var htmxLoaded, fontsReady bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(".hero__title", chromedp.ByQuery),
		chromedp.Text(".hero__title", &title, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('.hero__title')).fontFamily`, &font),
		chromedp.Evaluate(`getComputedStyle(document.body).backgroundColor`, &bg),
		chromedp.Evaluate(`typeof window.htmx === 'object'`, &htmxLoaded),
		chromedp.Evaluate(`document.fonts.ready.then(() => document.fonts.check('700 32px Cinzel'))`, &fontsReady, browsertest.AwaitPromise),
	)
	require.NoError(t, err)
	require.Equal(t, "Pull All The Things", title)
	require.Contains(t, font, "Cinzel")
	require.Equal(t, "rgb(10, 10, 11)", bg, "dark background #0a0a0b")
	require.True(t, htmxLoaded, "htmx loads from the binary under the CSP")
	require.True(t, fontsReady, "Cinzel is served from the binary")
	for _, sel := range []string{"#who-we-are", "#recruiting", "#schedule", "#join", "#officers", "#mito", "#members-only"} {
		var n int
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll('`+sel+`').length`, &n)))
		require.Equal(t, 1, n, sel)
	}
	browsertest.Screenshot(t, ctx, "landing.png")
}
