package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// scheduleClock pins the app to a winter Wednesday.
var scheduleClock = time.Date(2025, 1, 15, 17, 0, 0, 0, time.UTC)

func schedWeek(t *testing.T, db *gorm.DB, playerID int) map[int]string {
	t.Helper()
	rows, err := schedule.PlayerWeek(db, playerID)
	require.NoError(t, err)
	out := map[int]string{}
	for _, r := range rows {
		out[r.DayOfWeek] = schedule.HHMM(r.EarliestStart) + "/" + schedNum(r.AvailableHours)
	}
	return out
}

func schedNum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func TestAvailabilityEditorPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return scheduleClock }

		resp, _ := get(t, app, "/availability")
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Location"), "/login?next=%2Favailability")

		_, user := seedMember(t, db, "Roo", 2)
		b := newBrowser(t, app).loginAs(s, user)
		resp, body := b.get("/availability")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `id="availability-editor"`)
		require.Contains(t, body, `href="/availability"`, "linked from the nav")
		require.Contains(t, body, "/calendar/")
		for _, z := range schedule.PlayerZones {
			require.Contains(t, body, `<option value="`+z+`"`)
		}

		// A plain form post (no JavaScript): Sydney Saturday 10:00 for 3 h.
		form := url.Values{"timezone": {"Australia/Sydney"}, "day_5_available": {"1"}, "day_5_start": {"10:00"}, "day_5_hours": {"3"},
			"day_1_start": {"19:00"}, "day_1_hours": {"2"}}
		resp, _ = b.postForm("/availability", form)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, "/availability?flash=availability-saved", resp.Header.Get("Location"))
		require.Equal(t, map[int]string{5: "10:00/3"}, schedWeek(t, db, schedPlayerID(t, db, user)))

		// The page shows it on the guild's clock: a New York Friday evening.
		_, body = b.get("/availability")
		require.Contains(t, body, "= Fri 18:00–21:00 EST")

		// htmx save with a bad Thursday: 422, the row names the problem,
		// nothing saved (Saturday still as before).
		form = url.Values{"timezone": {"Australia/Sydney"}, "_csrf": {b.csrf},
			"day_0_available": {"1"}, "day_0_start": {"18:00"}, "day_0_hours": {"4"},
			"day_3_available": {"1"}, "day_3_start": {"18:00"}, "day_3_hours": {"17"}}
		req := schedPost("/availability", form)
		req.Header.Set("HX-Request", "true")
		resp, body = b.send(req)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, `id="day_3_error"`)
		require.Contains(t, body, "available_hours must be &gt;0 and &lt;=16, got 17")
		require.NotContains(t, body, "<html", "a fragment for htmx")
		require.Equal(t, map[int]string{5: "10:00/3"}, schedWeek(t, db, schedPlayerID(t, db, user)))

		// Copy to all weekdays re-renders without saving.
		form = url.Values{"timezone": {"America/New_York"}, "_csrf": {b.csrf}, "copy_from": {"2"},
			"day_2_available": {"1"}, "day_2_start": {"20:30"}, "day_2_hours": {"2.5"}}
		req = schedPost("/availability/preview", form)
		req.Header.Set("HX-Request", "true")
		resp, body = b.send(req)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, 7, strings.Count(body, `value="20:30"`))
		require.Equal(t, map[int]string{5: "10:00/3"}, schedWeek(t, db, schedPlayerID(t, db, user)))

		// htmx save of a good week.
		form.Del("copy_from")
		for _, d := range []string{"0", "4"} {
			form.Set("day_"+d+"_available", "1")
			form.Set("day_"+d+"_start", "21:00")
			form.Set("day_"+d+"_hours", "3")
		}
		req = schedPost("/availability", form)
		req.Header.Set("HX-Request", "true")
		resp, body = b.send(req)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Availability saved")
		require.Equal(t, map[int]string{0: "21:00/3", 2: "20:30/2.5", 4: "21:00/3"}, schedWeek(t, db, schedPlayerID(t, db, user)))

		// A new calendar address.
		_, body = b.get("/availability")
		old := schedBetween(body, "/calendar/", ".ics")
		resp, _ = b.postForm("/availability/calendar-token", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, body = b.get("/availability")
		require.NotEqual(t, old, schedBetween(body, "/calendar/", ".ics"))
	})
}

func schedPlayerID(t *testing.T, db *gorm.DB, user models.User) int {
	t.Helper()
	var p models.Player
	require.NoError(t, db.Where("website_user_id = ?", user.ID).Take(&p).Error)
	return p.ID
}

