package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/identity"
)

// GET /api/identity/players — every player with rank, Discord link,
// registration, invite state and characters (the Player Manager's data).
func (s *Server) identityAPIPlayers(c fiber.Ctx) error {
	players, err := identity.BoardPlayers(s.db(c), s.Now())
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(players))
	for i, p := range players {
		chars := make([]fiber.Map, len(p.Characters))
		for j, ch := range p.Characters {
			chars[j] = fiber.Map{
				"id": ch.ID, "name": ch.Name, "realm": ch.Realm, "class": ch.ClassName, "spec": ch.SpecName,
				"role": ch.RoleName, "main_alt": ch.MainAlt, "guild_rank_name": ch.RankName,
			}
		}
		var discordID, discordUsername, rankID any
		if p.DiscordID != "" {
			discordID, discordUsername = p.DiscordID, p.DiscordUsername
		}
		if p.RankID != 0 {
			rankID = p.RankID
		}
		rankName := p.RankName
		if rankName == "" {
			rankName = "Unknown"
		}
		var invite any
		if p.Invite != nil {
			invite = fiber.Map{"code": p.Invite.Code, "state": p.Invite.State, "expires_at": p.Invite.ExpiresAt}
		}
		out[i] = fiber.Map{
			"id": p.ID, "display_name": p.DisplayName, "is_active": p.IsActive,
			"rank_id": rankID, "rank_name": rankName, "rank_level": p.RankLevel, "rank_source": p.RankSource,
			"discord_id": discordID, "discord_username": discordUsername, "registered": p.Registered,
			"main_character_id": nilIfZero(p.MainCharacterID), "offspec_character_id": nilIfZero(p.OffspecCharacterID),
			"invite": invite, "characters": chars,
		}
	}
	return apiOK(c, out)
}

func nilIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
