package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// Character actions of the Player Manager. Forms say where they sit
// (from=card or from=chip) so the answer's main fragment is the element
// htmx targets; the other is redrawn out of band.

func charAnchor(id int) string { return "char-" + strconv.Itoa(id) }

// POST /admin/players/:id/characters {character_id} — link (or move) a
// character to the player: the drop of a chip on a card, or the card's
// <select> + Link without JavaScript.
func (s *Server) adminPlayerLinkCharacter(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	charID, err := strconv.Atoi(c.FormValue("character_id"))
	if err != nil {
		return s.pmFail(c, id, false, fault.Invalid("character_id", "Choose a character to link."))
	}
	mv, err := identity.LinkCharacter(s.db(c), actorOf(c), id, charID)
	if err != nil {
		return s.pmFail(c, id, false, err)
	}
	return s.pmAnswer(c, pmChange{
		primaryCard: id, cards: intList(mv.PreviousOwner), chips: []int{charID},
		flash: "pm-character-linked", anchor: playerAnchor(id),
	})
}

// POST /admin/characters/:id/role {main_alt: main|offspec|alt}
func (s *Server) adminCharacterSetRole(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	owner, err := identity.SetCharacterRole(s.db(c), actorOf(c), id, c.FormValue("main_alt"))
	if err != nil {
		return s.pmFail(c, s.cardTarget(c, id), false, err)
	}
	return s.pmAnswer(c, s.charChange(c, id, owner, false))
}

// POST /admin/characters/:id/unlink — the character loses its owner (and
// stops being anyone's main or off-spec).
func (s *Server) adminCharacterUnlink(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	owner, err := identity.UnlinkCharacter(s.db(c), actorOf(c), id)
	if err != nil {
		return s.pmFail(c, 0, false, err)
	}
	return s.pmAnswer(c, s.charChange(c, id, derefInt(owner), false))
}

// POST /admin/characters/:id/delete — gone for good (pointers cleared).
func (s *Server) adminCharacterDelete(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, owner, err := identity.DeleteCharacter(s.db(c), actorOf(c), id)
	if err != nil {
		return s.pmFail(c, 0, false, err)
	}
	ch := s.charChange(c, id, derefInt(owner), true)
	ch.flash = "pm-character-deleted"
	return s.pmAnswer(c, ch)
}

// charChange builds the answer to a character action: the card (from=card)
// or the chip as the main fragment, the other out of band.
func (s *Server) charChange(c fiber.Ctx, charID, owner int, deleted bool) pmChange {
	ch := pmChange{flash: "pm-saved", anchor: charAnchor(charID)}
	fromCard := c.FormValue("from") == "card" && owner != 0
	switch {
	case fromCard:
		ch.primaryCard, ch.anchor = owner, playerAnchor(owner)
		if deleted {
			ch.removedChips = []int{charID}
		} else {
			ch.chips = []int{charID}
		}
	default:
		if !deleted {
			ch.primaryChip = charID
		}
		ch.cards = []int{owner}
	}
	return ch
}

// cardTarget is the card an htmx request from a card targets, for showing
// an error in it.
func (s *Server) cardTarget(c fiber.Ctx, charID int) int {
	if c.FormValue("from") != "card" {
		return 0
	}
	owner, err := identity.OwnerOf(s.db(c), charID)
	if err != nil {
		return 0
	}
	return derefInt(owner)
}
