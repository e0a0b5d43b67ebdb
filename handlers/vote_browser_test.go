package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/demo"
	"patt/models"
	"patt/voting"
)

// center returns a point in the first element matching sel, a third of
// the way down (clear of the sticky picks bar at the bottom of the view).
func center(ctx context.Context, sel string) (x, y float64, err error) {
	var r []float64
	err = chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(
		`(() => { const b = document.querySelector(%q).getBoundingClientRect(); return [b.left + b.width/2, b.top + b.height/3]; })()`, sel), &r))
	if err == nil && len(r) == 2 {
		x, y = r[0], r[1]
	}
	return
}

// drag moves the mouse like a person: press on from, move in steps, release
// on to. SortableJS (forceFallback) follows real mouse events.
func drag(ctx context.Context, from, to string) error {
	x0, y0, err := center(ctx, from)
	if err != nil {
		return err
	}
	x1, y1, err := center(ctx, to)
	if err != nil {
		return err
	}
	return chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		if err := input.DispatchMouseEvent(input.MouseMoved, x0, y0).Do(ctx); err != nil {
			return err
		}
		if err := input.DispatchMouseEvent(input.MousePressed, x0, y0).WithButton(input.Left).WithButtons(1).WithClickCount(1).Do(ctx); err != nil {
			return err
		}
		const steps = 12
		for i := 1; i <= steps; i++ {
			x := x0 + (x1-x0)*float64(i)/steps
			y := y0 + (y1-y0)*float64(i)/steps
			if err := input.DispatchMouseEvent(input.MouseMoved, x, y).WithButton(input.Left).WithButtons(1).Do(ctx); err != nil {
				return err
			}
			time.Sleep(25 * time.Millisecond)
		}
		time.Sleep(80 * time.Millisecond)
		return input.DispatchMouseEvent(input.MouseReleased, x1, y1).WithButton(input.Left).WithClickCount(1).Do(ctx)
	}), chromedp.Sleep(250*time.Millisecond))
}

// click presses and releases the mouse on an element, as a person would.
func click(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		x, y, err := center(ctx, sel)
		if err != nil {
			return err
		}
		if err := input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithButtons(1).WithClickCount(1).Do(ctx); err != nil {
			return err
		}
		if err := input.DispatchMouseEvent(input.MouseReleased, x, y).WithButton(input.Left).WithClickCount(1).Do(ctx); err != nil {
			return err
		}
		time.Sleep(150 * time.Millisecond)
		return nil
	})
}

func cardSel(id int) string   { return fmt.Sprintf(`.ballot__card[data-entry="%d"]`, id) }
func slotSel(rank int) string { return fmt.Sprintf(`[data-drop="%d"]`, rank) }

