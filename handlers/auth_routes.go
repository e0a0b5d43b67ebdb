package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// Rate limits (spec identity §3.11, §11.5): login as the original (10 per
// minute per IP) and per username; registration and password change more
// tightly, since nobody needs many tries at either.
const (
	loginLimit          = 10
	loginWindow         = time.Minute
	registerLimit       = 10
	registerWindow      = 10 * time.Minute
	passwordLimit       = 10
	passwordWindow      = 15 * time.Minute
	msgTooManyLogins    = "Too many login attempts. Try again in a minute."
	msgTooManyRegisters = "Too many registration attempts. Try again in a few minutes."
	msgTooManyPasswords = "Too many password change attempts. Try again later."
)

// registerAuthRoutes adds accounts: login, registration, logout, the JSON
// auth API and the player's own /profile. The limiters live here, one set
// per app, so tests with their own app never share counts.
func (s *Server) registerAuthRoutes(app *fiber.App) {
	logins := newRateLimiter(loginLimit, loginWindow, s.Now)
	registers := newRateLimiter(registerLimit, registerWindow, s.Now)
	passwords := newRateLimiter(passwordLimit, passwordWindow, s.Now)

	loginLimited := rateLimit(logins, msgTooManyLogins, byIPAndField("login", "discord_username"), s.loginRefused)
	registerLimited := rateLimit(registers, msgTooManyRegisters, byIPAndField("register", "discord_username"), s.registerRefused)
	passwordLimited := rateLimit(passwords, msgTooManyPasswords, byViewer("password"), s.passwordRefused)

	app.Get("/login", s.loginShow)
	app.Post("/login", loginLimited, s.loginSubmit)
	app.Get("/register", s.registerShow)
	app.Post("/register", registerLimited, s.registerSubmit)
	app.Get("/logout", s.logoutConfirm)
	app.Post("/logout", s.logoutSubmit)

	api := app.Group("/api/v1/auth")
	api.Post("/login", loginLimited, s.apiLogin)
	api.Post("/register", registerLimited, s.apiRegister)
	api.Get("/me", s.requireLogin, s.apiMe)

	profile := app.Group("/profile", s.requireLogin)
	profile.Get("/", s.profileShow)
	profile.Post("/info", s.profileInfoUpdate)
	profile.Post("/characters", s.profileCharactersUpdate)
	profile.Post("/password", passwordLimited, s.profilePasswordUpdate)
}

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
