package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
)

// Characters typed in by hand (issue 11: a guild without Blizzard sync).
// A refusal answers through the error translator: 422 naming the field,
// 409 for a character already known; JSON callers get the envelope.

// newCharacterForm reads the add-character form (or the same JSON keys).
func newCharacterForm(c fiber.Ctx) identity.NewCharacter {
	num := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue(k)))
		return n
	}
	return identity.NewCharacter{
		Name: c.FormValue("name"), Realm: c.FormValue("realm"),
		ClassID: num("class_id"), SpecID: num("spec_id"), RankID: num("rank_id"), Level: num("level"),
	}
}

// POST /admin/characters {name, realm, class_id, spec_id?, rank_id?, level?, player_id?}
func (s *Server) adminCharacterAdd(c fiber.Ctx) error {
	var owner *int
	if id, err := strconv.Atoi(c.FormValue("player_id")); err == nil && id > 0 {
		owner = &id
	}
	ch, err := identity.AddCharacter(s.db(c), actorOf(c), newCharacterForm(c), owner, s.Now())
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: fiber.Map{"id": ch.ID, "name": ch.Name, "realm_slug": ch.RealmSlug, "verified": true}})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/players#" + charAnchor(ch.ID))
}

// POST /admin/characters/:id/confirm — an officer vouches for a member's own.
func (s *Server) adminCharacterConfirm(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := identity.ConfirmCharacter(s.db(c), actorOf(c), id); err != nil {
		return err
	}
	if wantsJSON(c) {
		return apiOK(c, fiber.Map{"id": id, "verified": true})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/players#" + charAnchor(id))
}

// POST /profile/characters/add — a member adds a character of their own,
// unverified until an officer confirms it.
func (s *Server) profileCharacterAdd(c fiber.Ctx) error {
	ch, err := identity.AddOwnCharacter(s.db(c), viewerOf(c).PlayerID, newCharacterForm(c), s.Now())
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: fiber.Map{"id": ch.ID, "name": ch.Name, "realm_slug": ch.RealmSlug, "verified": false}})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/profile#characters")
}

// POST /admin/players/settings {count_unverified: "1" or absent} — whether
// members' own unconfirmed characters count on the roster.
func (s *Server) adminCountUnverified(c fiber.Ctx) error {
	on := c.FormValue("count_unverified") != ""
	if err := identity.SetCountUnverified(s.db(c), actorOf(c), on, s.Now()); err != nil {
		return err
	}
	if wantsJSON(c) {
		return apiOK(c, fiber.Map{"count_unverified": on})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/players")
}
