package handlers

import "github.com/gofiber/fiber/v3"

// registerRosterRoutes adds the public roster and its legacy addresses.
func (s *Server) registerRosterRoutes(app *fiber.App) {
	s.ensurePageCache()
	app.Get("/roster", s.rosterShow)
	for _, old := range []string{"/roster.html", "/roster-view.html"} {
		app.Get(old, func(c fiber.Ctx) error {
			return c.Redirect().Status(fiber.StatusMovedPermanently).To("/roster")
		})
	}
}

// ensurePageCache creates the page cache once, whichever public area
// registers first (routes are registered before the app serves).
func (s *Server) ensurePageCache() {
	if s.pages == nil {
		s.pages = newPageCache(s.DB, s.Now)
	}
}
