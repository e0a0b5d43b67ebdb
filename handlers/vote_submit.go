package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/voting"
)

// voteSubmit handles POST /vote/{id}: the ballot form, filled by the
// drag-to-rank script or by hand (a rank select per entry). With
// change=1 it replaces the member's ballot (issue 11 item 7). Success
// redirects to the page, which then shows the voted state; a refused
// ballot re-renders the form with the message and the picks kept.
func (s *Server) voteSubmit(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return c.Redirect().Status(fiber.StatusFound).To("/")
	}
	v := viewerOf(c)
	camp, err := s.visibleCampaign(c, id)
	if err != nil {
		return err
	}
	form, err := c.Request().MultipartForm()
	values := map[string][]string{}
	if err == nil && form != nil {
		values = form.Value
	} else {
		c.Request().PostArgs().VisitAll(func(k, val []byte) {
			values[string(k)] = append(values[string(k)], string(val))
		})
	}
	changing := len(values["change"]) > 0 && values["change"][0] == "1"
	picks, err := voting.ParseBallotForm(values)
	if err == nil {
		if changing {
			err = voting.ChangeBallot(s.db(c), s.Now(), id, v.PlayerID, picks)
		} else {
			err = voting.CastBallot(s.db(c), s.Now(), id, v.PlayerID, picks)
		}
	}
	if err == nil {
		to := fmt.Sprintf("/vote/%d", id)
		if changing {
			to += "?flash=ballot-changed"
		}
		return c.Redirect().Status(fiber.StatusSeeOther).To(to)
	}
	if !isRefusal(err) {
		return err
	}
	// Re-read: the campaign may have closed or the player may have voted
	// in another tab; the page then shows that state with the message.
	if fresh, ferr := s.visibleCampaign(c, id); ferr == nil {
		camp = fresh
	}
	page, perr := s.buildVotePage(c, camp, changing)
	if perr != nil {
		return perr
	}
	page.Error = fault.MessageOf(err)
	given := map[int]int{}
	for _, p := range picks {
		given[p.EntryID] = p.Rank
	}
	for i := range page.Entries {
		page.Entries[i].Rank = given[page.Entries[i].ID]
	}
	return s.render(c, statusOf(fault.KindOf(err)), "pages/vote/show", &Page{Title: page.Title, Data: page})
}
