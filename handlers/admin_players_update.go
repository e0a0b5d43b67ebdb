package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
)

// pmCreateForm is the "+ New" form at the top of the players column.
type pmCreateForm struct {
	CSRF, Value, Error string
}

// POST /admin/players {display_name} — a new player of the lowest rank.
// htmx puts the new card at the top of the list; an invalid name comes back
// in the form (422).
func (s *Server) adminPlayerCreate(c fiber.Ctx) error {
	name := c.FormValue("display_name")
	p, err := identity.CreatePlayer(s.db(c), actorOf(c), identity.NewPlayer{DisplayName: name, Source: identity.RankSourceManual})
	if err != nil {
		if st, ok := refusal(err); ok && isHTMX(c) {
			c.Set("HX-Retarget", "#pm-create")
			c.Set("HX-Reswap", "outerHTML")
			return s.renderFragment(c, st, "partials/admin/pm_create_fragment", &Page{Data: pmCreateForm{CSRF: csrfToken(c), Value: name, Error: fault.MessageOf(err)}})
		}
		return s.pmFail(c, 0, false, err)
	}
	return s.pmAnswer(c, pmChange{primaryCard: p.ID, flash: "pm-player-created", anchor: playerAnchor(p.ID)})
}

// GET /admin/players/:id/card — the card as it is (Cancel of an edit).
func (s *Server) adminPlayerCard(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.pmCardFragment(c, id, false)
}

// GET /admin/players/:id/rename — the card with its name in an input.
func (s *Server) adminPlayerRenameForm(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusFound).To("/admin/players?edit=" + strconv.Itoa(id) + "#" + playerAnchor(id))
	}
	return s.pmCardFragment(c, id, true)
}

func (s *Server) pmCardFragment(c fiber.Ctx, id int, editing bool) error {
	p, err := identity.BoardPlayerCard(s.db(c), id, s.Now())
	if err != nil {
		return err
	}
	ctx, err := s.loadPMContext(c, nil, nil)
	if err != nil {
		return err
	}
	card := s.card(ctx, p)
	card.Editing = editing
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/pm_swap", &Page{Data: pmSwap{Cards: []pmCard{card}}})
}

// POST /admin/players/:id/rename {display_name}
func (s *Server) adminPlayerRename(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := identity.RenamePlayer(s.db(c), actorOf(c), id, c.FormValue("display_name"))
	if err != nil {
		return s.pmFail(c, id, true, err)
	}
	return s.pmAnswer(c, pmChange{primaryCard: id, chips: s.chipsOf(s.db(c), id), discord: intList(p.DiscordUserID), flash: "pm-saved", anchor: playerAnchor(id)})
}

// POST /admin/players/:id/active {active: 1|0} — deactivating also ends
// the player's website sessions.
func (s *Server) adminPlayerSetActive(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "1" || c.FormValue("active") == "true"
	if _, err := identity.SetPlayerActive(s.db(c), actorOf(c), id, active); err != nil {
		return s.pmFail(c, id, false, err)
	}
	return s.pmAnswer(c, pmChange{primaryCard: id, flash: "pm-saved", anchor: playerAnchor(id)})
}

// POST /admin/players/:id/rank {rank_id: <id>|"derive"} — an officer's
// override, or "derive" to drop it and let the rank rule decide again.
func (s *Server) adminPlayerSetRank(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(c.FormValue("rank_id"))
	if raw == "derive" {
		_, err = identity.ClearRankOverride(s.db(c), actorOf(c), id)
	} else if rankID, perr := strconv.Atoi(raw); perr != nil {
		err = fault.Invalid("rank_id", "Choose a rank.")
	} else {
		_, err = identity.SetRankOverride(s.db(c), actorOf(c), id, rankID)
	}
	if err != nil {
		return s.pmFail(c, id, false, err)
	}
	return s.pmAnswer(c, pmChange{primaryCard: id, flash: "pm-saved", anchor: playerAnchor(id)})
}

// POST /admin/players/:id/discord {discord_id} — link the Discord member
// with that snowflake (404 unknown, 409 linked to someone else); empty
// unlinks.
func (s *Server) adminPlayerLinkDiscord(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	after, before, err := identity.LinkDiscord(s.db(c), actorOf(c), id, c.FormValue("discord_id"))
	if err != nil {
		return s.pmFail(c, id, false, err)
	}
	return s.pmAnswer(c, pmChange{
		primaryCard: id, discord: append(intList(before), intList(after.DiscordUserID)...),
		flash: "pm-saved", anchor: playerAnchor(id),
	})
}

// POST /admin/players/:id/invite — a fresh 72-hour invite code; older
// unused codes of the player stop working.
func (s *Server) adminPlayerInvite(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, p, err := identity.IssueInvite(s.db(c), id, viewerPlayerID(c), s.Now())
	if err != nil {
		return s.pmFail(c, id, false, err)
	}
	s.queueInviteDM(c, inv, p) // the DM waits in the bot's outbox
	return s.pmAnswer(c, pmChange{primaryCard: id, flash: "pm-invite-created", anchor: playerAnchor(id)})
}

// POST /admin/players/:id/invite/revoke — the open invite stops working.
func (s *Server) adminPlayerInviteRevoke(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := identity.RevokeOpenInvite(s.db(c), id, s.Now()); err != nil {
		return s.pmFail(c, id, false, err)
	}
	return s.pmAnswer(c, pmChange{primaryCard: id, flash: "pm-invite-revoked", anchor: playerAnchor(id)})
}

// POST /admin/players/:id/delete — the card goes; the player's characters
// stay, unlinked. A player with votes, availability, an account… is kept
// (409 naming them).
func (s *Server) adminPlayerDelete(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	chips := s.chipsOf(s.db(c), id)
	before, err := identity.DeletePlayer(s.db(c), actorOf(c), id)
	if err != nil {
		return s.pmFail(c, id, false, err)
	}
	return s.pmAnswer(c, pmChange{chips: chips, discord: intList(before.DiscordUserID), flash: "pm-player-deleted"})
}

// chipsOf lists the ids of a player's characters (their chips show the
// owner, so they change with the player).
func (s *Server) chipsOf(db *gorm.DB, playerID int) []int {
	chars, err := identity.CharactersOfPlayer(db, playerID)
	if err != nil {
		return nil
	}
	ids := make([]int, len(chars))
	for i, ch := range chars {
		ids[i] = ch.ID
	}
	return ids
}

func intList(p *int) []int {
	if p == nil {
		return nil
	}
	return []int{*p}
}
