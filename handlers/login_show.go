package handlers

import (
	"github.com/gofiber/fiber/v3"
)

// LoginPage is the login form: what was typed, where to go afterwards, and
// why the last try failed.
type LoginPage struct {
	Username string
	Next     string
	Error    string
}

// loginShow renders the login form. A viewer who is already logged in goes
// straight on to next (checked, so the link cannot send them off-site).
func (s *Server) loginShow(c fiber.Ctx) error {
	next := SafeNext(c.Query("next"))
	if viewerOf(c) != nil {
		return c.Redirect().Status(fiber.StatusFound).To(next)
	}
	return s.renderLogin(c, fiber.StatusOK, LoginPage{Next: next})
}

func (s *Server) renderLogin(c fiber.Ctx, status int, p LoginPage) error {
	if p.Next == "/" {
		p.Next = "" // the default needs no hidden field
	}
	return s.render(c, status, "pages/auth/login", &Page{Title: "Login", Data: p})
}

// loginRefused is the rate limiter's answer on the login page.
func (s *Server) loginRefused(c fiber.Ctx, msg string) error {
	return s.renderLogin(c, fiber.StatusTooManyRequests, LoginPage{
		Username: c.FormValue("discord_username"),
		Next:     SafeNext(loginNext(c)),
		Error:    msg,
	})
}

// loginNext is where the login form wants to go afterwards: its hidden
// field, else the query string of the form's action.
func loginNext(c fiber.Ctx) string {
	if n := c.FormValue("next"); n != "" {
		return n
	}
	return c.Query("next")
}
