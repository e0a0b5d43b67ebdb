package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// apiRegister creates the account an invite code allows and returns its
// session token. The code is trimmed and upper-cased as on the form; the
// password policy (8–72 bytes) holds here too.
func (s *Server) apiRegister(c fiber.Ctx) error {
	in, err := credentialsOf(c)
	if err != nil {
		return apiError(c, fiber.StatusBadRequest, msgMalformedJSON)
	}
	acc, err := auth.Register(s.db(c), in.Code, in.DiscordUsername, in.Password, s.Now())
	if err != nil {
		return reword(err, registerAPIWords)
	}
	s.Log.Info("account registered", "player_id", acc.Player.ID, "user_id", acc.User.ID, "via", "api")
	tok, err := s.sessionToken(c, acc)
	if err != nil {
		return err
	}
	return apiOK(c, apiTokenData{Token: tok})
}

// registerAPIWords is how the API words registration refusals that the
// form words differently (spec identity §3.8); the kind, and so the status,
// is the domain's.
var registerAPIWords = []wording{
	{auth.ErrInviteNotFound, "Invalid, expired, or already-used invite code."},
	{auth.ErrInviteUsed, "Invalid, expired, or already-used invite code."},
	{auth.ErrInviteExpired, "Invalid, expired, or already-used invite code."},
	{auth.ErrInviteNoPlayer, "Invite code is not tied to a valid player."},
	{auth.ErrPlayerRegistered, "This player is already registered."},
	{auth.ErrUsernameRequired, "discord_username is required."},
}
