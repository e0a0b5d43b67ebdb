package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
)

var sessionEndAction = regexp.MustCompile(`action="/profile/sessions/([A-Za-z0-9_-]+)/end"`)

// formLogin logs a fresh browser in through the form, with a User-Agent.
func formLogin(t *testing.T, app *fiber.App, user, ua string) *browser {
	t.Helper()
	b := newBrowser(t, app)
	b.get("/login")
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{
		"discord_username": {user}, "password": {"correct-horse-1"}, csrfField: {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", ua)
	resp, _ := b.send(req)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	b.get("/")
	return b
}

func meStatus(t *testing.T, app *fiber.App, cookie, bearer string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/auth/me", nil)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, _ := do(t, app, req)
	return resp.StatusCode
}

// Issue 10 item 3: sessions are server-side. Logout ends that session for
// good (a copied cookie stops working), the profile lists the open
// sessions with "log out" on each and "log out everywhere".
func TestServerSideSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		seedMember(t, db, "Trog", 2)
		seedMember(t, db, "Mito", 2)

		laptop := formLogin(t, app, "trog", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")
		phone := formLogin(t, app, "trog", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1")
		resp, body := apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"trog","password":"correct-horse-1"}`)
		require.Equal(t, 200, resp.StatusCode)
		apiToken := tokenFromBody(t, body)

		// The profile lists all three, this browser marked.
		resp, body = phone.get("/profile")
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, body, "Where you're logged in")
		require.Contains(t, body, "Firefox on Linux")
		require.Contains(t, body, "Safari on iPhone")
		require.Equal(t, 1, strings.Count(body, "this browser"))
		require.Len(t, sessionEndAction.FindAllStringSubmatch(body, -1), 3)
		require.Contains(t, body, `action="/profile/sessions/end-all"`)

		// Logout ends the session on the server: a copy of the cookie is dead.
		stolen := laptop.cookies[SessionCookie]
		require.Equal(t, 200, meStatus(t, app, stolen, ""))
		resp, _ = laptop.postForm("/logout", nil)
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, http.StatusUnauthorized, meStatus(t, app, stolen, ""), "a logged-out token stays dead")

		// API clients log out their own token.
		resp, _ = apiCall(t, app, apiToken, "POST", "/api/v1/auth/logout", "")
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, http.StatusUnauthorized, meStatus(t, app, "", apiToken))

		// "Log out" on one line of the list ends that session only.
		tablet := formLogin(t, app, "trog", "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1")
		_, body = phone.get("/profile")
		var tabletID string
		for _, m := range sessionEndAction.FindAllStringSubmatch(body, -1) {
			i := strings.Index(body, m[0])
			if strings.Contains(body[max(0, i-600):i], "Safari on iPad") {
				tabletID = m[1]
			}
		}
		require.NotEmpty(t, tabletID)
		// Nobody else can end it.
		mito := formLogin(t, app, "mito", "curl/8.0")
		mito.get("/profile")
		resp, _ = mito.postForm("/profile/sessions/"+tabletID+"/end", nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.Equal(t, 200, meStatus(t, app, tablet.cookies[SessionCookie], ""))
		resp, _ = phone.postForm("/profile/sessions/"+tabletID+"/end", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, http.StatusUnauthorized, meStatus(t, app, tablet.cookies[SessionCookie], ""))
		require.Equal(t, 200, meStatus(t, app, phone.cookies[SessionCookie], ""), "the phone stays in")

		// "Log out everywhere" ends every session, this one included.
		tablet = formLogin(t, app, "trog", "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1")
		phoneCookie := phone.cookies[SessionCookie]
		phone.get("/profile")
		resp, _ = phone.postForm("/profile/sessions/end-all", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, http.StatusUnauthorized, meStatus(t, app, phoneCookie, ""))
		require.Equal(t, http.StatusUnauthorized, meStatus(t, app, tablet.cookies[SessionCookie], ""))
		require.Equal(t, 200, meStatus(t, app, mito.cookies[SessionCookie], ""), "other accounts are untouched")
	})
}
