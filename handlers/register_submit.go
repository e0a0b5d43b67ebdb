package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
	"patt/fault"
)

// msgInviteUnusable is the form's one answer for a code that does not
// exist, was used or has expired: telling them apart would let a visitor
// probe which codes exist (spec identity §11.6). It keeps the original's
// "Invalid invite code" phrase.
const msgInviteUnusable = "Invalid invite code: it may be mistyped, already used or expired. Ask an officer for a new one."

// registerSubmit creates the account an invite code allows, starts its
// session and goes home. Errors re-render the form with 400, keeping the
// code and username.
func (s *Server) registerSubmit(c fiber.Ctx) error {
	if viewerOf(c) != nil {
		// Already logged in: nothing to register (as GET /register).
		return c.Redirect().Status(fiber.StatusFound).To("/")
	}
	form := RegisterPage{
		Code:     auth.NormalizeInviteCode(c.FormValue("code")),
		Username: c.FormValue("discord_username"),
	}
	password := c.FormValue("password")
	if password != c.FormValue("password2") {
		form.Error = "Passwords do not match."
		return s.renderRegister(c, fiber.StatusBadRequest, form)
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		form.Error = fault.MessageOf(err)
		return s.renderRegister(c, fiber.StatusBadRequest, form)
	}
	acc, err := auth.Register(s.db(c), form.Code, form.Username, password, s.Now())
	if err != nil {
		msg, ok := registerFormMessage(err)
		if !ok {
			return err
		}
		form.Error = msg
		return s.renderRegister(c, fiber.StatusBadRequest, form)
	}
	s.Log.Info("account registered", "player_id", acc.Player.ID, "user_id", acc.User.ID)
	if err := s.startSession(c, acc); err != nil {
		return err
	}
	return c.Redirect().Status(fiber.StatusFound).To("/")
}

// registerFormMessage words a registration refusal for the form: one
// message for every unusable code, so a visitor cannot probe which codes
// exist; ok is false for an unexpected error.
func registerFormMessage(err error) (msg string, ok bool) {
	switch {
	case !isRefusal(err):
		return "", false
	case errors.Is(err, auth.ErrInviteNotFound), errors.Is(err, auth.ErrInviteUsed), errors.Is(err, auth.ErrInviteExpired):
		return msgInviteUnusable, true
	}
	return fault.MessageOf(err), true
}
