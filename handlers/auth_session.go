package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// startSession signs a token for the account and gives it to the browser
// as the session cookie. Cookie and token live exactly as long as each
// other (cfg.SessionTTL), so a session never ends silently before its
// cookie does.
func (s *Server) startSession(c fiber.Ctx, acc *auth.Account) error {
	tok, err := s.sessionToken(c, acc)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    tok,
		Path:     "/",
		MaxAge:   int(s.Config.SessionTTL / time.Second),
		Expires:  s.Now().Add(s.Config.SessionTTL),
		HTTPOnly: true,
		Secure:   s.Config.Production(),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	return nil
}

// sessionToken records a server-side session for the account (with the
// device it was started from) and signs a token naming it.
func (s *Server) sessionToken(c fiber.Ctx, acc *auth.Account) (string, error) {
	sid, err := auth.StartSession(s.db(c), acc.User.ID, s.device(c), s.Now(), s.Config.SessionTTL)
	if err != nil {
		return "", err
	}
	claims := acc.Claims()
	claims.SessionID = sid
	return auth.IssueToken(s.Config.JWTSecret, claims, s.Now(), s.Config.SessionTTL)
}

// device describes the client for the player's list of sessions.
func (s *Server) device(c fiber.Ctx) auth.Device {
	return auth.Device{UserAgent: c.Get(fiber.HeaderUserAgent), IP: s.clientIP(c)}
}

// endSession removes the session cookie from the browser.
func (s *Server) endSession(c fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		HTTPOnly: true,
		Secure:   s.Config.Production(),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}
