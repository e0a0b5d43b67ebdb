package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/voting"
)

// voteListPage is /vote: every vote the viewer may see, by state.
type voteListPage struct {
	Live, Upcoming, Recent []voteListCard
	LoggedIn               bool
}

// voteListCard is one campaign on /vote.
type voteListCard struct {
	ID           int
	Title        string
	Summary      string
	TypeLabel    string
	EntryCount   int
	Voted        bool
	EndsAtISO    string
	EndsIn       string
	OpensAt      string
	ClosedOn     string
	MembersOnly  bool
	StatusLabel  string
	StatusBadge  string
	ActionLabel  string
	ActionIsMain bool
}

// voteList renders GET /vote (issue 11 item 8): live votes (soonest end
// first) with whether the viewer has voted, scheduled ones with their
// opening time, and the latest closed ones. Visitors see the public
// campaigns; drafts are never listed.
func (s *Server) voteList(c fiber.Ctx) error {
	v := viewerOf(c)
	vv := votingViewer(v)
	l, err := voting.ListFor(s.db(c), vv)
	if err != nil {
		return err
	}
	now := s.Now()
	zone := s.Config.GuildTimezone
	page := &voteListPage{LoggedIn: v != nil}
	card := func(camp *models.Campaign) voteListCard {
		vc := voteListCard{ID: camp.ID, Title: camp.Title, TypeLabel: voting.TypeLabel(camp.Type, camp.PicksPerVoter),
			EntryCount: len(camp.Entries), Voted: l.Voted[camp.ID], StatusBadge: camp.Status,
			StatusLabel: statusLabel(camp.Status)}
		if camp.Description != nil {
			vc.Summary = truncate(*camp.Description, 160)
		}
		return vc
	}
	for i := range l.Live {
		camp := &l.Live[i]
		vc := card(camp)
		vc.EndsAtISO = voting.EndAt(camp).UTC().Format("2006-01-02T15:04:05Z")
		vc.EndsIn = humanDuration(voting.EndsIn(camp, now))
		switch {
		case v == nil:
			vc.ActionLabel, vc.MembersOnly = "Log in to vote", true
		case vc.Voted:
			vc.ActionLabel = "See standings"
		case v.RankLevel >= camp.MinRankToVote:
			vc.ActionLabel, vc.ActionIsMain = "Vote now", true
		default:
			vc.ActionLabel = "See the entries"
		}
		page.Live = append(page.Live, vc)
	}
	for i := range l.Upcoming {
		camp := &l.Upcoming[i]
		vc := card(camp)
		vc.OpensAt = camp.StartAt.In(zone).Format("Mon Jan 2, 3:04 PM MST")
		vc.ActionLabel = "Preview"
		page.Upcoming = append(page.Upcoming, vc)
	}
	for i := range l.Recent {
		camp := &l.Recent[i]
		vc := card(camp)
		vc.ClosedOn = voting.ClosedAt(camp).In(zone).Format("Mon Jan 2, 2006")
		vc.ActionLabel = "Results"
		page.Recent = append(page.Recent, vc)
	}
	return s.render(c, fiber.StatusOK, "pages/vote/list", &Page{Title: "Votes", Data: page})
}
