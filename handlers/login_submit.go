package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/auth"
	"patt/fault"
)

// loginSubmit checks the form's username and password, starts the session
// and continues to the (checked) next page. Failures re-render the form
// with 400 and the typed username.
func (s *Server) loginSubmit(c fiber.Ctx) error {
	form := LoginPage{Username: c.FormValue("discord_username"), Next: SafeNext(loginNext(c))}
	acc, err := auth.Login(s.db(c), form.Username, c.FormValue("password"))
	loginOutcome(c, err)
	if err != nil {
		if !isRefusal(err) {
			return err
		}
		form.Error = fault.MessageOf(reword(err, loginFormWords))
		return s.renderLogin(c, fiber.StatusBadRequest, form)
	}
	if err := s.startSession(c, acc); err != nil {
		return err
	}
	return c.Redirect().Status(fiber.StatusFound).To(form.Next)
}

// loginFormWords: the form tells an inactive member whom to ask (spec
// identity §3.9).
var loginFormWords = []wording{
	{auth.ErrAccountInactive, "Account is inactive. Contact an officer."},
}
