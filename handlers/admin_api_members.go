package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
	"patt/models"
)

// GET /api/v1/admin/members — every player by display name.
func (s *Server) adminAPIMembersList(c fiber.Ctx) error {
	players, err := identity.Players(s.db(c))
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(players))
	for i, p := range players {
		out[i] = fiber.Map{"id": p.ID, "display_name": p.DisplayName, "guild_rank_id": p.GuildRankID, "is_active": p.IsActive}
	}
	return apiOK(c, out)
}

// POST /api/v1/admin/members {display_name, guild_rank_id?} — without a rank
// the player starts as an Initiate.
func (s *Server) adminAPIMemberCreate(c fiber.Ctx) error {
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	name, err1 := body.str("display_name")
	rank, err2 := body.nullableInt("guild_rank_id")
	if err := firstErr(err1, err2); err != nil {
		return err
	}
	p, err := identity.CreatePlayer(s.db(c), actorOf(c), identity.NewPlayer{
		DisplayName: name.Value, RankID: rank.Value, Source: identity.RankSourceOverride,
	})
	if err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"id": p.ID, "display_name": p.DisplayName, "guild_rank_id": p.GuildRankID})
}

// GET /api/v1/admin/members/:id — with characters; 404 when missing.
func (s *Server) adminAPIMemberShow(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := identity.PlayerByID(s.db(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, memberJSON(&p))
}

func memberJSON(p *models.Player) fiber.Map {
	chars := []fiber.Map{}
	for _, ch := range p.OwnedCharacters() {
		var removed any
		if ch.RemovedAt != nil {
			removed = ch.RemovedAt.UTC().Format(time.RFC3339)
		}
		chars = append(chars, fiber.Map{
			"id": ch.ID, "name": ch.Name, "realm": ch.RealmSlug, "removed_at": removed,
			"role_type": identity.CharacterRole(p, ch.ID),
		})
	}
	return fiber.Map{
		"id": p.ID, "display_name": p.DisplayName, "guild_rank_id": p.GuildRankID,
		"guild_rank_source": p.GuildRankSource, "is_active": p.IsActive,
		"registered": p.WebsiteUserID != nil, "main_character_id": p.MainCharacterID,
		"offspec_character_id": p.OffspecCharacterID, "roster_eligible": identity.RosterEligible(p),
		"characters": chars,
	}
}

// PATCH /api/v1/admin/members/:id {display_name?, guild_rank_id?,
// guild_rank_source?, is_active?, notes?}
func (s *Server) adminAPIMemberUpdate(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	var p identity.PlayerPatch
	var errs [5]error
	p.DisplayName, errs[0] = body.str("display_name")
	p.GuildRankID, errs[1] = body.nullableInt("guild_rank_id")
	p.GuildRankSource, errs[2] = body.nullableStr("guild_rank_source")
	p.IsActive, errs[3] = body.boolean("is_active")
	p.Notes, errs[4] = body.nullableStr("notes")
	if err := firstErr(errs[:]...); err != nil {
		return err
	}
	if _, err := identity.UpdatePlayer(s.db(c), actorOf(c), id, p); err != nil {
		return err
	}
	pl, err := identity.PlayerByID(s.db(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, memberJSON(&pl))
}

// POST /api/v1/admin/members/:id/send-invite — issues a fresh invite code
// (superseding older unused ones) and returns it with its registration
// link. With a Discord account, the registration-code DM goes to the bot's
// outbox (dm_status "pending", or "held" while Invite DMs are off); dm_sent
// stays false until the bot has sent it.
func (s *Server) adminAPIMemberSendInvite(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, p, err := identity.IssueInvite(s.db(c), id, viewerPlayerID(c), s.Now())
	if err != nil {
		return err
	}
	var discordID any
	if p.DiscordUser != nil {
		discordID = p.DiscordUser.DiscordID
	}
	return apiOK(c, fiber.Map{
		"code": inv.Code, "url": s.inviteURL(inv.Code), "expires_at": inv.ExpiresAt.UTC().Format(time.RFC3339),
		"discord_id": discordID, "dm_sent": false, "dm_status": s.queueInviteDM(c, inv, p),
	})
}

// inviteURL is the registration link with the code filled in.
func (s *Server) inviteURL(code string) string {
	return s.Config.BaseURL + "/register?code=" + code
}

// viewerPlayerID is the signed-in officer's player id, recorded as who
// issued an invite (nil without a viewer).
func viewerPlayerID(c fiber.Ctx) *int {
	if v := viewerOf(c); v != nil {
		return &v.PlayerID
	}
	return nil
}
