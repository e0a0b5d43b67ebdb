package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// CSRF protection by double submit: each browser gets a random token in an
// httpOnly cookie; pages repeat it in a meta tag (sent by htmx as the
// X-CSRF-Token header) and in a hidden _csrf field of plain forms. A cross-site
// page can neither read the cookie nor guess the token, so a state-changing
// request whose header or field does not match the cookie is refused.
const (
	csrfCookie = "patt_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfField  = "_csrf"
	csrfKey    = "patt.csrf"
)

// csrfExemptPaths need no token: the JSON login and register endpoints take
// credentials in the body and set no cookie, and addon uploads carry an API
// key. Requests with a Bearer token are exempt as well (see csrfProtect).
var csrfExemptPaths = map[string]bool{
	"/api/v1/auth/login":    true,
	"/api/v1/auth/register": true,
	addonUploadPath:         true,
	addonUploadLegacyPath:   true,
}

// ErrCSRF is the answer to a state-changing request without a valid token.
var ErrCSRF = fiber.NewError(fiber.StatusForbidden, "Invalid or missing CSRF token. Reload the page and try again.")

func (s *Server) csrfProtect(c fiber.Ctx) error {
	name := s.csrfCookieName()
	token := c.Cookies(name)
	if !validCSRFToken(token) {
		token = newCSRFToken()
		c.Cookie(&fiber.Cookie{
			Name:     name,
			Value:    token,
			Path:     "/",
			HTTPOnly: true,
			Secure:   s.Config.Production(),
			SameSite: fiber.CookieSameSiteLaxMode,
			Expires:  s.Now().Add(s.Config.SessionTTL),
		})
	}
	c.Locals(csrfKey, token)

	if safeMethod(c.Method()) || csrfExemptPaths[c.Path()] || hasBearer(c) {
		return c.Next()
	}
	// A browser tells us when a request comes from another site; refuse
	// those outright, whatever they carry.
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return ErrCSRF
	}
	sent := c.Get(csrfHeader)
	if sent == "" {
		sent = c.FormValue(csrfField)
	}
	if sent == "" || c.Cookies(name) == "" ||
		subtle.ConstantTimeCompare([]byte(sent), []byte(c.Cookies(name))) != 1 {
		return ErrCSRF
	}
	return c.Next()
}

// csrfToken returns the token templates embed in forms and the meta tag.
func csrfToken(c fiber.Ctx) string {
	t, _ := c.Locals(csrfKey).(string)
	return t
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func hasBearer(c fiber.Ctx) bool {
	return strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
}

func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand never fails on supported platforms; a fixed token
		// would be worse than stopping.
		panic(err)
	}
	return hex.EncodeToString(b)
}

func validCSRFToken(t string) bool {
	if len(t) != 64 {
		return false
	}
	_, err := hex.DecodeString(t)
	return err == nil
}

// csrfCookieName is the CSRF cookie's name: in production (always HTTPS)
// it takes the __Host- prefix, which browsers accept only from this exact
// host, over HTTPS, for path / — so a sibling subdomain or a plain-HTTP
// man in the middle cannot plant a token of its own.
func (s *Server) csrfCookieName() string {
	if s.Config.Production() {
		return "__Host-" + csrfCookie
	}
	return csrfCookie
}
