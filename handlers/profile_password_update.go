package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
	"patt/fault"
	"patt/identity"
	"patt/models"
)

// profilePasswordUpdate changes the viewer's password. Every other session
// of the account ends (the token version moves on); this browser gets a
// fresh cookie so it stays logged in.
func (s *Server) profilePasswordUpdate(c fiber.Ctx) error {
	v := viewerOf(c)
	current, next, confirm := c.FormValue("current_password"), c.FormValue("new_password"), c.FormValue("confirm_password")
	errs := identity.ProfileFieldErrors{}
	if next != confirm {
		errs["confirm_password"] = "New passwords do not match"
	} else if err := auth.CheckPasswordPolicy(next); err != nil {
		errs["new_password"] = fault.MessageOf(err)
	}
	if len(errs) == 0 {
		user, err := auth.ChangePassword(s.db(c), v.UserID, current, next, s.Now())
		switch {
		case errors.Is(err, auth.ErrCurrentPasswordWrong):
			errs["current_password"] = "Current password is incorrect"
		case errors.Is(err, auth.ErrAccountNotFound):
			errs["current_password"] = "Account not found"
		case errors.Is(err, auth.ErrAccountInactive):
			return reword(err, loginFormWords)
		case err != nil:
			return err
		default:
			acc := &auth.Account{User: *user}
			acc.Player.ID = v.PlayerID
			acc.Player.Rank = &models.GuildRank{Level: v.RankLevel}
			if err := s.startSession(c, acc); err != nil {
				return err
			}
			s.Log.Info("password changed; other sessions revoked", "user_id", v.UserID)
			return s.profileSaved(c, "partials/profile/password_form", "password-changed", func(p *ProfilePage) {
				p.Password.Saved = flashMessages["password-changed"]
			})
		}
	}
	page, err := s.profilePage(s.db(c), v.PlayerID)
	if err != nil {
		return err
	}
	page.Password.Errors = errs
	return s.profileFormError(c, "partials/profile/password_form", page)
}

// passwordRefused is the rate limiter's answer to the password form.
func (s *Server) passwordRefused(c fiber.Ctx, msg string) error {
	page, err := s.profilePage(s.db(c), viewerOf(c).PlayerID)
	if err != nil {
		return err
	}
	page.Password.Errors = identity.ProfileFieldErrors{"current_password": msg}
	if isHTMX(c) {
		// 429 is not swapped by htmx; the toast shows the message.
		return fiber.NewError(fiber.StatusTooManyRequests, msg)
	}
	return s.renderProfile(c, fiber.StatusTooManyRequests, page)
}
