package handlers

import (
	"strings"

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
	StatusLabel string
	Type        string
	TypeLabel   string
	TypeHint    string
	// Scoring says what each pick earns, from the campaign's own table.
	Scoring string
	State   string
	// Changing: a member who voted is re-ranking (the ballot form,
	// prefilled with their picks, posts a change).
	Changing  bool
	Picks     int
	EndsAtISO string
	EndsIn    string
	OpensAt   string
	MinRank   int
	Entries   []entryView
	Slots     []pickView
	Ranks     []int
	Standings *standingsView
	Error     string
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
	return s.buildVotePage(c, camp, c.Query("change") == "1")
}

// statusLabel is a campaign status as the badge shows it.
func statusLabel(status string) string {
	if status == voting.StatusScheduled {
		return "OPENS SOON"
	}
	return strings.ToUpper(status)
}

// buildVotePage decides what the viewer sees; changing asks for the ballot
// form again, prefilled, for a member who voted and may still change it.
func (s *Server) buildVotePage(c fiber.Ctx, camp *models.Campaign, changing bool) (*votePage, error) {
	v := viewerOf(c)
	now := s.Now()
	scoring := voting.ScoringText(camp.Type, camp.PicksPerVoter)
	p := &votePage{ID: camp.ID, Title: camp.Title, Status: camp.Status, StatusLabel: statusLabel(camp.Status),
		Type: camp.Type, TypeLabel: voting.TypeLabel(camp.Type, camp.PicksPerVoter), TypeHint: scoring,
		Scoring: scoring, Picks: camp.PicksPerVoter, MinRank: camp.MinRankToVote}
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

	var mine []voting.Pick
	switch {
	case camp.Status == voting.StatusDraft:
		p.State = stateUpcoming
		p.Entries = nil
	case camp.Status == voting.StatusScheduled:
		// members see what they will rank; visitors only when it opens
		p.State = stateUpcoming
		if v == nil {
			p.Entries = nil
		}
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
		canVote := v.RankLevel >= camp.MinRankToVote
		switch {
		case voted && changing && canVote:
			p.State, p.Changing = stateCanVote, true
			if mine, err = voting.BallotOf(s.db(c), camp.ID, v.PlayerID); err != nil {
				return nil, err
			}
		case voted:
			p.State = stateVoted
		case canVote:
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
	if p.Changing {
		given := map[int]int{}
		for _, m := range mine {
			given[m.EntryID] = m.Rank
		}
		for i := range p.Entries {
			p.Entries[i].Rank = given[p.Entries[i].ID]
		}
	}
	if p.State == stateCanVote {
		for r := 1; r <= camp.PicksPerVoter; r++ {
			p.Ranks = append(p.Ranks, r)
			p.Slots = append(p.Slots, pickView{Rank: r, Points: pointsLabel(camp.Type, camp.PicksPerVoter, r)})
		}
	}
	return p, nil
}
