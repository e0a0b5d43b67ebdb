package handlers

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
)

// guardApp is a test app whose X-Forwarded-For is believed (app.Test's
// peer is 0.0.0.0), so each request can come from its own address, and
// whose clock the test moves.
func guardApp(t *testing.T, db *gorm.DB) (*fiber.App, *Server, func(time.Duration)) {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	app, s := testApp(t, db)
	s.Now = clock
	s.Config.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}
	return app, s, func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

func loginFrom(t *testing.T, app *fiber.App, ip, contentType, body string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Forwarded-For", ip)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return do(t, app, req)
}

func deviceCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			return c
		}
	}
	return nil
}

// Issue 10 item 4: the per-username count cannot be dodged by the spelling
// of the request, failures from any number of addresses slow that name
// down, and the owner's own browser (device cookie) still gets in.
func TestLoginThrottleNeitherLeaksNorLocksOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _, advance := guardApp(t, db)
		seedMember(t, db, "Trog", 2)
		good := `{"discord_username":"trog","password":"correct-horse-1"}`

		// The owner logs in once from their browser: it is trusted from now on.
		resp, body := loginFrom(t, app, "192.0.2.1", "application/json", good)
		require.Equal(t, 200, resp.StatusCode, body)
		device := deviceCookieOf(resp)
		require.NotNil(t, device, "a successful login marks the device")
		require.True(t, device.HttpOnly)

		// A spray from many addresses, each request spelled differently: the
		// handler reads them all as "trog", so the limiter does too.
		spellings := []struct{ ct, body string }{
			{"text/plain", `{"discord_username":"trog","password":"guess"}`},
			{"application/json", `{"Discord_Username":"TROG","password":"guess"}`},
			{"application/x-www-form-urlencoded", `{"DISCORD_USERNAME":" Trog ","password":"guess"}`},
			{"application/json; charset=utf-8", `{"discord_username":"trog","password":"guess"}`},
			{"", `{"discord_username":"tRoG","password":"guess"}`},
		}
		for i, sp := range spellings {
			resp, body := loginFrom(t, app, "198.51.100."+strconv.Itoa(i+1), sp.ct, sp.body)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "guess %d: %s", i+1, body)
		}
		resp, body = loginFrom(t, app, "198.51.100.77", "text/plain", `{"discord_username":"TROG","password":"guess"}`)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the sixth failure from a sixth address waits: %s", body)
		require.Contains(t, body, "Too many failed logins for this account")
		require.Equal(t, "1", resp.Header.Get("Retry-After"))

		// A new browser of the owner's is slowed like anyone (never for
		// more than a minute) …
		resp, _ = loginFrom(t, app, "192.0.2.50", "application/json", good)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		// … but their own browser is not, from any address.
		resp, body = loginFrom(t, app, "192.0.2.2", "application/json", good, device)
		require.Equal(t, 200, resp.StatusCode, body)

		// Each failure doubles the wait, capped at a minute.
		for i := 0; i < 12; i++ {
			advance(loginMaxDelay)
			resp, _ = loginFrom(t, app, "198.51.100."+strconv.Itoa(100+i), "application/json", `{"discord_username":"trog","password":"guess"}`)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
		resp, _ = loginFrom(t, app, "198.51.100.200", "application/json", `{"discord_username":"trog","password":"guess"}`)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Equal(t, "60", resp.Header.Get("Retry-After"))
		resp, body = loginFrom(t, app, "192.0.2.3", "application/json", good, device)
		require.Equal(t, 200, resp.StatusCode, "the owner's browser still gets in: %s", body)
		advance(loginMaxDelay)
		resp, body = loginFrom(t, app, "192.0.2.50", "application/json", good)
		require.Equal(t, 200, resp.StatusCode, "after the wait anyone with the password gets in: %s", body)

		// The device cookie is bound to its account and has its own allowance.
		seedMember(t, db, "Mito", 2)
		for i := 0; i < loginFreeFailures; i++ {
			advance(loginMaxDelay)
			resp, _ = loginFrom(t, app, "198.51.101."+strconv.Itoa(i), "application/json", `{"discord_username":"mito","password":"guess"}`)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
		resp, _ = loginFrom(t, app, "192.0.2.4", "application/json", `{"discord_username":"mito","password":"correct-horse-1"}`, device)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "Trog's device is a stranger to Mito's account")
		advance(2 * loginFailureMemory)
		for i := 0; i < deviceFreeFailures; i++ {
			resp, _ = loginFrom(t, app, "192.0.2.5", "application/json", `{"discord_username":"trog","password":"typo"}`, device)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "own allowance, failure %d", i+1)
			advance(7 * time.Second) // stay under ten a minute from one address
		}
		resp, _ = loginFrom(t, app, "192.0.2.5", "application/json", good, device)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "a device past its allowance is a stranger again")
	})
}

// The form login shares the throttle and marks the browser too.
func TestLoginThrottleOnTheForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _, _ := guardApp(t, db)
		seedMember(t, db, "Trog", 2)
		for i := 0; i < loginFreeFailures; i++ {
			resp, _ := loginFrom(t, app, "198.51.100."+strconv.Itoa(i), "application/json", `{"discord_username":"trog","password":"guess"}`)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
		b := newBrowser(t, app)
		b.get("/login")
		resp, body := b.postForm("/login", url.Values{"discord_username": {"TROG"}, "password": {"correct-horse-1"}})
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Contains(t, body, "Too many failed logins for this account")
		require.Contains(t, body, `value="TROG"`, "the form comes back with the name")
		require.Nil(t, sessionCookie(resp))
	})
}

// Issue 10 item 9: the request log names the resolved client: the header's
// entry behind a trusted proxy, the peer itself otherwise (never the raw
// header, never empty).
func TestRequestLogShowsResolvedClientIP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		var buf strings.Builder
		var mu sync.Mutex
		s.Log = slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
		send := func(xff string) string {
			mu.Lock()
			buf.Reset()
			mu.Unlock()
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			if xff != "" {
				req.Header.Set("X-Forwarded-For", xff)
			}
			do(t, app, req)
			mu.Lock()
			defer mu.Unlock()
			var line struct{ IP string }
			require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(buf.String())), &line), buf.String())
			return line.IP
		}
		require.Equal(t, "0.0.0.0", send(""), "the peer, not an empty string")
		require.Equal(t, "0.0.0.0", send("6.6.6.6"), "an untrusted peer's header is ignored")
		s.Config.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}
		require.Equal(t, "198.51.100.9", send("6.6.6.6, 198.51.100.9"), "the entry our proxy appended")
	})
}

type lockedWriter struct {
	w  *strings.Builder
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
