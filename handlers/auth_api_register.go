package handlers

import (
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// apiRegister creates the account an invite code allows and returns its
// session token. The code is trimmed and upper-cased as on the form; the
// password policy (8–72 bytes) holds here too.
func (s *Server) apiRegister(c fiber.Ctx) error {
	var in apiCredentials
	if err := json.Unmarshal(c.Body(), &in); err != nil {
		return apiError(c, fiber.StatusBadRequest, msgMalformedJSON)
	}
	acc, err := auth.Register(s.db(c), in.Code, in.DiscordUsername, in.Password, s.Now())
	if err != nil {
		status, msg, ok := registerAPIError(err)
		if !ok {
			return err
		}
		return apiError(c, status, msg)
	}
	s.Log.Info("account registered", "player_id", acc.Player.ID, "user_id", acc.User.ID, "via", "api")
	tok, err := s.sessionToken(acc)
	if err != nil {
		return err
	}
	return apiOK(c, apiTokenData{Token: tok})
}

// registerAPIError maps a registration refusal to the API's status and
// wording (spec identity §3.8); ok is false for an unexpected error.
func registerAPIError(err error) (status int, msg string, ok bool) {
	switch {
	case errors.Is(err, auth.ErrInviteNotFound), errors.Is(err, auth.ErrInviteUsed), errors.Is(err, auth.ErrInviteExpired):
		return fiber.StatusBadRequest, "Invalid, expired, or already-used invite code.", true
	case errors.Is(err, auth.ErrInviteNoPlayer):
		return fiber.StatusBadRequest, "Invite code is not tied to a valid player.", true
	case errors.Is(err, auth.ErrPlayerRegistered):
		return fiber.StatusConflict, "This player is already registered.", true
	case errors.Is(err, auth.ErrUsernameTaken):
		return fiber.StatusConflict, auth.ErrUsernameTaken.Error(), true
	case errors.Is(err, auth.ErrUsernameRequired):
		return fiber.StatusBadRequest, "discord_username is required.", true
	case errors.Is(err, auth.ErrUsernameTooLong):
		return fiber.StatusBadRequest, err.Error(), true
	case errors.Is(err, auth.ErrPasswordTooShort), errors.Is(err, auth.ErrPasswordTooLong):
		return fiber.StatusUnprocessableEntity, err.Error(), true
	}
	return 0, "", false
}
