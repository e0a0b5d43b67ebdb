package handlers

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"

	"patt/config"
)

type limiterClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *limiterClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *limiterClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestRateLimiterSlidingWindow(t *testing.T) {
	clock := &limiterClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newRateLimiter(3, time.Minute, clock.now)

	for i := range 3 {
		ok, _ := l.allow("ip:a")
		require.True(t, ok, "hit %d", i+1)
		clock.advance(10 * time.Second)
	}
	ok, wait := l.allow("ip:a")
	require.False(t, ok, "4th hit within the minute")
	require.Equal(t, 30*time.Second, wait, "until the first hit leaves the window")

	ok, _ = l.allow("ip:b")
	require.True(t, ok, "other keys have their own count")

	clock.advance(31 * time.Second) // first hit (t=0) has left the window
	ok, _ = l.allow("ip:a")
	require.True(t, ok, "the window slides: one slot is free again")
	ok, _ = l.allow("ip:a")
	require.False(t, ok)

	// Several keys: refused if any is over, and nothing is recorded then.
	u := newRateLimiter(2, time.Minute, clock.now)
	for _, ip := range []string{"ip:1", "ip:2"} {
		ok, _ := u.allow(ip, "name:trog")
		require.True(t, ok)
	}
	ok, _ = u.allow("ip:3", "name:trog")
	require.False(t, ok, "one username tried from many addresses is limited too")
	ok, _ = u.allow("ip:3", "name:other")
	require.True(t, ok, "the refused hit did not count against ip:3")
}

func TestRateLimiterIsSafeForConcurrentUse(t *testing.T) {
	l := newRateLimiter(50, time.Minute, time.Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := l.allow("k"); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 50, allowed)
}

func TestRateLimitMiddleware(t *testing.T) {
	clock := &limiterClock{t: time.Now()}
	l := newRateLimiter(2, time.Minute, clock.now)
	app := fiber.New()
	refusePage := func(c fiber.Ctx, msg string) error {
		return c.Status(fiber.StatusTooManyRequests).SendString("<p class=flash>" + msg + "</p>")
	}
	srv := &Server{Config: &config.Config{}}
	mw := rateLimit(l, "Slow down.", srv.byIPAndUsername("t"), refusePage)
	app.Post("/api/x", mw, func(c fiber.Ctx) error { return c.SendString("ok") })
	app.Post("/page", mw, func(c fiber.Ctx) error { return c.SendString("ok") })

	post := func(path, body, ct string) (*http.Response, string) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return do(t, app, req)
	}
	resp, _ := post("/api/x", `{"discord_username":"Trog"}`, "application/json")
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = post("/page", "discord_username=trog", "application/x-www-form-urlencoded")
	require.Equal(t, 200, resp.StatusCode)

	resp, body := post("/api/x", `{"discord_username":"x"}`, "application/json")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.JSONEq(t, `{"ok":false,"error":"Slow down."}`, body)
	require.NotEmpty(t, resp.Header.Get("Retry-After"))

	resp, body = post("/page", "discord_username=x", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Contains(t, body, "Slow down.")

	clock.advance(61 * time.Second)
	resp, _ = post("/page", "", "application/x-www-form-urlencoded")
	require.Equal(t, 200, resp.StatusCode)
}

// Issue 10 item 9: X-Forwarded-For is believed only from the configured
// proxies, read from the right; a forged first entry never counts.
func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	loopback, err := config.ParseProxies("127.0.0.0/8,::1/128")
	require.NoError(t, err)
	docker, err := config.ParseProxies("127.0.0.1, 172.16.0.0/12")
	require.NoError(t, err)
	for _, tc := range []struct {
		peer, xff, want string
	}{
		{"172.17.0.1", "198.51.100.9", "172.17.0.1"}, // a Docker bridge, not trusted by default
	} {
		require.Equal(t, tc.want, resolveClientIP(net.ParseIP(tc.peer), tc.xff, loopback), tc.peer+" "+tc.xff)
	}
	for _, tc := range []struct {
		peer, xff, want string
	}{
		{"172.17.0.1", "198.51.100.9", "198.51.100.9"},             // the Dockerfile case: proxy on the bridge
		{"172.17.0.1", "6.6.6.6, 198.51.100.9", "198.51.100.9"},    // forged first entry ignored
		{"172.17.0.1", "198.51.100.9, 172.18.0.5", "198.51.100.9"}, // two trusted hops
		{"172.17.0.1", "", "172.17.0.1"},
		{"203.0.113.7", "1.2.3.4", "203.0.113.7"},
	} {
		require.Equal(t, tc.want, resolveClientIP(net.ParseIP(tc.peer), tc.xff, docker), tc.peer+" "+tc.xff)
	}
	none, err := config.ParseProxies("none")
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", resolveClientIP(net.ParseIP("127.0.0.1"), "198.51.100.9", none))
	_, err = config.ParseProxies("10.0.0.0/33")
	require.Error(t, err)
	_, err = config.ParseProxies("proxy.example")
	require.Error(t, err)
	for _, tc := range []struct {
		peer, xff, want string
	}{
		{"203.0.113.7", "", "203.0.113.7"},
		{"203.0.113.7", "1.2.3.4", "203.0.113.7"}, // not from our proxy: header ignored
		{"127.0.0.1", "", "127.0.0.1"},
		{"127.0.0.1", "198.51.100.9", "198.51.100.9"},
		{"127.0.0.1", "6.6.6.6, 198.51.100.9", "198.51.100.9"}, // a forged first entry does not count
		{"::1", "garbage, 2001:db8::1", "2001:db8::1"},
		{"127.0.0.1", "not-an-ip", "127.0.0.1"},
	} {
		require.Equal(t, tc.want, resolveClientIP(net.ParseIP(tc.peer), tc.xff, loopback), tc.peer+" "+tc.xff)
	}
}
