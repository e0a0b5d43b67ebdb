package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// RegisterPage is the registration form: the invite code (prefilled from the
// invite link), the username typed, and why the last try failed.
type RegisterPage struct {
	Code     string
	Username string
	Error    string
}

// registerShow renders the registration form, filled in from ?code= as the
// invite DM links to it. Someone already logged in has nothing to register.
func (s *Server) registerShow(c fiber.Ctx) error {
	if viewerOf(c) != nil {
		return c.Redirect().Status(fiber.StatusFound).To("/")
	}
	return s.renderRegister(c, fiber.StatusOK, RegisterPage{Code: auth.NormalizeInviteCode(c.Query("code"))})
}

func (s *Server) renderRegister(c fiber.Ctx, status int, p RegisterPage) error {
	return s.render(c, status, "pages/auth/register", &Page{Title: "Register", Data: p})
}

// registerRefused is the rate limiter's answer on the register page.
func (s *Server) registerRefused(c fiber.Ctx, msg string) error {
	return s.renderRegister(c, fiber.StatusTooManyRequests, RegisterPage{
		Code:     auth.NormalizeInviteCode(c.FormValue("code")),
		Username: c.FormValue("discord_username"),
		Error:    msg,
	})
}
