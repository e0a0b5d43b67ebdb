package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/schedule"
)

// Issue 10 item 1: an officer deactivating a player (API or Player
// Manager) closes the account: no login (API or form), no request with a
// token issued before or after, and the domain refuses their writes.
func TestDeactivatedPlayerIsStopped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, gmUser := seedMember(t, db, "Boss", 5)
		trog, trogUser := seedMember(t, db, "Trog", 2)
		c := voteCampaign(t, s, nil, true, "A", "B", "C")
		gm := tokenFor(t, s, gmUser)
		before := tokenFor(t, s, trogUser)

		resp, body := apiCall(t, app, gm, "PATCH", "/api/v1/admin/members/"+strconv.Itoa(trog.ID), `{"is_active":false}`)
		require.Equal(t, 200, resp.StatusCode, body)
		var u models.User
		require.NoError(t, db.Take(&u, trogUser.ID).Error)
		require.False(t, u.IsActive, "the account follows the player")

		// Login with the right password: refused on both doors.
		resp, body = apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"trog","password":"correct-horse-1"}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		require.JSONEq(t, `{"ok":false,"error":"Account is inactive."}`, body)
		b := newBrowser(t, app)
		b.get("/login")
		resp, body = b.postForm("/login", url.Values{"discord_username": {"trog"}, "password": {"correct-horse-1"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.Contains(t, body, "Account is inactive")
		require.Nil(t, sessionCookie(resp))

		// A token minted now (current token version, as a login racing the
		// deactivation would get) opens nothing either.
		require.NoError(t, db.Take(&u, trogUser.ID).Error)
		fresh := tokenFor(t, s, u)
		resp, body = apiCall(t, app, fresh, "GET", "/api/v1/auth/me", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		require.JSONEq(t, `{"ok":false,"error":"Account is inactive."}`, body)
		resp, body = apiCall(t, app, fresh, "POST", "/api/v1/campaigns/"+strconv.Itoa(c.ID)+"/vote", picksJSON(c, "A", "B", "C"))
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		resp, body = apiCall(t, app, fresh, "PUT", "/api/v1/me/availability",
			`{"timezone":"Europe/London","days":[{"day_of_week":1,"earliest_start":"19:00","available_hours":3}]}`)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		var n int64
		require.NoError(t, db.Model(&models.Vote{}).Where("player_id = ?", trog.ID).Count(&n).Error)
		require.Zero(t, n, "no vote stored")

		// Even when users.is_active was left on (older data), the player's flag rules.
		require.NoError(t, db.Model(&models.User{}).Where("id = ?", trogUser.ID).Update("is_active", true).Error)
		require.NoError(t, db.Take(&u, trogUser.ID).Error)
		resp, _ = apiCall(t, app, tokenFor(t, s, u), "GET", "/api/v1/auth/me", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		resp, _ = apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"trog","password":"correct-horse-1"}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		// The domain refuses writes for an inactive player whoever calls.
		err := schedule.ReplaceWeek(db, trog.ID, "Europe/London", []schedule.DayInput{{DayOfWeek: 1, EarliestStart: "19:00", AvailableHours: 2}}, s.Now())
		require.Equal(t, fault.KindForbidden, fault.KindOf(err), "%v", err)
		err = identity.SaveProfilePreferences(db, trog.ID, identity.ProfilePreferences{DisplayName: "Trog", Timezone: "America/New_York"}, s.Now())
		require.Equal(t, fault.KindForbidden, fault.KindOf(err), "%v", err)

		// A deactivated Guild Leader loses the admin API at once.
		_, gm2User := seedMember(t, db, "Boss2", 5)
		gm2 := tokenFor(t, s, gm2User)
		resp, _ = apiCall(t, app, gm2, "GET", "/api/v1/admin/members", "")
		require.Equal(t, 200, resp.StatusCode)
		require.NoError(t, db.Model(&models.Player{}).Where("website_user_id = ?", gm2User.ID).Update("is_active", false).Error)
		resp, body = apiCall(t, app, gm2, "GET", "/api/v1/admin/members", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)

		// Reactivation opens the login again (old tokens stay revoked).
		resp, body = apiCall(t, app, gm, "PATCH", "/api/v1/admin/members/"+strconv.Itoa(trog.ID), `{"is_active":true}`)
		require.Equal(t, 200, resp.StatusCode, body)
		resp, body = apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"trog","password":"correct-horse-1"}`)
		require.Equal(t, 200, resp.StatusCode, body)
		resp, _ = apiCall(t, app, before, "GET", "/api/v1/auth/me", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a token from before the deactivation stays dead")
	})
}

// Issue 10 item 6 (the unauthenticated part): a NUL byte or another
// control character in the login name is a wrong login (401), never a 500
// on Postgres.
func TestLoginWithControlCharactersIsJustWrong(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		seedMember(t, db, "Trog", 2)
		for _, name := range []string{"tr\u0000og", "trog\u0000", "\u0000", "tr\u001bog", strings.Repeat("x", 5000)} {
			resp, body := apiCall(t, app, "", "POST", "/api/v1/auth/login",
				`{"discord_username":`+string(jsonString(name))+`,"password":"correct-horse-1"}`)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%q: %s", name, body)
			b := newBrowser(t, app)
			b.get("/login")
			resp, _ = b.postForm("/login", url.Values{"discord_username": {name}, "password": {"correct-horse-1"}})
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", name)
		}
	})
}
