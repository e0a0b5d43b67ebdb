package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// logoutConfirm answers GET /logout with a one-button form: logging out
// changes state, so it happens only on POST, and a link or an image on
// another site cannot log anyone out.
func (s *Server) logoutConfirm(c fiber.Ctx) error {
	if viewerOf(c) == nil {
		return c.Redirect().Status(fiber.StatusFound).To("/")
	}
	return s.render(c, fiber.StatusOK, "pages/auth/logout", &Page{Title: "Log out"})
}

// logoutSubmit drops the session cookie and goes home. The CSRF check in
// front of every POST makes sure the viewer's own page asked.
func (s *Server) logoutSubmit(c fiber.Ctx) error {
	if v := viewerOf(c); v != nil {
		if err := auth.EndSession(s.db(c), v.UserID, v.SessionID, s.Now()); err != nil && !errors.Is(err, auth.ErrSessionNotFound) {
			return err
		}
	}
	s.endSession(c)
	if isHTMX(c) {
		c.Set("HX-Redirect", "/?flash=logged-out")
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect().Status(fiber.StatusFound).To("/?flash=logged-out")
}
