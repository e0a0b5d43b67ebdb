package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// The login throttle (issue 10 item 4, OWASP ASVS 2.2.1 and its "device
// cookies" scheme). Three counts:
//   - every attempt per client address (loginLimit a minute), as before;
//   - failed attempts per username across all addresses: after
//     loginFreeFailures in loginFailureMemory each further attempt waits a
//     doubling delay (1 s, 2 s, … capped at loginMaxDelay), so guessing is
//     slow from any number of addresses but the owner is never locked out
//     for longer than the cap;
//   - a browser that has logged in to the account before carries a signed
//     device cookie and keeps its own allowance (deviceFreeFailures), so a
//     stranger hammering the name does not slow the owner's own browser.
//
// The username is read exactly as the handlers read it (credentialsOf), so
// no spelling of the request (Content-Type, key case) dodges its count.
const (
	loginFreeFailures  = 5
	loginFailureMemory = time.Hour
	loginMaxDelay      = time.Minute
	deviceFreeFailures = 10
	deviceCookie       = "patt_device"
	deviceCookieTTL    = 365 * 24 * time.Hour
	loginSweepAt       = 10000
	msgLoginSlowDown   = "Too many failed logins for this account. Try again in %d seconds."
	loginOutcomeKey    = "patt.loginOutcome"
)

// credentialsOf reads the account fields of a login or registration the
// one way the handlers do: the JSON API decodes the body whatever its
// Content-Type (encoding/json matches keys case-insensitively); forms read
// the form.
func credentialsOf(c fiber.Ctx) (apiCredentials, error) {
	if isAPIPath(c.Path()) {
		var in apiCredentials
		err := json.Unmarshal(c.Body(), &in)
		return in, err
	}
	return apiCredentials{
		Code:            c.FormValue("code"),
		DiscordUsername: c.FormValue("discord_username"),
		Password:        c.FormValue("password"),
	}, nil
}

// loginOutcome tells the throttle whether the password was wrong. Only a
// wrong password (or unknown name) counts as a failure.
func loginOutcome(c fiber.Ctx, err error) {
	c.Locals(loginOutcomeKey, errors.Is(err, auth.ErrInvalidCredentials))
}

type failureCount struct {
	n    int
	last time.Time
}

// loginGuard is one app's login throttle. Counts live in memory: several
// instances each keep their own (each still slows guessing).
type loginGuard struct {
	perIP  *rateLimiter
	key    []byte
	now    func() time.Time
	secure bool
	ip     func(fiber.Ctx) string
	refuse func(c fiber.Ctx, msg string) error

	mu      sync.Mutex
	names   map[string]*failureCount
	devices map[string]*failureCount
}

func newLoginGuard(s *Server) *loginGuard {
	mac := hmac.New(sha256.New, s.Config.JWTSecret)
	mac.Write([]byte("patt device cookie v1"))
	now := func() time.Time { return s.Now() } // the server's clock, even if a test moves it later
	return &loginGuard{
		perIP:   newRateLimiter(loginLimit, loginWindow, now),
		key:     mac.Sum(nil),
		now:     now,
		secure:  s.Config.Production(),
		ip:      s.clientIP,
		refuse:  s.loginRefused,
		names:   map[string]*failureCount{},
		devices: map[string]*failureCount{},
	}
}

// handler is the middleware in front of both login routes.
func (g *loginGuard) handler(c fiber.Ctx) error {
	if ok, wait := g.perIP.allow("login:ip:" + g.ip(c)); !ok {
		return g.tooMany(c, msgTooManyLogins, wait)
	}
	creds, _ := credentialsOf(c) // a malformed body is the handler's to answer
	name := auth.NormalizeUsername(creds.DiscordUsername)
	device := g.device(c, name)
	if wait := g.wait(name, device); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return g.tooMany(c, fmt.Sprintf(msgLoginSlowDown, secs), wait)
	}
	err := c.Next()
	failed, decided := c.Locals(loginOutcomeKey).(bool)
	if !decided {
		return err
	}
	if failed {
		g.fail(name, device)
		return err
	}
	g.succeed(c, name, device)
	return err
}

func (g *loginGuard) tooMany(c fiber.Ctx, msg string, wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	if isAPIPath(c.Path()) {
		return apiError(c, fiber.StatusTooManyRequests, msg)
	}
	return g.refuse(c, msg)
}

// wait is how long this attempt must wait: nothing for a trusted device
// within its own allowance, else the username's delay.
func (g *loginGuard) wait(name, device string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if device != "" {
		d := g.fresh(g.devices, device, now)
		if d == nil || d.n < deviceFreeFailures {
			return 0
		}
	}
	f := g.fresh(g.names, name, now)
	if f == nil || f.n < loginFreeFailures {
		return 0
	}
	delay := loginMaxDelay
	if shift := f.n - loginFreeFailures; shift < 6 {
		delay = min(time.Second<<shift, loginMaxDelay)
	}
	return f.last.Add(delay).Sub(now)
}

// fresh returns the count under key, forgetting it once it is older than
// loginFailureMemory.
func (g *loginGuard) fresh(m map[string]*failureCount, key string, now time.Time) *failureCount {
	f := m[key]
	if f != nil && now.Sub(f.last) > loginFailureMemory {
		delete(m, key)
		return nil
	}
	return f
}

func (g *loginGuard) fail(name, device string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.sweep(now)
	bump := func(m map[string]*failureCount, key string) {
		f := g.fresh(m, key, now)
		if f == nil {
			f = &failureCount{}
			m[key] = f
		}
		f.n++
		f.last = now
	}
	bump(g.names, name)
	if device != "" {
		bump(g.devices, device)
	}
}

// succeed trusts this browser for the account from now on. The username's
// count is left to decay: a success from the owner must not hand a parallel
// guesser a fresh allowance.
func (g *loginGuard) succeed(c fiber.Ctx, name, device string) {
	g.mu.Lock()
	if device != "" {
		delete(g.devices, device)
	}
	g.mu.Unlock()
	if device == "" {
		g.issueDevice(c, name)
	}
}

// sweep drops stale counts once the maps grow, so a spray of made-up
// names cannot grow memory without bound.
func (g *loginGuard) sweep(now time.Time) {
	if len(g.names)+len(g.devices) < loginSweepAt {
		return
	}
	for _, m := range []map[string]*failureCount{g.names, g.devices} {
		for k, f := range m {
			if now.Sub(f.last) > loginFailureMemory {
				delete(m, k)
			}
		}
	}
}

// The device cookie is "<id>.<mac>": a random id and an HMAC binding it to
// the username, which the cookie itself does not carry.
func (g *loginGuard) sign(id, name string) string {
	mac := hmac.New(sha256.New, g.key)
	mac.Write([]byte(id + "\x00" + name))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// device returns the id of the request's device cookie when it was issued
// for this username, else "".
func (g *loginGuard) device(c fiber.Ctx, name string) string {
	raw := c.Cookies(deviceCookie)
	id, sig, ok := strings.Cut(raw, ".")
	if !ok || id == "" || name == "" {
		return ""
	}
	if !hmac.Equal([]byte(sig), []byte(g.sign(id, name))) {
		return ""
	}
	return id
}

func (g *loginGuard) issueDevice(c fiber.Ctx, name string) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil || name == "" {
		return
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	c.Cookie(&fiber.Cookie{
		Name:     deviceCookie,
		Value:    id + "." + g.sign(id, name),
		Path:     "/",
		MaxAge:   int(deviceCookieTTL / time.Second),
		Expires:  g.now().Add(deviceCookieTTL),
		HTTPOnly: true,
		Secure:   g.secure,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}
