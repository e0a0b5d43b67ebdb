package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	var s string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(js, &s)))
	return s
}

// The roster with the demo guild, driven as a person would: sort by iLvl,
// search for a class, show alts, switch tabs — each an htmx swap that keeps
// the view in the URL.
func TestRosterInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	_, err := demo.Seed(db, demo.Options{})
	require.NoError(t, err)
	app, _ := testApp(t, db)
	base := browsertest.Serve(t, app)

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/roster"),
		chromedp.WaitVisible("#roster-table tbody tr", chromedp.ByQuery),
	))
	// Mark the document: a full page load would lose the mark, an htmx
	// swap keeps it.
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload = true`, nil)))
	rows := `document.querySelectorAll('#roster-table tbody tr:not(.empty-row)').length`
	var mains int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(rows, &mains)))
	require.Greater(t, mains, 30)

	// Sort by item level: first click sorts high → low.
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(`th:nth-child(7) a`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "sorted by item level", `location.search.includes('sort=ilvl') && !!document.querySelector('th.sort-desc')`)
	ilvls := evalString(t, ctx, `[...document.querySelectorAll('#roster-table tbody td.num')].map(td => td.textContent.trim()).join(',')`)
	vals := strings.Split(ilvls, ",")
	require.Greater(t, len(vals), 30)
	for i := 1; i < len(vals); i++ {
		require.GreaterOrEqual(t, vals[i-1], vals[i], "descending item levels: %s", ilvls)
	}

	// Live search for a class: the table narrows as you type.
	require.NoError(t, chromedp.Run(ctx, chromedp.SendKeys(`input[name=q]`, "mage", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "filtered to mages", `location.search.includes('q=mage') && [...document.querySelectorAll('#roster-table tbody tr')].every(tr => tr.children[2].textContent.includes('Mage'))`)
	var mages int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(rows, &mages)))
	require.Greater(t, mages, 0)
	require.Less(t, mages, mains)
	require.Contains(t, evalString(t, ctx, `location.search`), "sort=ilvl", "the sort survives the search")

	// Show alts: more mages (their alts) appear, dimmed.
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(`input[name=alts]`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "alts shown", `location.search.includes('alts=1') && document.querySelectorAll('#roster-table tr.row--alt').length > 0`)
	var withAlts int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(rows, &withAlts)))
	require.Greater(t, withAlts, mages)
	browsertest.Screenshot(t, ctx, "roster-table.png")

	// Tabs: Composition, then Schedule; the tab is in the URL.
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(`.tabs a[href*="tab=composition"]`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the composition tab", `location.search.includes('tab=composition') && !!document.querySelector('.role-card')`)
	var cards int
	var wowhead string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelectorAll('.role-card').length`, &cards),
		chromedp.Evaluate(`document.querySelector('.roster-wowhead a').href`, &wowhead),
	))
	require.Equal(t, 4, cards)
	require.True(t, strings.HasPrefix(wowhead, "https://www.wowhead.com/raid-comp#"), wowhead)
	require.Equal(t, "warn", evalString(t, ctx, `document.querySelectorAll('.role-card')[1].dataset.status`), "a healer short")
	barWidth := evalString(t, ctx, `getComputedStyle(document.querySelector('.role-card .bar__fill')).width`)
	require.NotEqual(t, "0px", barWidth)
	browsertest.Screenshot(t, ctx, "roster-composition.png")

	require.NoError(t, chromedp.Run(ctx, chromedp.Click(`.tabs a[href*="tab=schedule"]`, chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the schedule tab", `location.search.includes('tab=schedule') && document.body.textContent.includes('Heroic Raid Night')`)

	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "every step was an htmx swap, not a page load")

	// Back to the table through history: the full page comes back.
	require.NoError(t, chromedp.Run(ctx, chromedp.NavigateBack()))
	browsertest.WaitFor(t, ctx, "the composition tab", `location.search.includes('tab=composition') && !!document.querySelector('.role-card')`)
}

// Without JavaScript the same views are plain GET URLs and forms.
func TestRosterWithoutJavaScriptInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	_, err := demo.Seed(db, demo.Options{})
	require.NoError(t, err)
	app, _ := testApp(t, db)
	base := browsertest.Serve(t, app)

	require.NoError(t, chromedp.Run(ctx,
		emulateNoScript(),
		chromedp.Navigate(base+"/roster"),
		chromedp.WaitVisible("#roster-table", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=q]`, "priest", chromedp.ByQuery),
		chromedp.Click(`input[name=alts]`, chromedp.ByQuery),
		chromedp.Click(`.roster-filters button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#roster-table", chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the no-JS filter applied", `location.search.includes('q=priest') && location.search.includes('alts=1')`)
	require.Equal(t, "undefined", evalString(t, ctx, `typeof window.htmx`), "no page script ran")
	classes := evalString(t, ctx, `[...document.querySelectorAll('#roster-table tbody tr')].map(tr => tr.children[2].textContent).join(',')`)
	for _, c := range strings.Split(classes, ",") {
		require.Equal(t, "Priest", c)
	}
}

// emulateNoScript turns JavaScript off for the page, as a visitor may.
func emulateNoScript() chromedp.Action {
	return emulation.SetScriptExecutionDisabled(true)
}

// The landing page with the demo guild, for a person to look at.
func TestLandingPageWithDemoGuildInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	_, err := demo.Seed(db, demo.Options{})
	require.NoError(t, err)
	app, _ := testApp(t, db)
	base := browsertest.Serve(t, app)
	var officers int
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#officers", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.officers__card').length`, &officers),
	))
	require.Equal(t, 5, officers)
	color := evalString(t, ctx, `getComputedStyle(document.querySelector('.officers__main')).color`)
	require.NotEqual(t, "rgb(212, 168, 75)", color, "class colour, not the gold fallback")
	browsertest.Screenshot(t, ctx, "landing-demo.png")
}
