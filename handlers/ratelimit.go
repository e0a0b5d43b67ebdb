package handlers

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
)

// rateLimiter is an in-process sliding-window limiter: at most limit hits
// per key within any window. It is enough for one app instance; several
// instances would each keep their own count (spec §11.5 notes a shared
// store for that case).
type rateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	hits  map[string][]time.Time
	calls int
}

func newRateLimiter(limit int, window time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, now: now, hits: map[string][]time.Time{}}
}

// sweepEvery is how many hits pass between sweeps of idle keys, which keeps
// memory bounded when many different IPs each try once.
const sweepEvery = 1000

// allow records a hit for every key and reports whether all of them are
// still within the limit. When refused, retryAfter says when the oldest
// hit in the window expires. A refused request is not recorded, so a
// client that keeps hammering is let in again once its window has passed.
func (l *rateLimiter) allow(keys ...string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cutoff := now.Add(-l.window)
	l.calls++
	if l.calls%sweepEvery == 0 {
		for k, ts := range l.hits {
			if len(ts) == 0 || !ts[len(ts)-1].After(cutoff) {
				delete(l.hits, k)
			}
		}
	}
	for _, k := range keys {
		ts := l.hits[k]
		i := 0
		for i < len(ts) && !ts[i].After(cutoff) {
			i++
		}
		ts = ts[i:]
		l.hits[k] = ts
		if len(ts) >= l.limit {
			wait := ts[0].Add(l.window).Sub(now)
			if wait > retryAfter {
				retryAfter = wait
			}
			ok = false
		}
	}
	if retryAfter > 0 {
		return false, retryAfter
	}
	for _, k := range keys {
		l.hits[k] = append(l.hits[k], now)
	}
	return true, 0
}

// rateLimit is middleware counting each request against the limiter under
// the keys keyFn names (for example the client IP and the username typed).
// Over the limit it answers 429: the JSON envelope under /api/, and for
// pages whatever refuse renders (the form again, with an error bar).
func rateLimit(l *rateLimiter, msg string, keyFn func(c fiber.Ctx) []string, refuse func(c fiber.Ctx, msg string) error) fiber.Handler {
	return func(c fiber.Ctx) error {
		ok, wait := l.allow(keyFn(c)...)
		if ok {
			return c.Next()
		}
		secs := int(wait.Round(time.Second) / time.Second)
		if secs < 1 {
			secs = 1
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		if isAPIPath(c.Path()) || refuse == nil {
			return apiError(c, fiber.StatusTooManyRequests, msg)
		}
		return refuse(c, msg)
	}
}

// byIPAndField keys a request by client IP and, when present, by a
// normalised form or JSON field (the username), so one attacker spraying
// many names and many attackers aiming at one name are both slowed.
func byIPAndField(prefix, field string) func(c fiber.Ctx) []string {
	return func(c fiber.Ctx) []string {
		keys := []string{prefix + ":ip:" + limitedIP(c)}
		if v := strings.ToLower(strings.TrimSpace(bodyField(c, field))); v != "" {
			keys = append(keys, prefix+":name:"+v)
		}
		return keys
	}
}

// byViewer keys a request by the logged-in account and the client IP.
func byViewer(prefix string) func(c fiber.Ctx) []string {
	return func(c fiber.Ctx) []string {
		keys := []string{prefix + ":ip:" + limitedIP(c)}
		if v := viewerOf(c); v != nil {
			keys = append(keys, prefix+":user:"+strconv.Itoa(v.UserID))
		}
		return keys
	}
}

// bodyField reads one field from a form or JSON body without consuming it
// (Fiber keeps the body for the handler).
func bodyField(c fiber.Ctx, field string) string {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		var m map[string]any
		if json.Unmarshal(c.Body(), &m) != nil {
			return ""
		}
		s, _ := m[field].(string)
		return s
	}
	return c.FormValue(field)
}

// limitedIP is the client address a limit counts against. Behind nginx on
// loopback it is the last X-Forwarded-For entry — the one nginx appended
// itself — not the first, which the client can write freely (Fiber's c.IP()
// returns the header as sent, so rotating a fake first entry would dodge
// every limit). Anyone else is judged by the connection's own address.
func limitedIP(c fiber.Ctx) string {
	return forwardedClientIP(c.RequestCtx().RemoteIP(), c.Get(fiber.HeaderXForwardedFor))
}

func forwardedClientIP(peer net.IP, xff string) string {
	if peer == nil {
		return ""
	}
	if !peer.IsLoopback() || xff == "" {
		return peer.String()
	}
	last := strings.TrimSpace(xff[strings.LastIndexByte(xff, ',')+1:])
	if ip := net.ParseIP(last); ip != nil {
		return ip.String()
	}
	return peer.String()
}
