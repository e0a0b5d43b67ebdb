package handlers

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// MeData is GET /api/v1/auth/me (spec identity §3.10).
type MeData struct {
	ID              int           `json:"id"`
	DisplayName     string        `json:"display_name"`
	DiscordUsername *string       `json:"discord_username"`
	Rank            *MeRank       `json:"rank"`
	Characters      []MeCharacter `json:"characters"`
}

// MeRank is the viewer's guild rank.
type MeRank struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// MeCharacter is one character the viewer owns; Realm is the realm slug.
type MeCharacter struct {
	ID        int     `json:"id"`
	Name      string  `json:"name"`
	Realm     string  `json:"realm"`
	RemovedAt *string `json:"removed_at"`
}

// apiMe describes the logged-in player, as the rank and characters are now.
func (s *Server) apiMe(c fiber.Ctx) error {
	p, err := identity.LoadProfile(s.db(c), viewerOf(c).PlayerID)
	if errors.Is(err, identity.ErrProfileNotFound) {
		return fault.Wrap(fault.KindUnauthenticated, "Player not found.", err)
	}
	if err != nil {
		return err
	}
	out := MeData{ID: p.ID, DisplayName: p.DisplayName, Characters: []MeCharacter{}}
	if p.DiscordUser != nil {
		name := p.DiscordUser.Username
		out.DiscordUsername = &name
	}
	if p.Rank != nil {
		out.Rank = &MeRank{ID: p.Rank.ID, Name: p.Rank.Name, Level: p.Rank.Level}
	}
	chars := p.OwnedCharacters()
	sort.SliceStable(chars, func(i, j int) bool { return strings.ToLower(chars[i].Name) < strings.ToLower(chars[j].Name) })
	for _, ch := range chars {
		mc := MeCharacter{ID: ch.ID, Name: ch.Name, Realm: ch.RealmSlug}
		if ch.RemovedAt != nil {
			iso := ch.RemovedAt.UTC().Format(time.RFC3339)
			mc.RemovedAt = &iso
		}
		out.Characters = append(out.Characters, mc)
	}
	return apiOK(c, out)
}
