package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/battlenet"
	"patt/fault"
	"patt/onboarding"
)

// "Link Battle.net" on /profile (issue 13): the member signs in with
// Battle.net and the account's guild characters become theirs, proven
// (onboarding.ClaimBattleNet). The state parameter lives in a short-lived
// cookie bound to this browser, so a callback nobody started here is
// refused.

const bnetStateCookie = "patt_bnet_state"

func (s *Server) battleNet() battlenet.Config {
	return battlenet.Config{ClientID: s.Config.BlizzardClientID, ClientSecret: s.Config.BlizzardClientSecret,
		AuthorizeURL: s.Config.BattleNetAuthorizeURL, TokenURL: s.Config.BlizzardOAuthURL, APIURL: s.Config.BlizzardAPIURL,
		Region: s.Config.Guild.Region}
}

func (s *Server) battleNetRedirect() string { return s.Config.BaseURL + "/profile/battlenet/callback" }

// GET /profile/battlenet: off to Battle.net.
func (s *Server) profileBattleNetStart(c fiber.Ctx) error {
	cfg := s.battleNet()
	if !cfg.Configured() {
		return fault.Conflict("Battle.net sign-in is not set up on this server (BLIZZARD_CLIENT_ID and BLIZZARD_CLIENT_SECRET); an officer can confirm your characters instead.")
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	state := hex.EncodeToString(b)
	c.Cookie(&fiber.Cookie{Name: bnetStateCookie, Value: state, Path: "/profile/battlenet", HTTPOnly: true,
		Secure: s.Config.Production(), SameSite: "Lax", Expires: s.Now().Add(10 * time.Minute)})
	return c.Redirect().Status(fiber.StatusFound).To(cfg.AuthCodeURL(s.battleNetRedirect(), state))
}

// GET /profile/battlenet/callback?code=…&state=…
func (s *Server) profileBattleNetCallback(c fiber.Ctx) error {
	want := c.Cookies(bnetStateCookie)
	got := c.Query("state")
	c.ClearCookie(bnetStateCookie)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return fault.Malformed("This Battle.net sign-in was not started here or took too long; start it again from your profile.")
	}
	if c.Query("error") != "" || c.Query("code") == "" {
		return c.Redirect().Status(fiber.StatusFound).To("/profile?flash=err-battlenet")
	}
	chars, err := s.battleNet().Characters(c.Context(), s.battleNetRedirect(), c.Query("code"))
	if errors.Is(err, battlenet.ErrRefused) {
		return c.Redirect().Status(fiber.StatusFound).To("/profile?flash=err-battlenet")
	}
	if err != nil {
		return fault.Wrap(fault.KindUnavailable, "Battle.net did not answer; please try again in a minute.", err)
	}
	res, err := onboarding.ClaimBattleNet(c.Context(), s.db(c), s.Now(), viewerOf(c).PlayerID, chars)
	if err != nil {
		return err
	}
	s.Log.Info("battle.net claim", "player_id", viewerOf(c).PlayerID, "claimed", len(res.Claimed), "confirmed", len(res.Confirmed), "conflicts", len(res.Conflicts))
	if len(res.Conflicts) > 0 {
		return c.Redirect().Status(fiber.StatusFound).To("/profile?flash=err-battlenet-conflict")
	}
	return c.Redirect().Status(fiber.StatusFound).To("/profile?flash=battlenet-linked")
}
