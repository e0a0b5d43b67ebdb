package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/identity"
	"patt/models"
)

// rankJSON is a guild rank as the API shows it.
type rankJSON struct {
	ID               int     `json:"id"`
	Name             string  `json:"name"`
	Level            int     `json:"level"`
	DiscordRoleID    *string `json:"discord_role_id"`
	Description      *string `json:"description"`
	SchedulingWeight int     `json:"scheduling_weight"`
	WowRankIndex     *int    `json:"wow_rank_index"`
}

func toRankJSON(r models.GuildRank) rankJSON {
	return rankJSON{r.ID, r.Name, r.Level, r.DiscordRoleID, r.Description, r.SchedulingWeight, r.WowRankIndex}
}

// GET /api/v1/admin/ranks — by level.
func (s *Server) adminAPIRanksList(c fiber.Ctx) error {
	ranks, err := identity.Ranks(s.db(c))
	if err != nil {
		return err
	}
	out := make([]rankJSON, len(ranks))
	for i, r := range ranks {
		out[i] = toRankJSON(r)
	}
	return apiOK(c, out)
}

// POST /api/v1/admin/ranks {name, level, description?, discord_role_id?,
// scheduling_weight=0, wow_rank_index?}
func (s *Server) adminAPIRankCreate(c fiber.Ctx) error {
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	p, err := rankPatchFrom(body)
	if err != nil {
		return err
	}
	if !p.Name.Set || !p.Level.Set {
		return apiError(c, fiber.StatusUnprocessableEntity, "name and level are required")
	}
	r, err := identity.CreateRank(s.db(c), actorOf(c), identity.RankInput{
		Name: p.Name.Value, Level: p.Level.Value, Description: p.Description.Value,
		DiscordRoleID: p.DiscordRoleID.Value, SchedulingWeight: p.SchedulingWeight.Value,
		WowRankIndex: p.WowRankIndex.Value,
	})
	if err != nil {
		return err
	}
	return apiOK(c, toRankJSON(r))
}

// PATCH /api/v1/admin/ranks/:id — any of name, level, description,
// discord_role_id, scheduling_weight, wow_rank_index; null clears the
// nullable ones, absent fields stay.
func (s *Server) adminAPIRankUpdate(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	patch, err := rankPatchFrom(body)
	if err != nil {
		return err
	}
	r, err := identity.UpdateRank(s.db(c), actorOf(c), id, patch)
	if err != nil {
		return err
	}
	return apiOK(c, toRankJSON(r))
}

func rankPatchFrom(body patchBody) (identity.RankPatch, error) {
	var p identity.RankPatch
	var errs [6]error
	p.Name, errs[0] = body.str("name")
	p.Level, errs[1] = body.integer("level")
	p.Description, errs[2] = body.nullableStr("description")
	p.DiscordRoleID, errs[3] = body.nullableStr("discord_role_id")
	p.SchedulingWeight, errs[4] = body.integer("scheduling_weight")
	p.WowRankIndex, errs[5] = body.nullableInt("wow_rank_index")
	return p, firstErr(errs[:]...)
}

// DELETE /api/v1/admin/ranks/:id — 409 while players or characters hold it.
func (s *Server) adminAPIRankDelete(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := identity.DeleteRank(s.db(c), actorOf(c), id); err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"deleted": true})
}
