package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/voting"
)

// campaignListRow is a line of /admin/campaigns.
type campaignListRow struct {
	ID            int
	Title, Desc   string
	Status, Type  string
	StatusLabel   string
	Start, End    string
	DurationHours int
	Entries       int
	Turnout       string
	ViewLabel     string
}

// adminCampaignList renders GET /admin/campaigns: live, then drafts, then
// closed (spec §8.5), with turnout for campaigns that have opened.
func (s *Server) adminCampaignList(c fiber.Ctx) error {
	cs, err := voting.List(s.db(c))
	if err != nil {
		return err
	}
	rows := make([]campaignListRow, 0, len(cs))
	for i := range cs {
		camp := &cs[i]
		r := campaignListRow{ID: camp.ID, Title: camp.Title, Status: camp.Status, Type: voting.TypeLabel(camp.Type, camp.PicksPerVoter),
			Start:         camp.StartAt.In(s.Config.GuildTimezone).Format("2006-01-02 15:04 MST"),
			End:           voting.EndAt(camp).In(s.Config.GuildTimezone).Format("2006-01-02 15:04 MST"),
			DurationHours: camp.DurationHours, Entries: len(camp.Entries)}
		if camp.Description != nil {
			r.Desc = truncate(*camp.Description, 60)
		}
		r.StatusLabel = statusLabel(camp.Status)
		switch camp.Status {
		case voting.StatusLive, voting.StatusScheduled:
			r.ViewLabel = "View"
		case voting.StatusClosed:
			r.ViewLabel = "Results"
		}
		if camp.Status == voting.StatusLive || camp.Status == voting.StatusClosed {
			st, err := voting.CampaignStats(s.db(c), camp)
			if err != nil {
				return err
			}
			r.Turnout = formatTurnout(st)
		}
		rows = append(rows, r)
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/campaigns", &Page{Title: "Campaigns", Data: rows})
}

func formatTurnout(st voting.Stats) string {
	return fmtInt(st.Voted) + " / " + fmtInt(st.Eligible) + " (" + fmtPct(st.Percent) + ")"
}

func fmtInt(n int) string { return strconv.Itoa(n) }

func fmtPct(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) + "%" }
