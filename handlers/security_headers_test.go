package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/config"
	"patt/dbtest"
)

// Issue 10 item 8: personalised answers are never cached, the CSRF cookie
// takes the __Host- prefix in production, and HEAD works on assets.
func TestPersonalPagesAreNotCachedAndCookiesAreHostBound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, off := seedMember(t, db, "Officer4", 4)
		b := newBrowser(t, app).loginAs(s, off)
		for _, path := range []string{"/profile", "/admin/players", "/admin/campaigns", "/", "/api/v1/auth/me"} {
			resp, _ := b.get(path)
			require.Equal(t, 200, resp.StatusCode, path)
			require.Equal(t, "no-store", resp.Header.Get("Cache-Control"), path)
		}

		// HEAD on an asset answers like GET, without a body.
		_, page := get(t, app, "/")
		i := strings.Index(page, "/assets/css/app.css?v=")
		require.Positive(t, i)
		href := page[i : i+strings.IndexByte(page[i:], '"')]
		resp, body := do(t, app, httptest.NewRequest(http.MethodHead, href, nil))
		require.Equal(t, 200, resp.StatusCode)
		require.Empty(t, body)
		require.Contains(t, resp.Header.Get("Cache-Control"), "immutable", "assets keep their own caching")

		// Production: the CSRF cookie is __Host- (Secure, path /, no domain)
		// and a form still works with it.
		s.Config.Env = config.Production
		p := newBrowser(t, app)
		resp, _ = p.get("/login")
		var found bool
		for _, c := range resp.Cookies() {
			if c.Name == "__Host-patt_csrf" {
				found = true
				require.True(t, c.Secure)
				require.Equal(t, "/", c.Path)
				require.Empty(t, c.Domain)
			}
			require.NotEqual(t, csrfCookie, c.Name, "no unprefixed cookie in production")
		}
		require.True(t, found)
		resp, _ = p.postForm("/login", map[string][]string{"discord_username": {"officer4"}, "password": {"correct-horse-1"}})
		require.Equal(t, http.StatusFound, resp.StatusCode, "the prefixed token passes the CSRF check")
	})
}
