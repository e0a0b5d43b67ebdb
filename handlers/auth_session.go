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
	tok, err := s.sessionToken(acc)
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

// sessionToken signs the account's session token.
func (s *Server) sessionToken(acc *auth.Account) (string, error) {
	return auth.IssueToken(s.Config.JWTSecret, acc.Claims(), s.Now(), s.Config.SessionTTL)
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
