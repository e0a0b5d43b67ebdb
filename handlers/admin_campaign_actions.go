package handlers

import (
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

// adminCampaignActivate handles POST /admin/campaigns/{id}/activate. The
// launch post is queued right away (§12.2).
func (s *Server) adminCampaignActivate(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := voting.Activate(s.db(c), s.Now(), id); err != nil {
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

func (s *Server) campaignActionError(c fiber.Ctx, id int, err error) error {
	if !isRefusal(err) || fault.Is(err, fault.KindNotFound) {
		return err
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