func schedPost(path string, form url.Values) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func schedBetween(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// PUT /api/v1/me/availability replaces the week in one transaction; a bad
// row 5 refuses everything with 422 naming the row.
func TestMyAvailabilityAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return scheduleClock }
		p, user := seedMember(t, db, "Api", 2)
		tok := tokenFor(t, s, user)

		resp, _ := apiCall(t, app, "", "GET", "/api/v1/me/availability", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

		resp, body := apiCall(t, app, tok, "PUT", "/api/v1/me/availability",
			`{"timezone": "Australia/Sydney", "days": [{"day_of_week": 5, "earliest_start": "10:00", "available_hours": 4}]}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.JSONEq(t, `{"ok":true,"data":{"timezone":"Australia/Sydney","days":[{"day_of_week":5,"day_name":"Saturday","earliest_start":"10:00","available_hours":4}]}}`, body)

		var days []string
		for d := 0; d < 7; d++ {
			h := "3"
			if d == 5 {
				h = "16.5"
			}
			days = append(days, `{"day_of_week": `+string(rune('0'+d))+`, "earliest_start": "19:00", "available_hours": `+h+`}`)
		}
		resp, body = apiCall(t, app, tok, "PUT", "/api/v1/me/availability", `{"timezone": "Europe/London", "days": [`+strings.Join(days, ",")+`]}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.JSONEq(t, `{"ok":false,"error":"row 5 (Saturday): available_hours must be >0 and <=16, got 16.5"}`, body)
		require.Equal(t, map[int]string{5: "10:00/4"}, schedWeek(t, db, p.ID), "rows 0–4 not saved, old week intact")

		resp, _ = apiCall(t, app, tok, "PUT", "/api/v1/me/availability", `{"timezone": `)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		resp, body = apiCall(t, app, tok, "PUT", "/api/v1/me/availability", `{"timezone": "Mars/Base", "days": []}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "Invalid timezone selected")

		resp, body = apiCall(t, app, tok, "GET", "/api/v1/me/availability", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"timezone":"Australia/Sydney"`)

		// Cookie + CSRF works too.
		b := newBrowser(t, app).loginAs(s, user)
		resp, _ = b.sendJSON("PUT", "/api/v1/me/availability", `{"timezone": "America/Chicago", "days": []}`)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Empty(t, schedWeek(t, db, p.ID))
	})
}

