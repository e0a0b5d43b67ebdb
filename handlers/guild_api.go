package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/identity"
)

type guildRankJSON struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	Level       int     `json:"level"`
	Description *string `json:"description"`
}

// guildRanksAPI answers GET /api/v1/guild/ranks: every rank, lowest first.
func (s *Server) guildRanksAPI(c fiber.Ctx) error {
	ranks, err := identity.Ranks(s.db(c))
	if err != nil {
		return err
	}
	out := make([]guildRankJSON, 0, len(ranks))
	for _, r := range ranks {
		out = append(out, guildRankJSON{ID: r.ID, Name: r.Name, Level: r.Level, Description: r.Description})
	}
	return apiOK(c, out)
}

type rosterCharacterJSON struct {
	CharacterID   int    `json:"character_id"`
	CharacterName string `json:"character_name"`
	RealmSlug     string `json:"realm_slug"`
	ClassName     string `json:"class_name"`
	SpecName      string `json:"spec_name"`
	RoleName      string `json:"role_name"`
	ItemLevel     int    `json:"item_level"`
	ArmoryURL     string `json:"armory_url"`
	IsMain        *bool  `json:"is_main,omitempty"`
}

type rosterPlayerJSON struct {
	PlayerID      int                   `json:"player_id"`
	DisplayName   string                `json:"display_name"`
	RankName      string                `json:"rank_name"`
	RankLevel     int                   `json:"rank_level"`
	MainCharacter *rosterCharacterJSON  `json:"main_character"`
	Characters    []rosterCharacterJSON `json:"characters"`
}

// guildRosterAPI answers GET /api/v1/guild/roster: roster-eligible players
// by display name, characters that left the guild excluded.
func (s *Server) guildRosterAPI(c fiber.Ctx) error {
	players, stale, err := s.rosterPlayersOrStale(c.Context())
	if err != nil {
		return err
	}
	if stale { // the API has no way to mark a stale copy: 503 as elsewhere
		return errOutage(nil)
	}
	out := make([]rosterPlayerJSON, 0, len(players))
	for _, p := range players {
		pj := rosterPlayerJSON{PlayerID: p.PlayerID, DisplayName: p.DisplayName, RankName: p.RankName,
			RankLevel: p.RankLevel, Characters: []rosterCharacterJSON{}}
		if p.Main != nil {
			m := characterJSON(*p.Main)
			pj.MainCharacter = &m
		}
		for _, ch := range p.Characters {
			cj := characterJSON(ch)
			isMain := ch.IsMain
			cj.IsMain = &isMain
			pj.Characters = append(pj.Characters, cj)
		}
		out = append(out, pj)
	}
	return apiOK(c, fiber.Map{"players": out})
}

func characterJSON(c identity.RosterCharacter) rosterCharacterJSON {
	return rosterCharacterJSON{
		CharacterID: c.CharacterID, CharacterName: c.Name, RealmSlug: c.RealmSlug,
		ClassName: c.ClassName, SpecName: c.SpecName, RoleName: c.RoleName,
		ItemLevel: c.ItemLevel, ArmoryURL: c.ArmoryURL,
	}
}
