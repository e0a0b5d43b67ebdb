package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/identity"
)

// The Player Manager's page-JSON endpoints (spec identity §6.3), kept for
// scripts and tools that speak the original's API. The page itself uses the
// htmx routes; both call the same identity rules. Errors use decision 1's
// statuses (404 missing, 409 conflict, 422 validation, 400 bad JSON).

// GET /admin/players-data — the three columns as JSON.
func (s *Server) adminPlayersData(c fiber.Ctx) error {
	board, err := identity.LoadBoard(s.db(c), s.Now())
	if err != nil {
		return err
	}
	users := make([]fiber.Map, len(board.DiscordUsers))
	for i, u := range board.DiscordUsers {
		var rank any
		if u.RankName != "" {
			rank = u.RankName
		}
		users[i] = fiber.Map{"id": u.DiscordID, "username": u.Username, "display_name": u.DisplayName,
			"linked": u.Linked(), "rank_name": rank, "rank_level": u.RankLevel}
	}
	players := make([]fiber.Map, len(board.Players))
	for i, p := range board.Players {
		rankName := p.RankName
		if rankName == "" {
			rankName = "Unknown"
		}
		var discordID, discordUser any
		if p.DiscordID != "" {
			discordID, discordUser = p.DiscordID, p.DiscordUsername
		}
		players[i] = fiber.Map{"id": p.ID, "display_name": p.DisplayName, "discord_id": discordID,
			"discord_username": discordUser, "rank_name": rankName, "rank_level": p.RankLevel,
			"registered": p.Registered, "is_active": p.IsActive,
			"main_character_id": nilIfZero(p.MainCharacterID), "offspec_character_id": nilIfZero(p.OffspecCharacterID)}
	}
	chars := make([]fiber.Map, len(board.Characters))
	for i, ch := range board.Characters {
		chars[i] = fiber.Map{"id": ch.ID, "name": ch.Name, "realm": ch.Realm, "class": ch.ClassName,
			"spec": ch.SpecName, "role": ch.RoleName, "main_alt": ch.MainAlt, "player_id": nilIfZero(ch.PlayerID),
			"guild_note": ch.GuildNote, "officer_note": ch.OfficerNote, "guild_rank_name": ch.RankName, "in_wow_scan": true}
	}
	return apiOK(c, fiber.Map{"discord_users": users, "players": players, "characters": chars})
}

// POST /admin/players/create {display_name}
func (s *Server) adminPlayersJSONCreate(c fiber.Ctx) error {
	body, err := readPatch(c)
	if err != nil {
		return asJSON(c, err)
	}
	name, err := body.str("display_name")
	if err != nil {
		return asJSON(c, err)
	}
	p, err := identity.CreatePlayer(s.db(c), actorOf(c), identity.NewPlayer{DisplayName: name.Value, Source: identity.RankSourceManual})
	if err != nil {
		return asJSON(c, err)
	}
	card, err := identity.BoardPlayerCard(s.db(c), p.ID, s.Now())
	if err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"id": p.ID, "display_name": p.DisplayName, "discord_id": nil,
		"rank_name": card.RankName, "rank_level": card.RankLevel, "registered": false})
}

// PATCH /admin/players/:id/link-discord {discord_id: snowflake|null}
func (s *Server) adminPlayersJSONLinkDiscord(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return asJSON(c, err)
	}
	snowflake, err := body.nullableStr("discord_id")
	if err != nil {
		return asJSON(c, err)
	}
	value := ""
	if snowflake.Value != nil {
		value = *snowflake.Value
	}
	if _, _, err := identity.LinkDiscord(s.db(c), actorOf(c), id, value); err != nil {
		return asJSON(c, err)
	}
	var out any
	if value != "" {
		out = value
	}
	return apiOK(c, fiber.Map{"player_id": id, "discord_id": out})
}

// PATCH /admin/players/:id/display-name {display_name}
func (s *Server) adminPlayersJSONRename(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return asJSON(c, err)
	}
	name, err := body.str("display_name")
	if err != nil {
		return asJSON(c, err)
	}
	p, err := identity.RenamePlayer(s.db(c), actorOf(c), id, name.Value)
	if err != nil {
		return asJSON(c, err)
	}
	return apiOK(c, fiber.Map{"player_id": p.ID, "display_name": p.DisplayName})
}

// DELETE /admin/players/:id — 409 naming the dependents when there are any.
func (s *Server) adminPlayersJSONDelete(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := identity.DeletePlayer(s.db(c), actorOf(c), id)
	if err != nil {
		return asJSON(c, err)
	}
	return apiOK(c, fiber.Map{"deleted": true, "name": p.DisplayName})
}

// POST /admin/players/:id/send-invite — nested under data, unlike the
// original's top-level fields.
func (s *Server) adminPlayersJSONInvite(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, p, err := identity.IssueInvite(s.db(c), id, viewerPlayerID(c), s.Now())
	if err != nil {
		return asJSON(c, err)
	}
	return apiOK(c, fiber.Map{"code": inv.Code, "url": s.inviteURL(inv.Code), "dm_sent": false, "has_discord": p.DiscordUserID != nil,
		"dm_status": s.queueInviteDM(c, inv, p)})
}

// PATCH /admin/characters/:id/assign {player_id} (legacy key member_id;
// null or 0 unlinks)
func (s *Server) adminCharactersJSONAssign(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return asJSON(c, err)
	}
	key := "player_id"
	if !body.has(key) {
		key = "member_id"
	}
	target, err := body.nullableInt(key)
	if err != nil {
		return asJSON(c, err)
	}
	ch, p, err := identity.AssignCharacter(s.db(c), actorOf(c), id, target.Value)
	if err != nil {
		return asJSON(c, err)
	}
	if p == nil {
		return apiOK(c, fiber.Map{"char_id": id, "char_name": ch.Name, "player_id": nil, "player_name": "Unlinked"})
	}
	return apiOK(c, fiber.Map{"char_id": id, "char_name": ch.Name, "player_id": p.ID, "player_name": p.DisplayName})
}

// PATCH /admin/characters/:id/main-alt {main_alt: main|offspec|alt}
func (s *Server) adminCharactersJSONMainAlt(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return asJSON(c, err)
	}
	role, err := body.str("main_alt")
	if err != nil {
		return asJSON(c, err)
	}
	if _, err := identity.SetCharacterRole(s.db(c), actorOf(c), id, role.Value); err != nil {
		return asJSON(c, err)
	}
	return apiOK(c, fiber.Map{"char_id": id, "main_alt": role.Value})
}

// DELETE /admin/characters/:id — hard delete, pointers cleared.
func (s *Server) adminCharactersJSONDelete(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ch, _, err := identity.DeleteCharacter(s.db(c), actorOf(c), id)
	if err != nil {
		return asJSON(c, err)
	}
	return apiOK(c, fiber.Map{"deleted": true, "char_name": ch.Name})
}
