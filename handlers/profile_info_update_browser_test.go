package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// Saving a new display name through htmx updates the header at once.
func TestProfileHeaderNameInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, u := seedMember(t, db, "Trog", 2)
	browserLogin(t, ctx, s, base, u)

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/profile"),
		chromedp.WaitVisible("#profile-display-name", chromedp.ByQuery),
		chromedp.SetValue("#profile-display-name", "Trogdor the Burninator", chromedp.ByQuery),
		chromedp.Click(`#profile-info button[type="submit"]`, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the saved message", `document.querySelector('#profile-info .flash--success')`)
	browsertest.WaitFor(t, ctx, "the header's new name", `document.querySelector('#nav-user-name').textContent === 'Trogdor the Burninator'`)
	var n int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll('#nav-user-name').length`, &n)))
	require.Equal(t, 1, n, "swapped in place, not added")
}
