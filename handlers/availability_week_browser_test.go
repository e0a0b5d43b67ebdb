package handlers

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// /admin/availability in a real browser on a phone and a desktop, the
// runtime's clock in the week after New York springs forward: the
// previous/next week links change the week and the printed week with it;
// on the DST week the heat map's Sunday has no 02:00/02:30 cells to read
// (hatched, empty, said so to screen readers), its rows are labelled EST
// before and EDT after; nothing on the page is wider than the screen.
func TestAvailabilityWeekLinksOnDSTWeekInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	// A fake clock ahead of the real one: the browser keeps only cookies
	// that expire after its own real time.
	var err error
	s.Config.FakeNow, err = time.Parse(time.RFC3339, "2027-03-17T17:00:00Z")
	require.NoError(t, err)
	s.Now = s.Config.Clock()
	base := browsertest.Serve(t, app)
	_, ou := seedMember(t, db, "Captain", 4)
	ada, _ := seedMember(t, db, "Ada", 2)
	// Sunday 00:30 for 4 h on New York's clock: 00:30–05:30 EDT on the
	// DST Sunday (four real hours across the missing one).
	require.NoError(t, schedule.ReplaceWeek(db, ada.ID, "America/New_York",
		[]schedule.DayInput{{DayOfWeek: 6, EarliestStart: "00:30", AvailableHours: 4}}, s.Now()))

	for _, width := range []int64{390, 1366} {
		label := map[int64]string{390: "phone", 1366: "desktop"}[width]
		browserLogin(t, ctx, s, base, ou)
		var week string
		require.NoError(t, chromedp.Run(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/admin/availability"),
			chromedp.WaitVisible(".week-nav__label", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('.week-nav__label').textContent.trim()`, &week),
		))
		require.Equal(t, "Week of Mon 15 Mar – Sun 21 Mar 2027", week, "the clock's week")

		scheduleJS(t, ctx, `document.querySelector('.week-nav a[rel="prev"]').click()`)
		browsertest.WaitFor(t, ctx, "the previous week", `document.querySelector('.week-nav__label') && document.querySelector('.week-nav__label').dataset.weekOf === '2027-03-08'`)
		var heatWeek, missingText, firstSunTitle string
		var missing, sunCells int
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Evaluate(`document.querySelector('.week-nav__label').textContent.trim()`, &week),
			chromedp.Evaluate(`document.querySelector('#heatmap p.muted').textContent`, &heatWeek),
			chromedp.Evaluate(`document.querySelectorAll('.heatmap td[data-missing]').length`, &missing),
			chromedp.Evaluate(`[...document.querySelectorAll('.heatmap td[data-missing]')].map(td => { const c = td.cloneNode(true); c.querySelectorAll('.sr-only').forEach(e => e.remove()); return c.textContent.trim() + (td.dataset.count || '') }).join('')`, &missingText),
			chromedp.Evaluate(`[...document.querySelectorAll('.heatmap tbody tr')].filter(tr => !tr.children[7].dataset.missing).length`, &sunCells),
			chromedp.Evaluate(`[...document.querySelectorAll('.heatmap tbody tr')].map(tr => tr.children[7]).find(td => td.dataset.count === '1').title`, &firstSunTitle),
		))
		require.Equal(t, "Week of Mon 8 Mar – Sun 14 Mar 2027", week)
		require.Contains(t, heatWeek, "Week of 2027-03-08 – 2027-03-14", "the heat map shows the week printed above")
		require.Contains(t, heatWeek, "EST / EDT")
		require.Equal(t, 2, missing, "Sunday 14 March has no 02:00 and no 02:30")
		require.Empty(t, missingText, "a half hour that does not exist shows nothing")
		require.Equal(t, 46, sunCells, "a 23-hour Sunday has 46 half hours")
		require.Equal(t, "Sunday 00:30 EST · weight 1 · 1 available: Ada", firstSunTitle)
		checkFitsScreen(t, ctx, width)
		var hidden string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`(() => {
			const wrap = document.querySelector('.heatmap-wrap'), sun = document.querySelector('.heatmap thead th:last-child');
			if (wrap.scrollWidth > wrap.clientWidth + 1) return 'the heat map is ' + wrap.scrollWidth + ' px in a ' + wrap.clientWidth + ' px frame';
			if (sun.getBoundingClientRect().right > document.documentElement.clientWidth) return 'Sunday is off the screen';
			return '';
		})()`, &hidden)))
		require.Empty(t, hidden, "at %d px the whole week, the DST Sunday included, is on the screen", width)
		browsertest.Screenshot(t, ctx, "admin-availability-dst-week-"+label+".png")

		scheduleJS(t, ctx, `document.querySelector('.week-nav a[rel="next"]').click()`)
		browsertest.WaitFor(t, ctx, "back to the clock's week", `document.querySelector('.week-nav__label') && document.querySelector('.week-nav__label').dataset.weekOf === '2027-03-15'`)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Evaluate(`document.querySelectorAll('.heatmap td[data-missing]').length`, &missing),
			chromedp.Evaluate(`document.querySelector('#heatmap p.muted').textContent`, &heatWeek),
		))
		require.Zero(t, missing, "the week after has every half hour")
		require.Contains(t, heatWeek, "Week of 2027-03-15 – 2027-03-21")
		checkFitsScreen(t, ctx, width)
	}
}

// checkFitsScreen fails when the page scrolls sideways or an element of
// it reaches past the screen's right edge (what scrolls inside its own
// frame, such as a wide table in .heatmap-wrap, is allowed to).
func checkFitsScreen(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	var wider string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth > w + 1) return 'the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + w;
		const inFrame = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
		for (const el of document.querySelectorAll('main *')) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > w + 1 && !inFrame(el)) return (el.className || el.tagName) + ' reaches ' + Math.round(r.right) + ' px';
		}
		return '';
	})()`, &wider)))
	require.Empty(t, wider, "at %d px", width)
}
