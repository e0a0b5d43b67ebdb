package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/schedule"
)

// Issue 18 items 4, 5 and 7 through HTTP: the officers' views take any week
// (?week_of=, any date of it) and any IANA zone, refuse bad ones with 422,
// and the default week follows the server's clock. A London Friday 20:00
// window is 15:00 EST in New York, but 16:00 EDT in the week of 2027-03-15
// (New York has changed, London not yet).
func TestAvailabilityViewsAnyWeekAnyZone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		clock := time.Date(2027, 3, 3, 17, 0, 0, 0, time.UTC) // Wednesday of the week of 2027-03-01
		s.Now = func() time.Time { return clock }
		member, _ := seedMember(t, db, "Member", 2)
		_, ou := seedMember(t, db, "Officer", 4)
		require.NoError(t, schedule.ReplaceWeek(db, member.ID, "Europe/London",
			[]schedule.DayInput{{DayOfWeek: 4, EarliestStart: "20:00", AvailableHours: 4}}, clock))
		tok := tokenFor(t, s, ou)

		byDay := func(query string) (int, string, string, string) {
			resp, body := apiCall(t, app, tok, "GET", "/api/v1/admin/availability-by-day"+query, "")
			var out struct {
				OK    bool
				Error string
				Data  schedule.ByDay
			}
			require.NoError(t, json.Unmarshal([]byte(body), &out), body)
			if !out.OK {
				return resp.StatusCode, out.Error, "", ""
			}
			require.Len(t, out.Data.Days[4].Players, 1)
			return resp.StatusCode, "", out.Data.WeekOf, out.Data.Days[4].Players[0].GuildStart
		}
		code, _, week, start := byDay("")
		require.Equal(t, http.StatusOK, code)
		require.Equal(t, "2027-03-01", week, "default: the week of the server's clock")
		require.Equal(t, "15:00", start)
		code, _, week, start = byDay("?week_of=2027-03-18")
		require.Equal(t, http.StatusOK, code)
		require.Equal(t, "2027-03-15", week, "any date picks its ISO week")
		require.Equal(t, "16:00", start, "New York on EDT, London still on GMT")
		code, msg, _, _ := byDay("?week_of=next")
		require.Equal(t, http.StatusUnprocessableEntity, code)
		require.Contains(t, msg, "week_of must be a date YYYY-MM-DD")

		// The clock moves: the default week moves with it.
		clock = time.Date(2027, 3, 17, 17, 0, 0, 0, time.UTC)
		_, _, week, start = byDay("")
		require.Equal(t, "2027-03-15", week)
		require.Equal(t, "16:00", start)

		b := newBrowser(t, app).loginAs(s, ou)
		resp, body := b.get("/admin/availability?week_of=2027-03-10")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Week of Mon 8 Mar – Sun 14 Mar 2027")
		require.Contains(t, body, `href="/admin/availability?week_of=2027-03-01&amp;zone=guild&amp;duration=120" rel="prev"`)
		require.Contains(t, body, `href="/admin/availability?week_of=2027-03-15&amp;zone=guild&amp;duration=120" rel="next"`)
		require.Contains(t, body, "Week of 2027-03-08 – 2027-03-14", "the heat map shows the same week")
		require.Contains(t, body, `title="Friday 15:00 EST · weight`)
		require.Contains(t, body, `title="Sunday has no 02:00 (clocks go forward)" data-missing="true"`)
		require.Contains(t, body, "EST / EDT")

		// Any IANA zone, 45-minute offset included: London Fri 20:00 GMT is
		// Sat 01:45 in Kathmandu, so the first whole cell is 02:00.
		resp, body = b.get("/admin/availability?week_of=2027-03-10&zone=Asia/Kathmandu")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `title="Saturday 02:00 &#43;0545 · weight`)
		require.NotContains(t, body, `title="Saturday 01:30 &#43;0545 · weight`)
		require.Contains(t, body, `<option value="Asia/Kathmandu" selected>`)
		resp, body = b.get("/admin/availability?zone=Pacific/Chatham")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Pacific/Chatham clock")

		for _, bad := range []string{"Mars/Olympus_Mons", "Local", "../../etc/passwd", "America/New York"} {
			resp, body = b.get("/admin/availability?zone=" + url.QueryEscape(bad))
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, bad)
			require.Contains(t, body, "zone", bad)
		}
		resp, body = b.get("/admin/availability?zone=Mars/Olympus_Mons")
		require.Contains(t, body, `unknown time zone &#34;Mars/Olympus_Mons&#34;`)
		resp, _ = b.get("/admin/availability?week_of=2027-02-30")
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	})
}
