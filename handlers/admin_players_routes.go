package handlers

import "github.com/gofiber/fiber/v3"

func init() {
	for k, v := range map[string]string{
		"pm-saved":             "Saved.",
		"pm-player-created":    "Player created.",
		"pm-player-deleted":    "Player deleted; their characters are unlinked.",
		"pm-character-linked":  "Character linked.",
		"pm-character-deleted": "Character deleted.",
		"pm-invite-created":    "Invite code created.",
		"pm-invite-revoked":    "Invite code revoked.",
		"ref-saved":            "Saved!",
		"ref-season-created":   "Season created.",
	} {
		flashMessages[k] = v
	}
}

// registerIdentityAdminRoutes adds the officers' identity tools: the Player
// Manager, the Reference Tables page, the legacy roster redirect and the
// JSON admin API. Every route here is Officer+.
func (s *Server) registerIdentityAdminRoutes(app *fiber.App) {
	officer := s.requireRank(OfficerLevel)

	// The admin home is Campaigns (spec voting §8.5).
	app.Get("/admin", officer, func(c fiber.Ctx) error {
		return c.Redirect().Status(fiber.StatusFound).To("/admin/campaigns")
	})
	app.Get("/admin/roster", officer, func(c fiber.Ctx) error {
		return c.Redirect().Status(fiber.StatusFound).To("/admin/players")
	})

	pm := app.Group("/admin/players", officer)
	pm.Get("/", s.adminPlayersShow)
	pm.Get("/columns/:column", s.adminPlayersColumn)
	pm.Get("/board", s.adminPlayersBoard)
	pm.Get("/counts", s.adminPlayersCounts)
	pm.Post("/", s.adminPlayerCreate)
	pm.Get("/:id/card", s.adminPlayerCard)
	pm.Get("/:id/rename", s.adminPlayerRenameForm)
	pm.Post("/:id/rename", s.adminPlayerRename)
	pm.Post("/:id/active", s.adminPlayerSetActive)
	pm.Post("/:id/rank", s.adminPlayerSetRank)
	pm.Post("/:id/discord", s.adminPlayerLinkDiscord)
	pm.Post("/:id/characters", s.adminPlayerLinkCharacter)
	pm.Post("/:id/invite", s.adminPlayerInvite)
	pm.Post("/:id/invite/revoke", s.adminPlayerInviteRevoke)
	pm.Post("/:id/delete", s.adminPlayerDelete)

	chars := app.Group("/admin/characters", officer)
	chars.Post("/:id/role", s.adminCharacterSetRole)
	chars.Post("/:id/unlink", s.adminCharacterUnlink)
	chars.Post("/:id/delete", s.adminCharacterDelete)
	s.registerPlayerManagerJSON(app, officer)

	s.registerAdminReferenceRoutes(app)
	s.registerAdminIdentityAPI(app)
}
