package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// pmSwap is the answer to a Player Manager change: the card or chip the
// request targeted, plus out-of-band copies of everything else it touched
// (a moved character changes two cards and its chip).
type pmSwap struct {
	Cards        []pmCard
	Chips        []pmChip
	Discord      []pmDiscordRow
	RemovedChips []int
}

// pmChange says what a Player Manager action touched.
type pmChange struct {
	primaryCard  int   // the card the request targeted (0: none, or it is gone)
	primaryChip  int   // the chip the request targeted (0: none, or it is gone)
	cards        []int // other cards to redraw
	chips        []int // other chips to redraw
	removedChips []int // chips to take off the board
	discord      []int // Discord rows (discord_users ids) to redraw
	flash        string
	anchor       string
}

// pmAnswer redraws what a change touched (htmx), or sends a browser without
// JavaScript back to the board with a message.
func (s *Server) pmAnswer(c fiber.Ctx, ch pmChange) error {
	if !isHTMX(c) {
		to := "/admin/players?flash=" + ch.flash
		if ch.anchor != "" {
			to += "#" + ch.anchor
		}
		return c.Redirect().Status(fiber.StatusSeeOther).To(to)
	}
	c.Set("HX-Trigger", pmChangedEvent)
	ctx, err := s.loadPMContext(c, nil, nil)
	if err != nil {
		return err
	}
	var swap pmSwap
	addCard := func(id int, oob bool) error {
		p, err := identity.BoardPlayerCard(s.db(c), id, s.Now())
		if fault.Is(err, fault.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		card := s.card(ctx, p)
		card.OOB, card.Open = oob, !oob && c.FormValue("open") == "1"
		swap.Cards = append(swap.Cards, card)
		return nil
	}
	addChip := func(id int, oob bool) error {
		chip, err := identity.BoardCharacterChip(s.db(c), id)
		if fault.Is(err, fault.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		swap.Chips = append(swap.Chips, pmChip{C: chip, CSRF: ctx.csrf, OOB: oob})
		return nil
	}
	if ch.primaryCard != 0 {
		if err := addCard(ch.primaryCard, false); err != nil {
			return err
		}
	}
	if ch.primaryChip != 0 {
		if err := addChip(ch.primaryChip, false); err != nil {
			return err
		}
	}
	for _, id := range uniqueIDs(ch.cards, ch.primaryCard) {
		if err := addCard(id, true); err != nil {
			return err
		}
	}
	for _, id := range uniqueIDs(ch.chips, ch.primaryChip) {
		if err := addChip(id, true); err != nil {
			return err
		}
	}
	if len(ch.discord) > 0 {
		users, err := identity.BoardDiscordUsers(s.db(c))
		if err != nil {
			return err
		}
		want := map[int]bool{}
		for _, id := range ch.discord {
			want[id] = true
		}
		for _, u := range users {
			if want[u.ID] {
				swap.Discord = append(swap.Discord, pmDiscordRow{U: u, OOB: true})
			}
		}
	}
	swap.RemovedChips = ch.removedChips
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/pm_swap", &Page{Data: swap})
}

// pmFail answers a refused change. htmx gets the targeted card back with
// the message in it (409/422, which htmx swaps) or, for chips and missing
// things, a JSON error that shows as a toast; a plain browser gets the
// board with the message on top.
func (s *Server) pmFail(c fiber.Ctx, cardID int, editing bool, err error) error {
	status, ok := refusal(err)
	if !ok {
		return err
	}
	if isHTMX(c) {
		if cardID == 0 || status == fiber.StatusNotFound {
			return asJSON(c, err)
		}
		ctx, lerr := s.loadPMContext(c, nil, nil)
		if lerr != nil {
			return lerr
		}
		p, lerr := identity.BoardPlayerCard(s.db(c), cardID, s.Now())
		if lerr != nil {
			return asJSON(c, err)
		}
		card := s.card(ctx, p)
		card.Error, card.Editing, card.Open = fault.MessageOf(err), editing, true
		return s.renderFragment(c, status, "partials/admin/pm_swap", &Page{Data: pmSwap{Cards: []pmCard{card}}})
	}
	page, perr := s.playerManagerPage(c, pmFilters{RankIDs: map[int]bool{}})
	if perr != nil {
		return perr
	}
	return s.renderAdmin(c, status, "pages/admin/players", &Page{Title: "Player Manager", Data: page, Flash: &Flash{Error: fault.MessageOf(err)}})
}

func uniqueIDs(ids []int, skip int) []int {
	seen := map[int]bool{skip: true, 0: true}
	var out []int
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func playerAnchor(id int) string { return fmt.Sprintf("player-%d", id) }

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
