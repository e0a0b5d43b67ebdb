package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// loginSubmit checks the form's username and password, starts the session
// and continues to the (checked) next page. Failures re-render the form
// with 400 and the typed username.
func (s *Server) loginSubmit(c fiber.Ctx) error {
	form := LoginPage{Username: c.FormValue("discord_username"), Next: SafeNext(loginNext(c))}
	acc, err := auth.Login(s.db(c), form.Username, c.FormValue("password"))
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		form.Error = "Invalid username or password."
	case errors.Is(err, auth.ErrAccountInactive):
		form.Error = "Account is inactive. Contact an officer."
	case errors.Is(err, auth.ErrNoPlayerLinked):
		form.Error = "No player account linked to this login."
	case err != nil:
		return err
	}
	if form.Error != "" {
		return s.renderLogin(c, fiber.StatusBadRequest, form)
	}
	if err := s.startSession(c, acc); err != nil {
		return err
	}
	return c.Redirect().Status(fiber.StatusFound).To(form.Next)
}
