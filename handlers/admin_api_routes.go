package handlers

import "github.com/gofiber/fiber/v3"

// registerAdminIdentityAPI adds the officers' JSON API for ranks, roles,
// classes, specs, seasons and members (spec identity §6.2), plus the
// Player Manager's player list at /api/identity/players. All Officer+.
func (s *Server) registerAdminIdentityAPI(app *fiber.App) {
	officer := s.requireRank(OfficerLevel)
	api := app.Group("/api/v1/admin", officer)

	api.Get("/ranks", s.adminAPIRanksList)
	api.Post("/ranks", s.adminAPIRankCreate)
	api.Patch("/ranks/:id", s.adminAPIRankUpdate)
	api.Delete("/ranks/:id", s.adminAPIRankDelete)

	api.Get("/roles", s.adminAPIRolesList)
	api.Patch("/roles/:id", s.adminAPIRoleUpdate)
	api.Get("/classes", s.adminAPIClassesList)
	api.Get("/specializations", s.adminAPISpecializationsList)

	api.Get("/seasons", s.adminAPISeasonsList)
	api.Post("/seasons", s.adminAPISeasonCreate)
	api.Patch("/seasons/:id", s.adminAPISeasonUpdate)

	api.Get("/members", s.adminAPIMembersList)
	api.Post("/members", s.adminAPIMemberCreate)
	api.Get("/members/:id", s.adminAPIMemberShow)
	api.Patch("/members/:id", s.adminAPIMemberUpdate)
	api.Post("/members/:id/send-invite", s.adminAPIMemberSendInvite)

	app.Get("/api/identity/players", officer, s.identityAPIPlayers)
}