// A real art vote in the browser: three members rank by dragging (one by
// clicking), one of them watches the standings refresh without a reload,
// an officer closes the campaign and the final results name the winner.
func TestVoteInBrowser(t *testing.T) {
	watcher := browsertest.New(t)
	actor := browsertest.Tab(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)

	camp := voteCampaign(t, s, func(st *voting.Settings) {
		st.Title = "Spring Guild Art Vote"
		st.Description = "Which piece goes on the guild banner this season?"
		st.MinRankToVote = 2
	}, true, "Ember Drake", "Frost Wyrm", "Storm Gryphon", "Void Kitten")
	id := func(name string) int {
		for _, e := range camp.Entries {
			if e.Name == name {
				return e.ID
			}
		}
		t.Fatalf("no entry %s", name)
		return 0
	}
	_, uA := seedMember(t, db, "Ashara", 3)
	_, uB := seedMember(t, db, "Brannoc", 3)
	_, uC := seedMember(t, db, "Celwyn", 2)
	_, uO := seedMember(t, db, "Officer", 4)
	votePath := fmt.Sprintf("%s/vote/%d", base, camp.ID)

	ballotOf := func(u models.User) []voting.Pick {
		var p models.Player
		require.NoError(t, db.Where("website_user_id = ?", u.ID).Take(&p).Error)
		picks, err := voting.BallotOf(db, camp.ID, p.ID)
		require.NoError(t, err)
		return picks
	}
	names := func(ps []voting.Pick) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}

	// Member A drags Ember → #1, Frost → #2, Storm → #3.
	browserLogin(t, watcher, s, base, uA)
	require.NoError(t, chromedp.Run(watcher, chromedp.Navigate(votePath), chromedp.WaitVisible(`form.js-ballot`, chromedp.ByQuery)))
	require.NoError(t, drag(watcher, cardSel(id("Ember Drake")), slotSel(1)))
	require.NoError(t, drag(watcher, cardSel(id("Frost Wyrm")), slotSel(2)))
	browsertest.Screenshot(t, watcher, "vote-ballot-dragging.png")
	require.NoError(t, drag(watcher, cardSel(id("Storm Gryphon")), slotSel(3)))
	var disabled bool
	var summary string
	require.NoError(t, chromedp.Run(watcher,
		chromedp.Evaluate(`document.querySelector('[data-submit]').disabled`, &disabled),
		chromedp.Text(`[data-summary]`, &summary, chromedp.ByQuery)))
	require.False(t, disabled, "submit enabled once all three slots are filled")
	assert.Contains(t, summary, "Ember Drake")
	browsertest.Screenshot(t, watcher, "vote-ballot-ready.png")
	require.NoError(t, chromedp.Run(watcher,
		chromedp.Click(`[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-state="voted"]`, chromedp.ByQuery)))
	require.Equal(t, []string{"Ember Drake", "Frost Wyrm", "Storm Gryphon"}, names(ballotOf(uA)))

	// The watcher marks its page: a reload would lose the mark.
	var before string
	require.NoError(t, chromedp.Run(watcher,
		chromedp.Evaluate(`window.__pattMark = 'still-here'`, nil),
		chromedp.Text(`[data-results]`, &before, chromedp.ByQuery)))
	assert.Contains(t, before, "Ember Drake")
	browsertest.Screenshot(t, watcher, "vote-voted.png")

	// Member B ranks by clicking (the alternative to dragging):
	// Storm, Ember, Frost; a click on a picked card takes it out again.
	browserLogin(t, actor, s, base, uB)
	require.NoError(t, chromedp.Run(actor, chromedp.Navigate(votePath), chromedp.WaitVisible(`form.js-ballot`, chromedp.ByQuery),
		click(cardSel(id("Void Kitten"))),
		click(cardSel(id("Storm Gryphon"))),
		click(cardSel(id("Void Kitten"))), // out again: Storm moves up to #1
		click(cardSel(id("Ember Drake"))),
		click(cardSel(id("Frost Wyrm"))),
		chromedp.Click(`[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-state="voted"]`, chromedp.ByQuery)))
	require.Equal(t, []string{"Storm Gryphon", "Ember Drake", "Frost Wyrm"}, names(ballotOf(uB)))

	// Member C drags Storm → #1, Ember → #3, then drops Frost on #3, which
	// swaps Ember back to the pool; Ember → #2 fills the ballot.
	browserLogin(t, actor, s, base, uC)
	require.NoError(t, chromedp.Run(actor, chromedp.Navigate(votePath), chromedp.WaitVisible(`form.js-ballot`, chromedp.ByQuery)))
	require.NoError(t, drag(actor, cardSel(id("Storm Gryphon")), slotSel(1)))
	require.NoError(t, drag(actor, cardSel(id("Ember Drake")), slotSel(3)))
	require.NoError(t, drag(actor, cardSel(id("Frost Wyrm")), slotSel(3)))
	require.NoError(t, drag(actor, cardSel(id("Ember Drake")), slotSel(2)))
	require.NoError(t, chromedp.Run(actor,
		chromedp.Click(`[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-state="voted"]`, chromedp.ByQuery)))
	require.Equal(t, []string{"Storm Gryphon", "Ember Drake", "Frost Wyrm"}, names(ballotOf(uC)))

	// Storm 1+3+3 = 7, Ember 3+2+2 = 7, Frost 2+1+1 = 4: Storm and Ember
	// tie on points; Storm has 2 firsts to Ember's 1, so Storm leads.
	// The watcher's standings refresh by polling, without a reload.
	var after, mark string
	browsertest.WaitFor(t, watcher, "the polled standings with Storm Gryphon ahead", `(() => {
		const r = document.querySelector('[data-results]'); if (!r) return false;
		const s = r.textContent.indexOf('Storm Gryphon'), e = r.textContent.indexOf('Ember Drake');
		return s >= 0 && s < e; })()`)
	require.NoError(t, chromedp.Run(watcher, chromedp.Text(`[data-results]`, &after, chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(watcher, chromedp.Evaluate(`window.__pattMark || ''`, &mark)))
	assert.Equal(t, "still-here", mark, "the page was not reloaded")
	require.Less(t, strings.Index(after, "Storm Gryphon"), strings.Index(after, "Ember Drake"), "standings updated: %s", after)
	assert.Contains(t, after, "7 pts")
	browsertest.Screenshot(t, watcher, "vote-standings-updated.png")

	// The officer closes the campaign from the editor (confirm accepted).
	browserLogin(t, actor, s, base, uO)
	require.NoError(t, chromedp.Run(actor,
		chromedp.Navigate(fmt.Sprintf("%s/admin/campaigns/%d/edit", base, camp.ID)),
		chromedp.WaitVisible(`[data-close-campaign]`, chromedp.ByQuery)))
	browsertest.Screenshot(t, actor, "admin-campaign-live.png")
	require.NoError(t, chromedp.Run(actor,
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(`[data-close-campaign]`, chromedp.ByQuery)))
	// Either flash ends the wait, so a refused close fails here with its
	// message instead of waiting out the browser session.
	browsertest.WaitFor(t, actor, "the close campaign's flash", `document.querySelector('.flash--success, .flash--error')`)
	var flash string
	require.NoError(t, chromedp.Run(actor, chromedp.Text(`.flash`, &flash, chromedp.ByQuery)))
	require.NotContains(t, flash, "⚠", "closing the campaign was refused")
	closed, err := voting.Get(db, camp.ID)
	require.NoError(t, err)
	require.Equal(t, voting.StatusClosed, closed.Status)
	browsertest.Screenshot(t, actor, "admin-campaign-closed.png")

	// The watcher's polling picks up the final results, winner first.
	var final string
	browsertest.WaitFor(t, watcher, "the polled final results", `document.querySelector('#standings') && document.querySelector('#standings').textContent.includes('Final Results')`)
	require.NoError(t, chromedp.Run(watcher, chromedp.Text(`#standings`, &final, chromedp.ByQuery)))
	require.Contains(t, final, "Final Results")
	require.NoError(t, chromedp.Run(watcher, chromedp.Evaluate(`window.__pattMark || ''`, &mark)))
	assert.Equal(t, "still-here", mark)
	var winner string
	require.NoError(t, chromedp.Run(watcher, chromedp.Text(`.result-row--first .result-row__name`, &winner, chromedp.ByQuery)))
	assert.Equal(t, "Storm Gryphon", winner)
	assert.Contains(t, final, "WINNER")
	browsertest.Screenshot(t, watcher, "vote-final-results.png")

	// A visitor sees the same final results on a fresh load.
	require.NoError(t, chromedp.Run(actor, network.ClearBrowserCookies(), chromedp.Navigate(votePath),
		chromedp.WaitVisible(`[data-state="closed"]`, chromedp.ByQuery),
		chromedp.Text(`.result-row--first .result-row__name`, &winner, chromedp.ByQuery)))
	assert.Equal(t, "Storm Gryphon", winner)
	browsertest.Screenshot(t, actor, "vote-closed-visitor.png")
}

// The demo guild's campaigns as people see them: the landing page's
// "Active Votes" and "Recent Results", the IRV results with their rounds,
// the officers' list and a draft in the editor, reordered by drag.
func TestVoteDemoPagesInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	_, err := demo.Seed(db, demo.Options{Now: s.Now})
	require.NoError(t, err)
	cs, err := voting.List(db)
	require.NoError(t, err)
	require.Len(t, cs, 2)

	var text string
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#active-votes`, chromedp.ByQuery),
		chromedp.Text(`#active-votes`, &text, chromedp.ByQuery)))
	assert.Contains(t, text, "Guild Banner Art Vote")
	require.NoError(t, chromedp.Run(ctx, chromedp.Text(`#recent-results`, &text, chromedp.ByQuery)))
	assert.Contains(t, text, "Raid Night Snack Vote")
	require.NoError(t, chromedp.Run(ctx, chromedp.ScrollIntoView(`#active-votes`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "landing-votes.png")

	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(fmt.Sprintf("%s/vote/%d", base, cs[1].ID)),
		chromedp.WaitVisible(`.irv-rounds`, chromedp.ByQuery),
		chromedp.Text(`.results-card`, &text, chromedp.ByQuery)))
	assert.Contains(t, text, "Round 1")
	assert.Contains(t, text, "WINNER")
	browsertest.Screenshot(t, ctx, "vote-irv-results.png")

	// a visitor on the live vote: the members-only panel, no entries
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(fmt.Sprintf("%s/vote/%d", base, cs[0].ID)),
		chromedp.WaitVisible(`[data-state="public"]`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "vote-public.png")

	// an Initiate sees the entries but cannot vote
	_, newbie := seedMember(t, db, "Newbie", 1)
	browserLogin(t, ctx, s, base, newbie)
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(fmt.Sprintf("%s/vote/%d", base, cs[0].ID)),
		chromedp.WaitVisible(`[data-state="view_only"]`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "vote-view-only.png")

	_, off := seedMember(t, db, "Officer", 4)
	browserLogin(t, ctx, s, base, off)
	draft := voteCampaign(t, s, func(st *voting.Settings) {
		st.Title = "Mount of the Month"
		st.StartAt = s.Now().Add(72 * time.Hour)
	}, false, "Invincible", "Ashes of Al'ar", "Mimiron's Head")
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(base+"/admin/"),
		chromedp.WaitVisible(`.campaigns-table`, chromedp.ByQuery),
		chromedp.Text(`.campaigns-table tbody`, &text, chromedp.ByQuery)))
	assert.Less(t, strings.Index(text, "LIVE"), strings.Index(text, "DRAFT"))
	assert.Less(t, strings.Index(text, "DRAFT"), strings.Index(text, "CLOSED"))
	browsertest.Screenshot(t, ctx, "admin-campaigns.png")

	// drag "Mimiron's Head" (3rd) by its handle to the top
	editURL := fmt.Sprintf("%s/admin/campaigns/%d/edit", base, draft.ID)
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(editURL), chromedp.WaitVisible(`[data-entry-sortable]`, chromedp.ByQuery)))
	last := fmt.Sprintf(`.entry-row[data-entry-id="%d"] .drag-handle`, draft.Entries[2].ID)
	first := fmt.Sprintf(`.entry-row[data-entry-id="%d"]`, draft.Entries[0].ID)
	require.NoError(t, chromedp.Run(ctx, chromedp.ScrollIntoView(`#entries`, chromedp.ByQuery)))
	require.NoError(t, drag(ctx, last, first))
	var names []string
	require.Eventually(t, func() bool {
		c, err := voting.Get(db, draft.ID)
		if err != nil {
			return false
		}
		names = []string{c.Entries[0].Name, c.Entries[1].Name, c.Entries[2].Name}
		return names[0] == "Mimiron's Head"
	}, 5*time.Second, 50*time.Millisecond, "the new order saved: %v", names)
	assert.Equal(t, []string{"Mimiron's Head", "Invincible", "Ashes of Al'ar"}, names)
	browsertest.WaitFor(t, ctx, "the reordered list swapped in", fmt.Sprintf(`document.querySelector('.entry-row').dataset.entryId === '%d'`, draft.Entries[2].ID))
	require.NoError(t, chromedp.Run(ctx, chromedp.ScrollIntoView(`.page-header`, chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "admin-campaign-draft.png")

	// activate with the confirmation accepted: its start is 3 days ahead,
	// so it is scheduled (issue 11 item 6); Open Now opens it and the
	// launch post is queued
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(`[data-activate-campaign]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-scheduled]`, chromedp.ByQuery),
		chromedp.Text(`[data-scheduled]`, &text, chromedp.ByQuery)))
	assert.Contains(t, text, "opens by itself")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(`[data-open-campaign]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.agent-log`, chromedp.ByQuery),
		chromedp.Text(`.agent-log`, &text, chromedp.ByQuery)))
	assert.Contains(t, text, "campaign launch")
	assert.Contains(t, strings.ToLower(text), "pending")
	assert.Contains(t, text, "Mount of the Month")
}
