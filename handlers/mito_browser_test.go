package handlers

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

// An officer adds, edits inline and deletes quotes without a page load,
// and shuffles the preview.
func TestMitosCornerInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	_, err := demo.Seed(db, demo.Options{})
	require.NoError(t, err)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, officer := seedMember(t, db, "Boss", 4)
	browserLogin(t, ctx, s, base, officer)

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/mitos-corner"),
		chromedp.WaitVisible("#mito-quotes textarea", chromedp.ByQuery),
		chromedp.Evaluate(`window.__noReload = true`, nil),
		chromedp.SendKeys("#mito-quotes textarea", "Bubble first, ask questions later", chromedp.ByQuery),
		chromedp.Click("#mito-quotes .mito-add button[type=submit]", chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the added quote", `document.querySelector('#mito-quotes').textContent.includes('Bubble first, ask questions later')`)
	require.Equal(t, "true", evalString(t, ctx, `String(window.__noReload)`), "add")
	var q models.MitoQuote
	require.NoError(t, db.Where("quote = ?", "Bubble first, ask questions later").Take(&q).Error)

	row := "#mito-quote-" + strconv.Itoa(q.ID)
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(row+" a", chromedp.ByQuery)))
	// Wait until htmx has processed the swapped-in form, or the click
	// would submit it as a plain form.
	browsertest.WaitFor(t, ctx, "the row's edit form, wired by htmx", `!!document.querySelector('`+row+` textarea') && !!document.querySelector('`+row+` form')['htmx-internal-data']`)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SetValue(row+" textarea", "Bubble first, always", chromedp.ByQuery),
		chromedp.Click(row+" button[type=submit]", chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the edited row", `!document.querySelector('`+row+` textarea') && document.querySelector('`+row+`').textContent.includes('Bubble first, always')`)
	require.NoError(t, db.Take(&q, q.ID).Error)
	require.Equal(t, "Bubble first, always", q.Quote)
	require.Equal(t, "true", evalString(t, ctx, `String(window.__noReload)`), "edit")
	browsertest.Screenshot(t, ctx, "mito-officer.png")

	// Delete asks first; say yes.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(row+" .btn--danger", chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the deleted row gone", `!document.querySelector('`+row+`')`)
	require.Error(t, db.Take(&models.MitoQuote{}, q.ID).Error)

	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "add, edit and delete were htmx swaps")

	require.NoError(t, chromedp.Run(ctx, chromedp.Click(`.tabs a[href*="preview"]`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the preview tab", `!!document.querySelector('#mito-preview')`)
	first := evalString(t, ctx, `document.querySelector('#mito-preview blockquote').textContent`)
	changed := false
	for i := 0; i < 10 && !changed; i++ {
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__swapped = false; document.body.addEventListener('htmx:afterSwap', () => window.__swapped = true, {once: true})`, nil),
			chromedp.Click(`#mito-preview .btn`, chromedp.ByQuery)))
		browsertest.WaitFor(t, ctx, "the shuffled preview", `window.__swapped === true`)
		changed = evalString(t, ctx, `document.querySelector('#mito-preview blockquote').textContent`) != first
	}
	require.True(t, changed, "shuffle shows another quote or title")
	require.True(t, strings.Contains(evalString(t, ctx, `document.querySelector('#mito-preview').textContent`), "— Mito,"))
	browsertest.Screenshot(t, ctx, "mito-preview.png")
}