func TestGuildAvailabilityAPIIsPrivate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return scheduleClock }
		member, mu := seedMember(t, db, "Member", 2)
		officer, ou := seedMember(t, db, "Officer", 4)
		_, err := schedule.SetWindow(db, member.ID, 4, models.TimeOfDay{Hour: 20}, 3, scheduleClock)
		require.NoError(t, err)
		_, err = schedule.SetWindow(db, officer.ID, 1, models.TimeOfDay{Hour: 19, Minute: 30}, 2.5, scheduleClock)
		require.NoError(t, err)

		resp, _ := apiCall(t, app, "", "GET", "/api/v1/guild/availability", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

		var out struct {
			OK   bool
			Data []struct {
				PlayerID    int                         `json:"player_id"`
				DisplayName string                      `json:"display_name"`
				Days        map[string]*json.RawMessage `json:"days"`
			}
		}
		_, body := apiCall(t, app, tokenFor(t, s, mu), "GET", "/api/v1/guild/availability", "")
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		require.Len(t, out.Data, 1, "a member sees only themself")
		require.Equal(t, "Member", out.Data[0].DisplayName)
		require.Len(t, out.Data[0].Days, 7)
		require.Nil(t, out.Data[0].Days["monday"])
		require.JSONEq(t, `{"earliest_start":"20:00","available_hours":3}`, string(*out.Data[0].Days["friday"]))

		_, body = apiCall(t, app, tokenFor(t, s, ou), "GET", "/api/v1/guild/availability", "")
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		require.Len(t, out.Data, 2, "officers see everyone")

		resp, _ = apiCall(t, app, tokenFor(t, s, mu), "GET", "/api/v1/admin/availability-by-day", "")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, body = apiCall(t, app, tokenFor(t, s, ou), "GET", "/api/v1/admin/availability-by-day", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"total_active_players":2`)
		require.Contains(t, body, `"day_name":"Friday","available_count":1`)
	})
}

func TestRecurringEventsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return scheduleClock }
		_, ou := seedMember(t, db, "Officer", 4)
		_, mu := seedMember(t, db, "Member", 2)
		tok := tokenFor(t, s, ou)

		resp, _ := apiCall(t, app, tokenFor(t, s, mu), "POST", "/api/v1/admin/recurring-events", `{"label":"x","day_of_week":4}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		resp, body := apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events", `{"label":"Heroic Raid Night","day_of_week":4}`)
		require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		require.Contains(t, body, `"default_start_time":"21:00"`)
		var created struct{ Data struct{ ID int } }
		require.NoError(t, json.Unmarshal([]byte(body), &created))

		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events", `{"label":"Again","day_of_week":4}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.JSONEq(t, `{"ok":false,"error":"An active recurring event already exists for day_of_week=4"}`, body)

		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events", `{"label":"Bad","day_of_week":9}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events", `{"label":"Bad","day_of_week":2,"default_start_time":"9pm"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events", `{"label":`)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)

		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events", `{"label":"Tuesday","day_of_week":1,"is_active":false}`)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		var tue struct{ Data struct{ ID int } }
		require.NoError(t, json.Unmarshal([]byte(body), &tue))
		resp, _ = apiCall(t, app, tok, "PATCH", "/api/v1/admin/recurring-events/"+schedItoa(tue.Data.ID), `{"day_of_week":4,"is_active":true}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode, "moving onto an active weekday")
		resp, body = apiCall(t, app, tok, "PATCH", "/api/v1/admin/recurring-events/"+schedItoa(tue.Data.ID), `{"is_active":true,"default_start_time":"20:00"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"default_start_time":"20:00"`)

		resp, _ = apiCall(t, app, tok, "PATCH", "/api/v1/admin/recurring-events/9999", `{}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, body = apiCall(t, app, tok, "GET", "/api/v1/admin/recurring-events", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, 2, strings.Count(body, `"label"`))
		resp, _ = apiCall(t, app, tok, "DELETE", "/api/v1/admin/recurring-events/"+schedItoa(tue.Data.ID), "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "DELETE", "/api/v1/admin/recurring-events/"+schedItoa(tue.Data.ID), "")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func schedItoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestRaidEventsAndAttendanceAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		now := time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		officer, ou := seedMember(t, db, "Officer", 4)
		tok := tokenFor(t, s, ou)
		season := models.RaidSeason{Name: "S1", StartDate: models.Date{Year: 2025, Month: 1, Day: 1}, IsActive: true}
		require.NoError(t, db.Create(&season).Error)
		_, err := schedule.SetWindow(db, officer.ID, 4, models.TimeOfDay{Hour: 20}, 3, now)
		require.NoError(t, err)

		resp, body := apiCall(t, app, tok, "POST", "/api/v1/admin/raid-events", `{"title":"Heroic","event_date":"2025-01-17","start_time":"21:00","duration_minutes":120}`)
		require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		require.Contains(t, body, `"start_time_utc":"2025-01-18T02:00:00Z"`)
		require.Contains(t, body, `"season_id":`+schedItoa(season.ID))
		var ev struct{ Data struct{ ID int } }
		require.NoError(t, json.Unmarshal([]byte(body), &ev))

		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/raid-events", `{"title":"","event_date":"2025-01-17","start_time":"21:00"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, body = apiCall(t, app, tok, "PATCH", "/api/v1/admin/raid-events/"+schedItoa(ev.Data.ID), `{"start_time":"20:30"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"start_time_utc":"2025-01-18T01:30:00Z"`)
		resp, _ = apiCall(t, app, tok, "PATCH", "/api/v1/admin/raid-events/9999", `{}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		path := "/api/v1/admin/raid-events/" + schedItoa(ev.Data.ID) + "/attendance/" + schedItoa(officer.ID)
		resp, body = apiCall(t, app, tok, "PUT", path, `{"attended":true,"signed_up":true}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"attended":true`)
		resp, _ = apiCall(t, app, tok, "PUT", "/api/v1/admin/raid-events/"+schedItoa(ev.Data.ID)+"/attendance/9999", `{"attended":true}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		resp, body = apiCall(t, app, tok, "GET", "/api/v1/admin/seasons/"+schedItoa(season.ID)+"/attendance", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"attendance_pct":100`)
		resp, _ = apiCall(t, app, tok, "GET", "/api/v1/admin/seasons/9999/attendance", "")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, body = apiCall(t, app, tok, "GET", "/api/v1/admin/raid-events", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"title":"Heroic"`)
	})
}

func TestAdminAvailabilityAndRaidEventPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return scheduleClock }
		member, mu := seedMember(t, db, "Member", 2)
		_, ou := seedMember(t, db, "Officer", 4)
		require.NoError(t, schedule.ReplaceWeek(db, member.ID, "Australia/Sydney",
			[]schedule.DayInput{{DayOfWeek: 5, EarliestStart: "10:00", AvailableHours: 4}}, scheduleClock))

		resp, _ := newBrowser(t, app).loginAs(s, mu).get("/admin/availability")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, ou)
		resp, body := b.get("/admin/availability")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Availability Dashboard")
		require.Contains(t, body, `href="/admin/availability" class="is-active"`)
		fri := schedBetween(body, `id="day-4"`, "</article>")
		require.Contains(t, fri, "1 / 2")
		require.Contains(t, fri, "50.0% available")
		require.Contains(t, fri, "Member")
		require.Contains(t, fri, "18:00–22:00")
		require.Contains(t, body, `title="Friday 18:00 EST · weight 1 · 1 available: Member"`)
		require.Contains(t, body, "Friday 18:00 EST", "best start")

		// Zone switch: the officer's own zone.
		require.NoError(t, db.Model(&models.Player{}).Where("display_name = ?", "Officer").Update("timezone", "Europe/London").Error)
		_, body = b.get("/admin/availability?zone=mine")
		require.Contains(t, body, `title="Friday 23:00 GMT · weight 1`)
		_, body = b.get("/admin/availability?zone=Pacific/Auckland")
		require.Contains(t, body, `title="Saturday 12:00 NZDT · weight 1`, "any player zone: Sydney 10:00 is Auckland 12:00")

		// Event-day auto-save over htmx: create Friday, then a DB-level
		// second active night on Friday is refused with 409 in the row.
		form := url.Values{"active": {"1"}, "label": {"Heroic Night"}, "start": {"19:30"}, "duration": {"120"}, "public": {"1"}}
		req := schedPost("/admin/availability/event-days/4", form)
		req.Header.Set("HX-Request", "true")
		req.Header.Set(csrfHeader, b.csrf)
		resp, body = b.send(req)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "✓ Saved")
		nights, err := schedule.ActiveRaidNights(db)
		require.NoError(t, err)
		require.Equal(t, "Heroic Night", nights[4].Label)

		_, body = b.get("/admin/availability")
		require.Contains(t, schedBetween(body, `id="day-4"`, "</article>"), "Raid slot: <strong data-raid-slot>1 / 2</strong>")

		// Deactivate, keep the row.
		form.Del("active")
		req = schedPost("/admin/availability/event-days/4", form)
		req.Header.Set("HX-Request", "true")
		req.Header.Set(csrfHeader, b.csrf)
		resp, _ = b.send(req)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		nights, _ = schedule.ActiveRaidNights(db)
		require.Empty(t, nights)

		// Raid events: create with a form, toggle attendance with htmx.
		resp, _ = b.postForm("/admin/raid-events", url.Values{"title": {"Heroic"}, "event_date": {"2025-01-10"}, "start_time": {"21:00"}, "duration_minutes": {"120"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		loc := resp.Header.Get("Location")
		require.True(t, strings.HasPrefix(loc, "/admin/raid-events/"))
		resp, body = b.get(strings.Split(loc, "?")[0])
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "2025-01-11 02:00 UTC")
		eventPath := strings.Split(loc, "?")[0]
		req = schedPost(eventPath+"/attendance/"+schedItoa(member.ID), url.Values{"field": {"attended"}, "value": {"1"}})
		req.Header.Set("HX-Request", "true")
		req.Header.Set(csrfHeader, b.csrf)
		resp, body = b.send(req)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "✓ Attended")
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), "<tr"))

		resp, body = b.postForm("/admin/raid-events", url.Values{"title": {"Bad"}, "event_date": {"tomorrow"}, "start_time": {"21:00"}, "duration_minutes": {"120"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "event_date must be YYYY-MM-DD")

		resp, body = b.get("/admin/raid-events")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Season Attendance")
		resp, _ = b.get("/admin/raid-events/9999")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestCalendarFeedEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return scheduleClock }
		p, _ := seedMember(t, db, "Cal", 2)
		_, err := schedule.CreateRaidNight(db, schedule.RaidNightInput{Label: schedPtr("Heroic"), DayOfWeek: schedPtr(4)}, scheduleClock)
		require.NoError(t, err)
		tok, err := schedule.CalendarTokenFor(db, p.ID, scheduleClock)
		require.NoError(t, err)

		resp, body := get(t, app, "/calendar/"+tok+".ics")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "text/calendar; charset=utf-8", resp.Header.Get("Content-Type"))
		require.Contains(t, body, "\r\n")
		cal, err := ics.ParseCalendar(strings.NewReader(body))
		require.NoError(t, err)
		require.Len(t, cal.Events(), 1, "the weekly night as one series")
		require.Equal(t, "FREQ=WEEKLY;BYDAY=FR", cal.Events()[0].GetProperty(ics.ComponentPropertyRrule).Value)
		require.Equal(t, "20250117T210000", cal.Events()[0].GetProperty(ics.ComponentPropertyDtStart).Value)
		require.Len(t, cal.Timezones(), 1)

		resp, _ = get(t, app, "/calendar/nope.ics")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, _ = get(t, app, "/calendar/"+tok)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func schedPtr[T any](v T) *T { return &v }
