package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

func TestHealth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		type healthData struct {
			DB, Version, Bot string
			BotState         string `json:"bot_state"`
			Members          *int   `json:"guild_member_count"`
		}
		health := func(path string) healthData {
			t.Helper()
			resp, body := get(t, app, path)
			require.Equal(t, http.StatusOK, resp.StatusCode, path)
			var env struct {
				OK   bool
				Data healthData
			}
			require.NoError(t, json.Unmarshal([]byte(body), &env))
			require.True(t, env.OK)
			return env.Data
		}
		for _, path := range []string{"/healthz", "/api/health"} {
			h := health(path)
			require.Equal(t, "ok", h.DB)
			require.Equal(t, "test", h.Version)
			require.Equal(t, "off", h.Bot, "no PATT_DISCORD_TOKEN")
		}

		// With a token: what the gateway holder last wrote, never a failure.
		s.Config.DiscordToken = "set"
		h := health("/healthz")
		assert.Equal(t, "disconnected", h.Bot, "no status written yet")
		now := time.Now().UTC()
		members := 42
		st := models.BotStatus{Instance: "a", Connected: true, State: "connected", MemberCount: &members, UpdatedAt: now}
		require.NoError(t, db.Create(&st).Error)
		h = health("/api/health")
		assert.Equal(t, "connected", h.Bot)
		require.NotNil(t, h.Members)
		assert.Equal(t, 42, *h.Members)
		// The holder died without a word: its row goes stale.
		require.NoError(t, db.Model(&st).Update("updated_at", now.Add(-3*time.Minute)).Error)
		h = health("/healthz")
		assert.Equal(t, "disconnected", h.Bot)
		assert.Equal(t, "stale", h.BotState)
		require.NoError(t, db.Model(&st).Updates(map[string]any{"connected": false, "state": "intent_disabled", "updated_at": now}).Error)
		h = health("/healthz")
		assert.Equal(t, "disconnected", h.Bot)
		assert.Equal(t, "intent_disabled", h.BotState)

		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())
		resp, body := get(t, app, "/api/health")
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		require.JSONEq(t, `{"ok":false,"error":"database unavailable"}`, body, "no driver error text may leak")
	})
}

func TestNotFoundIsHTMLForPagesAndJSONForAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)

		resp, body := get(t, app, "/no/such/page")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		require.Contains(t, body, "uncharted territory")
		require.Contains(t, body, "Go Home")

		resp, body = get(t, app, "/api/v1/nothing-here")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Content-Type"), "application/json")
		require.JSONEq(t, `{"ok":false,"error":"Not found"}`, body)
	})
}

func TestStateChangingRequestNeedsCSRFToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		b := newBrowser(t, app)
		resp, _ := b.get("/")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotEmpty(t, b.csrf, "the page must carry a CSRF token in its meta tag")
		require.Contains(t, b.cookies, csrfCookie)

		// No token: refused before any handler runs.
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body := b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Contains(t, body, "CSRF")

		// A wrong token in the header is refused too.
		req = httptest.NewRequest(http.MethodPost, "/api/v1/anything", nil)
		req.Header.Set(csrfHeader, strings.Repeat("ab", 32))
		resp, body = b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Contains(t, body, `"ok":false`)

		// Cross-site requests are refused even with the right token.
		req = httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set(csrfHeader, b.csrf)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, _ = b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		// With the token (form field or htmx header) the request passes the
		// check and reaches routing: nothing handles POST / so it is a 404.
		resp, _ = b.postForm("/", url.Values{"x": {"1"}})
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		req = httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set(csrfHeader, b.csrf)
		resp, _ = b.send(req)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestSecurityHeaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		resp, _ := get(t, app, "/")
		csp := resp.Header.Get("Content-Security-Policy")
		require.Contains(t, csp, "script-src 'self'")
		require.NotContains(t, csp, "script-src 'self' 'unsafe-inline'")
		require.Contains(t, csp, "frame-ancestors 'none'")
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
		require.Equal(t, "strict-origin-when-cross-origin", resp.Header.Get("Referrer-Policy"))
		for _, c := range resp.Cookies() {
			if c.Name == csrfCookie {
				require.True(t, c.HttpOnly)
				require.Equal(t, http.SameSiteLaxMode, c.SameSite)
			}
		}
	})
}

func TestHTMXGetsFragmentPlainGetsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		_, full := get(t, app, "/")
		require.Contains(t, full, "<!DOCTYPE html>")
		require.Contains(t, full, `class="site-header"`)
		require.Contains(t, full, "Who We Are")

		resp, frag := get(t, app, "/", "HX-Request", "true")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotContains(t, frag, "<!DOCTYPE html>")
		require.NotContains(t, frag, `class="site-header"`)
		require.Contains(t, frag, "Who We Are")
		require.Contains(t, resp.Header.Get("Vary"), "HX-Request")
	})
}

func TestAssetsAreVersionedAndCached(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, page := get(t, app, "/")
		for _, name := range []string{"css/app.css", "js/htmx.min.js", "js/app.js"} {
			u := s.assets.URL(name)
			require.Contains(t, page, u, "the page links the versioned URL of %s", name)
			resp, body := get(t, app, u)
			require.Equal(t, http.StatusOK, resp.StatusCode, name)
			require.NotEmpty(t, body)
			require.Contains(t, resp.Header.Get("Cache-Control"), "immutable")
		}
		resp, _ := get(t, app, "/assets/fonts/cinzel-latin-700-normal.woff2")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "font/woff2", resp.Header.Get("Content-Type"))
		resp, _ = get(t, app, "/assets/nope.js")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.NotContains(t, page, "?missing", "every asset the layout links must exist")
	})
}
