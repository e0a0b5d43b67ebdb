package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
	"patt/fault"
)

// SessionCookie holds the session token for browsers.
const SessionCookie = "patt_token"

const authErrKey = "patt.authErr"

// authenticate resolves the viewer from a Bearer token (API clients) or the
// session cookie (browsers). A request with a Bearer header is judged by it
// alone, which is what makes it safe to exempt such requests from CSRF.
// Nothing is refused here: pages are open to visitors; requireLogin and
// requireRank refuse where a route needs more.
func (s *Server) authenticate(c fiber.Ctx) error {
	raw := ""
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		raw = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else {
		raw = c.Cookies(SessionCookie)
	}
	if raw == "" {
		return c.Next()
	}
	claims, err := auth.ParseToken(s.Config.JWTSecret, raw, s.Now())
	if err != nil {
		c.Locals(authErrKey, err)
		return c.Next()
	}
	sess, err := auth.LoadSession(s.db(c), claims, s.device(c), s.Now())
	if err != nil {
		if !isAuthReason(err) {
			return fmt.Errorf("load session: %w", err)
		}
		c.Locals(authErrKey, err)
		return c.Next()
	}
	c.Locals(viewerKey, &Viewer{
		UserID:      sess.UserID,
		PlayerID:    sess.PlayerID,
		DisplayName: sess.DisplayName,
		RankName:    sess.RankName,
		RankLevel:   sess.RankLevel,
		SessionID:   sess.SessionID,
	})
	err = c.Next()
	// Whatever a logged-in viewer is shown is theirs alone (the profile's
	// private calendar URL, admin pages, their API data): no cache may keep
	// it. Assets set their own caching and carry no personal data.
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return err
}

func isAuthReason(err error) bool {
	for _, e := range []error{auth.ErrPlayerNotFound, auth.ErrAccountInactive, auth.ErrSessionRevoked} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// requireLogin lets a logged-in viewer through. A visitor is sent to the
// login page (pages) or gets 401 with the reason (API).
func (s *Server) requireLogin(c fiber.Ctx) error {
	if viewerOf(c) != nil {
		return c.Next()
	}
	if isAPIPath(c.Path()) {
		// 401 whatever the reason (an inactive account included): the
		// request has no session; the reason is the message.
		reason := auth.ErrNotAuthenticated.Message
		if err, ok := c.Locals(authErrKey).(error); ok {
			if m := fault.MessageOf(err); m != "" {
				reason = m
			} else {
				reason = err.Error()
			}
		}
		return fault.Unauthenticated(reason)
	}
	return redirectToLogin(c)
}

// requireRank returns a handler that lets through viewers whose guild rank
// level is at least min: a visitor is handled as by requireLogin, a lower
// rank gets 403 (the 403 page, never a login loop).
func (s *Server) requireRank(min int) fiber.Handler {
	return func(c fiber.Ctx) error {
		v := viewerOf(c)
		if v == nil {
			return s.requireLogin(c)
		}
		if v.RankLevel < min {
			if isAPIPath(c.Path()) {
				return apiError(c, fiber.StatusForbidden, fmt.Sprintf("Requires rank level %d or higher.", min))
			}
			return fiber.NewError(fiber.StatusForbidden, "This page is for officers. If you think you should see it, ask an officer.")
		}
		return c.Next()
	}
}

// redirectToLogin sends a visitor to /login, coming back here afterwards.
// htmx requests get HX-Redirect so the whole page moves, not a fragment.
func redirectToLogin(c fiber.Ctx) error {
	next := c.OriginalURL()
	target := "/login?next=" + url.QueryEscape(next)
	if isHTMX(c) {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	return c.Redirect().Status(fiber.StatusFound).To(target)
}

// SafeNext returns next if it is a path on this site, else "/". Only a
// single leading slash is accepted: "//evil.example" and "/\evil" would
// leave the site.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
