package handlers

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
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

// byIPAndUsername keys a request by client IP and, when present, by the
// username read exactly as the handler reads it (credentialsOf), so one
// attacker spraying many names and many attackers aiming at one name are
// both slowed.
func (s *Server) byIPAndUsername(prefix string) func(c fiber.Ctx) []string {
	return func(c fiber.Ctx) []string {
		keys := []string{prefix + ":ip:" + s.clientIP(c)}
		creds, _ := credentialsOf(c)
		if v := auth.NormalizeUsername(creds.DiscordUsername); v != "" {
			keys = append(keys, prefix+":name:"+v)
		}
		return keys
	}
}

// byViewer keys a request by the logged-in account and the client IP.
func (s *Server) byViewer(prefix string) func(c fiber.Ctx) []string {
	return func(c fiber.Ctx) []string {
		keys := []string{prefix + ":ip:" + s.clientIP(c)}
		if v := viewerOf(c); v != nil {
			keys = append(keys, prefix+":user:"+strconv.Itoa(v.UserID))
		}
		return keys
	}
}

// clientIP is the address a request comes from: the connection's peer or,
// when the peer is one of the trusted proxies (PATT_TRUSTED_PROXIES), the
// nearest X-Forwarded-For entry that is not itself a trusted proxy. Entries
// further left are whatever the client wrote and are never believed
// (Fiber's c.IP() returns the header as sent, so a rotated fake entry would
// dodge every limit). Limits count against it and the request log shows it.
func (s *Server) clientIP(c fiber.Ctx) string {
	return resolveClientIP(c.RequestCtx().RemoteIP(), c.Get(fiber.HeaderXForwardedFor), s.Config.TrustedProxies)
}

func resolveClientIP(peer net.IP, xff string, trusted []netip.Prefix) string {
	if peer == nil {
		return ""
	}
	addr, ok := netip.AddrFromSlice(peer)
	if !ok {
		return peer.String()
	}
	addr = addr.Unmap()
	if !isTrustedProxy(addr, trusted) || strings.TrimSpace(xff) == "" {
		return addr.String()
	}
	client := addr
	parts := strings.Split(xff, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			break // a garbled entry ends the chain we can vouch for
		}
		client = hop.Unmap()
		if !isTrustedProxy(client, trusted) {
			break
		}
	}
	return client.String()
}

func isTrustedProxy(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
