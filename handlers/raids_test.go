package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// raidsClock is a winter Monday noon (UTC); the first Friday raid is
// 2025-01-17 21:00 EST = 2025-01-18 02:00Z.
var raidsClock = time.Date(2025, 1, 13, 12, 0, 0, 0, time.UTC)

func raidsSeed(t *testing.T, db *gorm.DB) models.RaidEvent {
	t.Helper()
	n := models.RecurringEvent{Label: "Heroic Night", DayOfWeek: 4, DefaultStartTime: models.TimeOfDay{Hour: 21},
		DefaultDurationMinutes: 180, IsActive: true, DisplayOnPublic: true, RaidHelperTemplateID: "wowretail2"}
	require.NoError(t, db.Create(&n).Error)
	ny, _ := time.LoadLocation("America/New_York")
	_, err := schedule.GenerateRaidEvents(db, ny, raidsClock)
	require.NoError(t, err)
	var e models.RaidEvent
	require.NoError(t, db.Order("start_time_utc").Take(&e).Error)
	require.Equal(t, time.Date(2025, 1, 18, 2, 0, 0, 0, time.UTC), e.StartTimeUTC.UTC())
	return e
}

func TestRaidSignupPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		now := raidsClock
		s.Now = func() time.Time { return now }
		ev := raidsSeed(t, db)
		id := strconv.Itoa(ev.ID)

		resp, _ := get(t, app, "/raids/"+id)
		require.Equal(t, http.StatusFound, resp.StatusCode, "members only")

		member, mu := seedMember(t, db, "Roo", 2)
		require.NoError(t, db.Model(&member).Update("timezone", "Europe/London").Error)
		b := newBrowser(t, app).loginAs(s, mu)

		resp, body := b.get("/raids")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Heroic Night")
		require.Contains(t, body, "Sat 18 Jan · 2:00 AM GMT", "the viewer's clock, labelled")
		require.Contains(t, body, "9:00 PM EST guild time")
		require.Contains(t, body, "Not answered")

		// The home page panel, per member, inside the cached landing page.
		resp, body = b.get("/")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `id="next-raids"`)
		require.Contains(t, body, `id="raid-row-`+id+`"`)
		_, visitor := get(t, app, "/")
		require.NotContains(t, visitor, `id="next-raids"`)

		// Quick answer from the panel with htmx: the row comes back.
		resp, body = b.htmxSend("POST", "/raids/"+id+"/signup", url.Values{"status": {"tentative"}, "compact": {"1"}, "return": {"/"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `id="raid-row-`+id+`"`)
		require.Contains(t, body, "Tentative")
		require.NotContains(t, body, "<html")

		// The full form without JavaScript: redirect back with a flash.
		resp, _ = b.postForm("/raids/"+id+"/signup", url.Values{"status": {"absent"}, "note": {"dentist"}, "return": {"https://evil.example"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, "/raids/"+id+"?flash=signup-saved", resp.Header.Get("Location"))
		sig, err := schedule.SignupOf(db, ev.ID, member.ID)
		require.NoError(t, err)
		require.Equal(t, "absent", sig.Status)
		require.Equal(t, "dentist", *sig.Note)

		// htmx on the event page: the form and, out of band, the roster.
		resp, body = b.htmxSend("POST", "/raids/"+id+"/signup", url.Values{"status": {"signed"}, "role": {"ranged"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `id="raid-signup"`)
		require.Contains(t, body, `id="raid-roster" hx-swap-oob="true"`)
		require.Contains(t, body, "1 / 6", "ranged 1 of 6")
		require.NotContains(t, body, "No answer yet", "members do not see who has not answered")

		// Bad values: 422 with the message, nothing changed.
		resp, body = b.htmxSend("POST", "/raids/"+id+"/signup", url.Values{"status": {"maybe"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "status must be one of")

		// After the start: 409 on the page and on the API, answer unchanged.
		now = ev.StartTimeUTC.Add(time.Minute)
		resp, body = b.postForm("/raids/"+id+"/signup", url.Values{"status": {"absent"}})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "Signups for this raid closed when it started")
		resp, body = b.sendJSON("PUT", "/api/v1/raids/"+id+"/signup", `{"status":"absent"}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, `"ok":false`)
		sig, err = schedule.SignupOf(db, ev.ID, member.ID)
		require.NoError(t, err)
		require.Equal(t, "signed", sig.Status)

		resp, _ = b.get("/raids/999999")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestRaidSignupAPIAndOfficerRoster(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return raidsClock }
		ev := raidsSeed(t, db)
		id := strconv.Itoa(ev.ID)
		raider, ru := seedMember(t, db, "Raider", 2)
		_, ou := seedMember(t, db, "Boss", 4)
		silent, _ := seedMember(t, db, "Silent", 2)
		ch := models.Character{Name: "Silentone", RealmSlug: "senjin"}
		require.NoError(t, db.Create(&ch).Error)
		require.NoError(t, db.Model(&silent).Update("main_character_id", ch.ID).Error)

		resp, body := get(t, app, "/api/v1/raids")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)

		tok := tokenFor(t, s, ru)
		resp, body = apiCall(t, app, tok, "PUT", "/api/v1/raids/"+id+"/signup", `{"status":"late","role":"tank","note":"15 min"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"status":"late"`)
		resp, _ = apiCall(t, app, tok, "PUT", "/api/v1/raids/"+id+"/signup", `{"status":`)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "PUT", "/api/v1/raids/"+id+"/signup", `{"status":"signed","role":"dps"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "PUT", "/api/v1/raids/999999/signup", `{"status":"signed"}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		resp, body = apiCall(t, app, tok, "GET", "/api/v1/raids", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var list struct {
			Data []struct {
				ID     int
				Open   bool
				Signup *struct{ Status string }
			}
		}
		require.NoError(t, json.Unmarshal([]byte(body), &list))
		require.Len(t, list.Data, 3)
		require.Equal(t, "late", list.Data[0].Signup.Status)
		require.Nil(t, list.Data[1].Signup)

		// The officer sees the roster by role with who has not answered.
		ob := newBrowser(t, app).loginAs(s, ou)
		resp, body = ob.get("/raids/" + id)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "1 / 2", "one tank of two")
		require.Contains(t, body, "No answer yet (1)")
		require.True(t, strings.Contains(body, "Silent"))
		sig, err := schedule.SignupOf(db, ev.ID, raider.ID)
		require.NoError(t, err)
		require.Equal(t, "tank", *sig.Role)
	})
}
