package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

func scheduleJS(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(js, nil)))
}

// A member in Sydney enters a week on /availability with htmx (zone,
// Monday's window, "copy to all days", Sunday off, save); an officer then
// sees it on /admin/availability converted to New York: counted on the
// previous weekday in the grid and in the heat map.
func TestAvailabilityInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	// A January (EST, and summer time in Sydney) a few years ahead: the
	// app's cookies expire relative to this clock, and the browser keeps
	// only cookies that expire after its own real time.
	browserClock := time.Date(2031, 1, 15, 17, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return browserClock }
	base := browsertest.Serve(t, app)
	member, mu := seedMember(t, db, "Roo", 2)
	_, ou := seedMember(t, db, "Captain", 4)
	_, err := schedule.CreateRaidNight(db, schedule.RaidNightInput{Label: schedPtr("Heroic Raid Night"), DayOfWeek: schedPtr(4), DefaultStartTime: schedPtr("19:00")}, browserClock)
	require.NoError(t, err)

	browserLogin(t, ctx, s, base, mu)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/availability"),
		chromedp.WaitVisible("#availability-editor", chromedp.ByQuery),
	))
	change := func(sel, value string) string {
		return `(() => { const el = document.querySelector('` + sel + `'); el.value = '` + value + `'; el.dispatchEvent(new Event('change', {bubbles: true})); })()`
	}
	scheduleJS(t, ctx, change("#avail-timezone", "Australia/Sydney"))
	browsertest.WaitFor(t, ctx, "zone preview", `document.querySelector('#avail-timezone').value === 'Australia/Sydney' && document.querySelector('#avail-timezone option[selected]').value === 'Australia/Sydney'`)
	scheduleJS(t, ctx, `document.querySelector('#day_0_available').click()`)
	browsertest.WaitFor(t, ctx, "Monday on", `!document.querySelector('#avail-row-0').classList.contains('row--disabled')`)
	scheduleJS(t, ctx, change("#day_0_start", "10:00"))
	browsertest.WaitFor(t, ctx, "Monday start", `document.querySelector('#avail-row-0 [data-guild-time]').textContent.includes('18:00')`)
	scheduleJS(t, ctx, change("#day_0_hours", "3"))
	browsertest.WaitFor(t, ctx, "Monday hours", `document.querySelector('#avail-row-0 [data-guild-time]').textContent.includes('Sun 18:00–21:00 EST')`)
	scheduleJS(t, ctx, `document.querySelector('#avail-row-0 button[name=copy_from]').click()`)
	browsertest.WaitFor(t, ctx, "copied", `document.querySelectorAll('.avail-row input[type=checkbox]:checked').length === 7`)
	scheduleJS(t, ctx, `document.querySelector('#day_6_available').click()`)
	browsertest.WaitFor(t, ctx, "Sunday off", `document.querySelector('#avail-row-6').classList.contains('row--disabled')`)
	var satText string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text("#avail-row-5 [data-guild-time]", &satText, chromedp.ByQuery)))
	require.Equal(t, "= Fri 18:00–21:00 EST", strings.TrimSpace(satText), "a Sydney Saturday morning is a New York Friday evening")
	browsertest.Screenshot(t, ctx, "availability-editor-before-save.png")

	scheduleJS(t, ctx, `document.querySelector('#avail-save').click()`)
	browsertest.WaitFor(t, ctx, "saved", `document.querySelector('.avail-editor__status') && document.querySelector('.avail-editor__status').textContent.includes('Availability saved')`)
	browsertest.Screenshot(t, ctx, "availability-editor-saved.png")

	week, err := schedule.PlayerWeek(db, member.ID)
	require.NoError(t, err)
	require.Len(t, week, 6)
	var p models.Player
	require.NoError(t, db.Take(&p, member.ID).Error)
	require.Equal(t, "Australia/Sydney", p.Timezone)

	// A bad value shows beside its row, with nothing saved. (The input's
	// max stops it in the browser first; drop it, as an old browser would.)
	scheduleJS(t, ctx, `document.querySelector('#day_2_hours').removeAttribute('max'); document.querySelector('#day_2_hours').value = '20'`)
	scheduleJS(t, ctx, `document.querySelector('#avail-save').click()`)
	browsertest.WaitFor(t, ctx, "row error", `document.querySelector('#day_2_error')`)
	browsertest.Screenshot(t, ctx, "availability-editor-error.png")
	week, _ = schedule.PlayerWeek(db, member.ID)
	require.Equal(t, 3.0, week[2].AvailableHours)

	// The officer's dashboard.
	octx := browsertest.Tab(t)
	browserLogin(t, octx, s, base, ou)
	var friCount, friSlot, heatTitle string
	require.NoError(t, chromedp.Run(octx,
		chromedp.Navigate(base+"/admin/availability"),
		chromedp.WaitVisible(".day-grid", chromedp.ByQuery),
		chromedp.Text("#day-4 [data-count]", &friCount, chromedp.ByQuery),
		chromedp.Text("#day-4 [data-raid-slot]", &friSlot, chromedp.ByQuery),
		chromedp.Click("#day-4 summary", chromedp.ByQuery),
		chromedp.WaitVisible("#day-4 .day-card__players", chromedp.ByQuery),
	))
	require.Equal(t, "1 / 2", friCount)
	require.Equal(t, "1 / 2", friSlot, "18:00–21:00 covers the 19:00 raid")
	var sunCount string
	require.NoError(t, chromedp.Run(octx, chromedp.Text("#day-6 [data-count]", &sunCount, chromedp.ByQuery)))
	require.Equal(t, "1 / 2", sunCount, "Sydney Monday morning = New York Sunday evening")
	require.NoError(t, chromedp.Run(octx, chromedp.Evaluate(
		`[...document.querySelectorAll('.heatmap tbody tr')][37].children[5].getAttribute('title')`, &heatTitle)))
	require.Equal(t, "Friday 18:30 EST · weight 1 · 1 available: Roo", heatTitle, "each heat-map cell names the abbreviation in force (January: EST)")
	browsertest.Screenshot(t, octx, "admin-availability.png")

	// Raid events: a past Friday raid, attendance toggled with htmx, and
	// the season's attendance table.
	season := models.RaidSeason{Name: "Liberation of Undermine", StartDate: models.Date{Year: 2031, Month: 1, Day: 1}, IsActive: true}
	require.NoError(t, db.Create(&season).Error)
	ev, err := schedule.CreateRaidEvent(db, schedule.RaidEventInput{Title: schedPtr("Heroic Raid Night"), EventDate: schedPtr("2031-01-10"),
		StartTime: schedPtr("19:00")}, s.Config.GuildTimezone, 0, browserClock)
	require.NoError(t, err)
	require.NoError(t, chromedp.Run(octx,
		chromedp.Navigate(base+"/admin/raid-events/"+schedItoa(ev.ID)),
		chromedp.WaitVisible(".attendance-sheet", chromedp.ByQuery),
	))
	scheduleJS(t, octx, `document.querySelector('#player-`+schedItoa(member.ID)+` button[data-field=attended]').click()`)
	browsertest.WaitFor(t, octx, "attended", `document.querySelector('#player-`+schedItoa(member.ID)+` button[data-field=attended]').classList.contains('toggle--on')`)
	scheduleJS(t, octx, `document.querySelector('#player-`+schedItoa(member.ID)+` button[data-field=signed_up]').click()`)
	browsertest.WaitFor(t, octx, "signed up", `document.querySelector('#player-`+schedItoa(member.ID)+` button[data-field=signed_up]').classList.contains('toggle--on')`)
	browsertest.Screenshot(t, octx, "admin-raid-event-attendance.png")
	var row models.RaidAttendance
	require.NoError(t, db.Where("event_id = ? AND player_id = ?", ev.ID, member.ID).Take(&row).Error)
	require.True(t, row.Attended)
	require.True(t, row.SignedUp)

	var pct string
	require.NoError(t, chromedp.Run(octx,
		chromedp.Navigate(base+"/admin/raid-events"),
		chromedp.WaitVisible("#attendance-table", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#attendance-table tbody tr')].find(r => r.textContent.includes('Roo')).lastElementChild.textContent.trim()`, &pct),
	))
	require.Equal(t, "100.0%", pct)
	browsertest.Screenshot(t, octx, "admin-raid-events.png")
}
