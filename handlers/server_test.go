package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/auth"
	"patt/browsertest"
	"patt/config"
	"patt/models"
)

// testApp builds the real app on a test database.
func testApp(t *testing.T, db *gorm.DB) (*fiber.App, *Server) {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if k == "PATT_DATA_DIR" {
			return t.TempDir()
		}
		return ""
	})
	require.NoError(t, err)
	s := &Server{DB: db, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"}
	app, err := New(s)
	require.NoError(t, err)
	return app, s
}

// do sends a request through the app and returns the response and its body.
func do(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	// A guard against a hung handler, not a speed limit: under -race on a
	// loaded CI machine a page can take seconds. FailOnTimeout names the
	// timeout instead of Fiber's misleading "got empty response".
	resp, err := app.Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	return resp, string(body)
}

func get(t *testing.T, app *fiber.App, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, app, req)
}

// browser keeps cookies between requests, like a real one, and knows the
// CSRF token the last page carried.
type browser struct {
	t       *testing.T
	app     *fiber.App
	cookies map[string]string
	csrf    string
}

func newBrowser(t *testing.T, app *fiber.App) *browser {
	return &browser{t: t, app: app, cookies: map[string]string{}}
}

func (b *browser) send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, body := do(b.t, b.app, req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	if i := strings.Index(body, `name="csrf-token" content="`); i >= 0 {
		rest := body[i+len(`name="csrf-token" content="`):]
		b.csrf = rest[:strings.IndexByte(rest, '"')]
	}
	return resp, body
}

func (b *browser) get(path string, headers ...string) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.send(req)
}

// postForm submits a form with the page's CSRF token, as a browser form does.
func (b *browser) postForm(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get(csrfField) == "" && b.csrf != "" {
		form.Set(csrfField, b.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// seedMember creates an active player with a website account and the rank
// of the given level (0 = no rank). The password is "correct-horse-1".
func seedMember(t *testing.T, db *gorm.DB, name string, rankLevel int) (models.Player, models.User) {
	t.Helper()
	hash, err := auth.HashPassword("correct-horse-1")
	require.NoError(t, err)
	login := strings.ToLower(name)
	user := models.User{Email: &login, PasswordHash: hash, IsActive: true}
	require.NoError(t, db.Create(&user).Error)
	player := models.Player{DisplayName: name, WebsiteUserID: &user.ID, IsActive: true, Timezone: "America/New_York"}
	if rankLevel > 0 {
		var rank models.GuildRank
		require.NoError(t, db.Where("level = ?", rankLevel).Take(&rank).Error)
		player.GuildRankID = &rank.ID
	}
	require.NoError(t, db.Create(&player).Error)
	return player, user
}

// tokenFor signs a session token for the user, as login does.
func tokenFor(t *testing.T, s *Server, user models.User) string {
	t.Helper()
	sid, err := auth.StartSession(s.DB, user.ID, auth.Device{UserAgent: "test"}, s.Now(), s.Config.SessionTTL)
	require.NoError(t, err)
	tok, err := auth.IssueToken(s.Config.JWTSecret, auth.Claims{UserID: user.ID, TokenVersion: user.TokenVersion, SessionID: sid}, s.Now(), s.Config.SessionTTL)
	require.NoError(t, err)
	return tok
}

// loginAs makes the browser a logged-in user: it holds the session cookie
// and the CSRF token of a page it has loaded.
func (b *browser) loginAs(s *Server, user models.User) *browser {
	b.t.Helper()
	b.cookies[SessionCookie] = tokenFor(b.t, s, user)
	b.get("/")
	return b
}

// sendJSON sends a JSON body with the browser's cookies and CSRF header.
func (b *browser) sendJSON(method, path, body string) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if b.csrf != "" {
		req.Header.Set(csrfHeader, b.csrf)
	}
	return b.send(req)
}

// apiCall sends a JSON request authenticated by a Bearer token (no cookies,
// no CSRF token: API clients need none).
func apiCall(t *testing.T, app *fiber.App, token, method, path, body string) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, app, req)
}

// browserLogin signs a headless browser in as the user (and out of whoever
// it was): the one login helper of the browser tests. The login form itself
// is tested in auth_browser_test.go.
func browserLogin(t *testing.T, ctx context.Context, s *Server, base string, user models.User) {
	t.Helper()
	browsertest.SetSessionCookie(t, ctx, base, SessionCookie, tokenFor(t, s, user))
}
