package handlers

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
	"patt/voting"
)

// turnoutView is the live turnout line of the editor's actions card; it
// polls itself while the campaign is live.
type turnoutView struct {
	CampaignID int
	Live       bool
	Stats      voting.Stats
	BarClass   string
}

func (s *Server) turnoutOf(db *gorm.DB, camp *models.Campaign) (*turnoutView, error) {
	st, err := voting.CampaignStats(db, camp)
	if err != nil {
		return nil, err
	}
	return &turnoutView{CampaignID: camp.ID, Live: camp.Status == voting.StatusLive, Stats: st,
		BarClass: pctClass(int(st.Percent))}, nil
}

// adminCampaignTurnout renders the turnout fragment.
func (s *Server) adminCampaignTurnout(c fiber.Ctx) error {
	camp, err := s.editorCampaign(c)
	if err != nil {
		return err
	}
	if camp, err = voting.RefreshStatus(s.db(c), s.Now(), camp); err != nil {
		return err
	}
	tv, err := s.turnoutOf(s.db(c), camp)
	if err != nil {
		return err
	}
	if !tv.Live && isHTMX(c) {
		// it just closed: reload the editor once to show the final state
		c.Set("HX-Refresh", "true")
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/campaign_turnout", &Page{Data: &campaignEditor{ID: camp.ID, Turnout: tv}})
}

// adminCampaignActivate handles POST /admin/campaigns/{id}/activate: live
// now, or scheduled when its start is ahead (issue 11 item 6). The launch
// post of a live campaign is queued right away (§12.2).
func (s *Server) adminCampaignActivate(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	camp, err := voting.Activate(s.db(c), s.Now(), id)
	if err != nil {
		return s.campaignActionError(c, id, err)
	}
	if camp.Status == voting.StatusScheduled {
		return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=campaign-scheduled", id))
	}
	s.queueAgent(s.db(c), id)
	return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=campaign-live", id))
}

// adminCampaignOpen handles POST /admin/campaigns/{id}/open: a scheduled
// campaign opens now instead of at its start time.
func (s *Server) adminCampaignOpen(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := voting.OpenNow(s.db(c), s.Now(), id); err != nil {
		return s.campaignActionError(c, id, err)
	}
	s.queueAgent(s.db(c), id)
	return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=campaign-live", id))
}

// adminCampaignClose handles POST /admin/campaigns/{id}/close.
func (s *Server) adminCampaignClose(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := voting.Close(s.db(c), s.Now(), id); err != nil {
		return s.campaignActionError(c, id, err)
	}
	s.queueAgent(s.db(c), id)
	return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=campaign-closed", id))
}

// queueAgent lets the contest agent react to a transition now rather than
// on its next pass. A failure only delays the post: it is logged.
func (s *Server) queueAgent(db *gorm.DB, id int) {
	a := &voting.Agent{BaseURL: s.Config.BaseURL, Zone: s.Config.GuildTimezone, Log: s.Log}
	if _, err := a.RunFor(db, s.Now(), id); err != nil {
		s.Log.Error("contest agent after transition", "campaign", id, "err", err)
	}
}

// campaignActionError answers a refused activate/open/close with the
// editor and the reason. A browser's form post is redirected there (so it
// does not stay on the POST URL, where a reload would post again); the
// editor works the reason out afresh from the campaign (an unready one
// says what it lacks), so no free text rides in the URL (§12.14). An htmx
// or API-like caller gets the editor with the refusal's status at once.
func (s *Server) campaignActionError(c fiber.Ctx, id int, err error) error {
	if !isRefusal(err) || fault.Is(err, fault.KindNotFound) {
		return err
	}
	if !isHTMX(c) {
		code := "err-campaign-state"
		if errors.Is(err, voting.ErrNotReady) {
			code = "err-campaign-ready"
		}
		return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=%s", id, code))
	}
	camp, gerr := voting.Get(s.db(c), id)
	if gerr != nil {
		return gerr
	}
	ed, eerr := s.newEditor(s.db(c), camp)
	if eerr != nil {
		return eerr
	}
	ed.Error = fault.MessageOf(err)
	return s.renderAdmin(c, statusOf(fault.KindOf(err)), "pages/admin/campaign_edit", &Page{Title: camp.Title, Data: ed})
}
