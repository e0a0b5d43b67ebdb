package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/voting"
)

// Vote page states (spec voting §8.1).
const (
	stateUpcoming = "upcoming"
	stateClosed   = "closed"
	statePublic   = "public"
	stateVoted    = "voted"
	stateCanVote  = "can_vote"
	stateViewOnly = "view_only"
)

// votePage is /vote/{id}.
type votePage struct {
	ID          int
	Title       string
	Description string
	Status      string
	Type        string
	TypeLabel   string
	TypeHint    string
	State       string
	Picks       int
	EndsAtISO   string
	EndsIn      string
	OpensAt     string
	MinRank     int
	Entries     []entryView
	Slots       []pickView
	Ranks       []int
	Standings   *standingsView
	Error       string
}

type entryView struct {
	ID          int
	Name        string
	Description string
	ImageURL    string
	Rank        int // the rank the failed form had given it
}

// voteShow renders GET /vote/{id}.
func (s *Server) voteShow(c fiber.Ctx) error {
	page, err := s.votePageFor(c)
	if page == nil {
		return err // nil: already answered (login redirect)
	}
	return s.render(c, fiber.StatusOK, "pages/vote/show", &Page{Title: page.Title, Data: page})
}

// votePanel renders the state panel alone: the countdown asks for it once
// when time runs out, so the page moves on without a reload loop.
func (s *Server) votePanel(c fiber.Ctx) error {
	page, err := s.votePageFor(c)
	if page == nil {
		return err // nil: already answered (login redirect)
	}
	if page.Standings != nil {
		// swapped into a live page: also update its header (out of band)
		page.Standings.Refresh = true
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/vote/panel", &Page{Data: page})
}

// voteStandings renders the standings fragment that voters' pages poll
// (every 5 s while live); once closed it answers the final results, which
// carry no polling trigger, so the polling stops by itself.
func (s *Server) voteStandings(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	camp, err := s.visibleCampaign(c, id)
	if err != nil {
		return err
	}
	playerID := votingViewer(viewerOf(c)).PlayerID
	if err := voting.CheckStandingsAccess(s.db(c), camp, playerID); err != nil {
		return err
	}
	st, err := s.buildStandings(s.db(c), camp, playerID)
	if err != nil {
		return err
	}
	st.Refresh = true
	return s.renderFragment(c, fiber.StatusOK, "partials/vote/standings", &Page{Data: &votePage{ID: id, Standings: st}})
}

// votePageFor loads the campaign and decides the page state. Anonymous
// viewers of a campaign above their rank are sent to log in; members get
// the 403 page.
func (s *Server) votePageFor(c fiber.Ctx) (*votePage, error) {
	id, err := intParam(c, "id")
	if err != nil {
		return nil, fiber.NewError(fiber.StatusNotFound, "Campaign not found.")
	}
	camp, err := s.visibleCampaign(c, id)
	if err != nil {
		if err == errForbiddenCampaign && viewerOf(c) == nil {
			return nil, redirectToLogin(c)
		}
		return nil, err
	}
	return s.buildVotePage(c, camp)
}

func (s *Server) buildVotePage(c fiber.Ctx, camp *models.Campaign) (*votePage, error) {
	v := viewerOf(c)
	now := s.Now()
	p := &votePage{ID: camp.ID, Title: camp.Title, Status: camp.Status, Type: camp.Type,
		TypeLabel: typeLabel(camp.Type), Picks: camp.PicksPerVoter, MinRank: camp.MinRankToVote}
	for _, t := range voting.Types {
		if t.Value == camp.Type {
			p.TypeHint = t.Hint
		}
	}
	if camp.Description != nil {
		p.Description = *camp.Description
	}
	if camp.Status == voting.StatusLive {
		p.EndsAtISO = voting.EndAt(camp).UTC().Format("2006-01-02T15:04:05Z")
		p.EndsIn = humanDuration(voting.EndsIn(camp, now))
	}
	p.OpensAt = camp.StartAt.In(s.Config.GuildTimezone).Format("January 02, 2006 at 3:04 PM MST")
	for _, e := range camp.Entries {
		ev := entryView{ID: e.ID, Name: e.Name}
		if e.Description != nil {
			ev.Description = *e.Description
		}
		if e.ImageURL != nil {
			ev.ImageURL = *e.ImageURL
		}
		p.Entries = append(p.Entries, ev)
	}

	switch {
	case camp.Status == voting.StatusDraft:
		p.State = stateUpcoming
		p.Entries = nil
	case camp.Status == voting.StatusClosed:
		p.State = stateClosed
	case v == nil:
		p.State = statePublic
		p.Entries = nil
	default:
		voted, err := voting.HasVoted(s.db(c), camp.ID, v.PlayerID)
		if err != nil {
			return nil, err
		}
		switch {
		case voted:
			p.State = stateVoted
		case v.RankLevel >= camp.MinRankToVote:
			p.State = stateCanVote
		default:
			p.State = stateViewOnly
		}
	}
	if p.State == stateClosed || p.State == stateVoted {
		playerID := 0
		if v != nil {
			playerID = v.PlayerID
		}
		st, err := s.buildStandings(s.db(c), camp, playerID)
		if err != nil {
			return nil, err
		}
		p.Standings = st
	}
	if p.State == stateCanVote {
		for r := 1; r <= camp.PicksPerVoter; r++ {
			p.Ranks = append(p.Ranks, r)
			p.Slots = append(p.Slots, pickView{Rank: r, Points: pointsLabel(camp.Type, camp.PicksPerVoter, r)})
		}
	}
	return p, nil
}
