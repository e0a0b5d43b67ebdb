package handlers

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/voting"
)

// box is an element's rectangle as getBoundingClientRect gives it.
type box struct{ Top, Bottom, Left, Right, Width, Height float64 }

func (r box) overlaps(o box) bool {
	return r.Left < o.Right && o.Left < r.Right && r.Top < o.Bottom && o.Top < r.Bottom
}

// boxOf reads the rectangle of the first element matching sel.
func boxOf(t *testing.T, ctx context.Context, sel string) box {
	t.Helper()
	var r *box
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(() => {
		const e = document.querySelector(%q); if (!e) return null;
		const b = e.getBoundingClientRect();
		return {Top: b.top, Bottom: b.bottom, Left: b.left, Right: b.right, Width: b.width, Height: b.height}; })()`, sel), &r)))
	require.NotNil(t, r, "no element %s", sel)
	return *r
}

// overflowing lists the elements matching sel whose content is wider than
// their box (scrollWidth > clientWidth), by their text.
func overflowing(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	var out []string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%q))
		.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim().slice(0, 60))`, sel), &out)))
	return out
}

// outside lists the elements matching inner whose right edge passes the
// right edge of the nearest ancestor matching outer (a clipped column).
func outside(t *testing.T, ctx context.Context, inner, outer string) []string {
	t.Helper()
	var out []string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%q))
		.filter(e => { const o = e.closest(%q); if (!o) return false;
			const a = e.getBoundingClientRect(), b = o.getBoundingClientRect(); return a.right > b.right + 1 || a.left < b.left - 1; })
		.map(e => e.textContent.trim().slice(0, 60))`, inner, outer), &out)))
	return out
}

// collisions lists, for each element matching sel, the pairs of its
// visible children whose boxes overlap (one drawn over the other).
func collisions(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	var out []string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).flatMap(row => {
		const kids = Array.from(row.children).filter(e => e.offsetParent !== null).map(e => [e, e.getBoundingClientRect()]);
		const hits = [];
		for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
			const a = kids[i][1], b = kids[j][1];
			if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2)
				hits.push(kids[i][0].className + ' / ' + kids[j][0].className + ' in ' + row.textContent.trim().slice(0, 40));
		}
		return hits; })`, sel), &out)))
	return out
}

// Issue 11 item 13 (voting): at 390 px the ballot's sticky bar covers no
// slot and an entry shows without scrolling; closed results with a winner
// badge and long names stay inside their rows and the instant-runoff bars
// keep a width; at 1366 px the officers' campaign list shows every column
// and button.
func TestVoteLayoutInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	long := "Thunderfury-Blessed-Blade-of-the-Windseeker-Everlasting"
	live := voteCampaign(t, s, func(st *voting.Settings) {
		st.Title = "Spring Guild Art Vote"
		st.Description = "Which piece goes on the guild banner this season?"
		st.MinRankToVote = 2
	}, true, "Ember Drake", "Frost Wyrm", "Storm Gryphon", "Void Kitten", "Azure Serpent")
	irv := voteCampaign(t, s, func(st *voting.Settings) {
		st.Title = "Raid Night Snack Vote"
		st.Type = voting.TypeIRV
		st.PicksPerVoter = 2
		st.MinRankToVote = 2
	}, true, long, "Sausage Rolls of the Great Feast", "Dalaran Cheese", "Mana Biscuits")
	var voters []models.User
	for i, b := range [][]string{{long, "Dalaran Cheese"}, {long, "Mana Biscuits"}, {"Dalaran Cheese", long},
		{"Mana Biscuits", "Dalaran Cheese"}, {"Sausage Rolls of the Great Feast", long}} {
		p, u := seedMember(t, db, fmt.Sprintf("Voter%d", i), 3)
		voters = append(voters, u)
		var picks []voting.Pick
		for r, n := range b {
			for _, e := range irv.Entries {
				if e.Name == n {
					picks = append(picks, voting.Pick{EntryID: e.ID, Rank: r + 1})
				}
			}
		}
		require.NoError(t, voting.CastBallot(db, s.Now(), irv.ID, p.ID, picks))
	}
	_, err := voting.Close(db, s.Now(), irv.ID)
	require.NoError(t, err)

	// phone: the ballot
	browserLogin(t, ctx, s, base, voters[0])
	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(fmt.Sprintf("%s/vote/%d", base, live.ID)),
		chromedp.WaitVisible(`form.js-ballot`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "vote-ballot-390.png")
	bar := boxOf(t, ctx, `.picks-bar`)
	var vh float64
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.innerHeight`, &vh)))
	for r := 1; r <= 3; r++ {
		slot := boxOf(t, ctx, fmt.Sprintf(`[data-slot="%d"]`, r))
		assert.False(t, bar.overlaps(slot), "the sticky bar %+v covers slot #%d %+v", bar, r, slot)
	}
	card := boxOf(t, ctx, `.ballot__pool .ballot__card`)
	assert.Less(t, card.Top+40, bar.Top, "an entry shows above the sticky bar without scrolling (card %+v, bar %+v)", card, bar)
	assert.Less(t, bar.Height, 100.0, "the sticky bar stays small on a phone")
	var hintShown bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.no-js-only')).some(e => e.offsetParent !== null)`, &hintShown)))
	assert.False(t, hintShown, "the without-JavaScript hint is hidden when JavaScript runs")
	assert.Empty(t, overflowing(t, ctx, `html`), "the page is no wider than the phone")

	// phone: closed instant-runoff results with a long winner
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(fmt.Sprintf("%s/vote/%d", base, irv.ID)),
		chromedp.WaitVisible(`.irv-rounds`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "vote-irv-results-390.png")
	require.NoError(t, chromedp.Run(ctx, chromedp.ScrollIntoView(`.irv-rounds`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "vote-irv-rounds-390.png")
	assert.Empty(t, overflowing(t, ctx, `html, .results-card, .result-row, .irv-round__row`), "content wider than its box")
	assert.Empty(t, outside(t, ctx, `.result-row .badge, .result-row__name, .result-row__score`, `.result-row`), "out of its row")
	assert.Empty(t, collisions(t, ctx, `.result-row, .irv-round__row`), "parts of a result drawn over each other")
	assert.Empty(t, outside(t, ctx, `.irv-round__row > *`, `.irv-round__row`), "out of its round row")
	var barWidths []float64
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.irv-round__row .bar')).map(b => b.getBoundingClientRect().width)`, &barWidths)))
	require.NotEmpty(t, barWidths)
	for _, w := range barWidths {
		assert.GreaterOrEqual(t, w, 120.0, "an instant-runoff bar keeps a width on a phone")
	}

	// desktop: the officers' campaign list
	_, off := seedMember(t, db, "Officer", 4)
	voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Mount of the Month, the Long-Titled Edition for Everyone" }, false, "A", "B", "C")
	browserLogin(t, ctx, s, base, off)
	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/admin/campaigns"),
		chromedp.WaitVisible(`.campaigns-table`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "admin-campaigns-1366.png")
	assert.Empty(t, overflowing(t, ctx, `html, .table-wrap`), "the campaign list scrolls sideways at 1366 px")
	assert.Empty(t, outside(t, ctx, `.campaigns-table td, .campaigns-table .btn`, `.table-wrap`), "a clipped column or button")
	var turnout string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text(`[data-turnout]`, &turnout, chromedp.ByQuery)))
	assert.Contains(t, turnout, "/")
}
