package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// msgMalformedJSON answers a body that is not the JSON object expected.
const msgMalformedJSON = "Malformed JSON body."

type apiCredentials struct {
	Code            string `json:"code"`
	DiscordUsername string `json:"discord_username"`
	Password        string `json:"password"`
}

type apiTokenData struct {
	Token string `json:"token"`
}

// apiLogin exchanges a username and password for a session token. The
// token is returned in the body only; API clients send it as a Bearer
// header. Inactive accounts are told so only after a correct password.
func (s *Server) apiLogin(c fiber.Ctx) error {
	in, err := credentialsOf(c)
	if err != nil {
		return apiError(c, fiber.StatusBadRequest, msgMalformedJSON)
	}
	acc, err := auth.Login(s.db(c), in.DiscordUsername, in.Password)
	loginOutcome(c, err)
	if err != nil {
		return reword(err, loginAPIWords)
	}
	tok, err := s.sessionToken(c, acc)
	if err != nil {
		return err
	}
	return apiOK(c, apiTokenData{Token: tok})
}

// loginAPIWords: the API's words for login refusals (spec identity §3.9).
var loginAPIWords = []wording{
	{auth.ErrInvalidCredentials, "Invalid credentials."},
	{auth.ErrNoPlayerLinked, "No player account linked."},
}
