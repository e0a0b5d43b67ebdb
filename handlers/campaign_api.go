package handlers

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/models"
	"patt/voting"
)

// CampaignDTO is a campaign in the API (§7.2), with entries in display
// order (§12.15) and the agent settings and end time added.
type CampaignDTO struct {
	ID                   int        `json:"id"`
	Title                string     `json:"title"`
	Description          *string    `json:"description"`
	Type                 string     `json:"type"`
	PicksPerVoter        int        `json:"picks_per_voter"`
	MinRankToVote        int        `json:"min_rank_to_vote"`
	MinRankToView        *int       `json:"min_rank_to_view"`
	StartAt              string     `json:"start_at"`
	EndAt                string     `json:"end_at"`
	DurationHours        int        `json:"duration_hours"`
	Status               string     `json:"status"`
	EarlyCloseIfAllVoted bool       `json:"early_close_if_all_voted"`
	DiscordChannelID     *string    `json:"discord_channel_id"`
	AgentEnabled         bool       `json:"agent_enabled"`
	AgentChattiness      string     `json:"agent_chattiness"`
	CreatedBy            *int       `json:"created_by"`
	Entries              []EntryDTO `json:"entries"`
}

// EntryDTO is an entry in the API.
type EntryDTO struct {
	ID                 int     `json:"id"`
	CampaignID         int     `json:"campaign_id,omitempty"`
	Name               string  `json:"name"`
	Description        *string `json:"description"`
	ImageURL           *string `json:"image_url"`
	SortOrder          int     `json:"sort_order"`
	AssociatedMemberID *int    `json:"associated_member_id"`
}

// ResultDTO is one line of results (§5.4); Tied marks a shared rank.
type ResultDTO struct {
	Entry            resultEntryDTO `json:"entry"`
	FirstPlaceCount  int            `json:"first_place_count"`
	SecondPlaceCount int            `json:"second_place_count"`
	ThirdPlaceCount  int            `json:"third_place_count"`
	WeightedScore    int            `json:"weighted_score"`
	FinalRank        int            `json:"final_rank"`
	Tied             bool           `json:"tied"`
	EliminatedIn     int            `json:"eliminated_in_round,omitempty"`
}

type resultEntryDTO struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	ImageURL    *string `json:"image_url"`
	Description *string `json:"description"`
}

func entryDTO(e models.CampaignEntry) EntryDTO {
	d := EntryDTO{ID: e.ID, Name: e.Name, Description: e.Description, ImageURL: e.ImageURL,
		SortOrder: e.SortOrder, AssociatedMemberID: e.PlayerID}
	if e.CampaignID != nil {
		d.CampaignID = *e.CampaignID
	}
	return d
}

func campaignDTO(c *models.Campaign) CampaignDTO {
	d := CampaignDTO{ID: c.ID, Title: c.Title, Description: c.Description, Type: c.Type,
		PicksPerVoter: c.PicksPerVoter, MinRankToVote: c.MinRankToVote, MinRankToView: c.MinRankToView,
		StartAt: c.StartAt.UTC().Format(time.RFC3339), EndAt: voting.EndAt(c).UTC().Format(time.RFC3339),
		DurationHours: c.DurationHours, Status: c.Status, EarlyCloseIfAllVoted: c.EarlyCloseIfAllVoted,
		DiscordChannelID: c.DiscordChannelID, AgentEnabled: c.AgentEnabled, AgentChattiness: c.AgentChattiness,
		CreatedBy: c.CreatedByPlayerID, Entries: []EntryDTO{}}
	for _, e := range c.Entries {
		d.Entries = append(d.Entries, entryDTO(e))
	}
	return d
}

// apiCampaign loads a campaign the viewer may see: 404 for missing and for
// drafts (to non-officers), 403 for a rank too low.
func (s *Server) apiCampaign(c fiber.Ctx) (*models.Campaign, error) {
	id, err := atoiParam(c, "id")
	if err != nil {
		return nil, apiError(c, fiber.StatusNotFound, "Not found")
	}
	return voting.ViewCampaign(s.db(c), s.Now(), id, votingViewer(viewerOf(c)))
}

// apiCampaignList handles GET /api/v1/campaigns?status=.
func (s *Server) apiCampaignList(c fiber.Ctx) error {
	cs, err := voting.VisibleCampaigns(s.db(c), votingViewer(viewerOf(c)), c.Query("status"))
	if err != nil {
		return err
	}
	out := []CampaignDTO{}
	for i := range cs {
		out = append(out, campaignDTO(&cs[i]))
	}
	return apiOK(c, out)
}

// apiCampaignShow handles GET /api/v1/campaigns/{id}.
func (s *Server) apiCampaignShow(c fiber.Ctx) error {
	camp, err := s.apiCampaign(c)
	if camp == nil {
		return err
	}
	return apiOK(c, campaignDTO(camp))
}

func (s *Server) resultsDTO(db *gorm.DB, camp *models.Campaign) ([]ResultDTO, error) {
	t, err := voting.Standings(db, camp)
	if err != nil {
		return nil, err
	}
	entries := map[int]models.CampaignEntry{}
	for _, e := range camp.Entries {
		entries[e.ID] = e
	}
	out := []ResultDTO{}
	for _, st := range t.Standings {
		e := entries[st.EntryID]
		out = append(out, ResultDTO{Entry: resultEntryDTO{ID: st.EntryID, Name: st.Name, ImageURL: e.ImageURL, Description: e.Description},
			FirstPlaceCount: st.Firsts, SecondPlaceCount: st.Seconds, ThirdPlaceCount: st.Thirds,
			WeightedScore: st.Score, FinalRank: st.Rank, Tied: st.Tied, EliminatedIn: st.EliminatedIn})
	}
	return out, nil
}

// apiCampaignResults handles GET /api/v1/campaigns/{id}/results: anyone who
// may see a closed campaign; only voters while live (D1: computed live).
func (s *Server) apiCampaignResults(c fiber.Ctx) error {
	camp, err := s.apiCampaign(c)
	if camp == nil {
		return err
	}
	if err := voting.CheckStandingsAccess(s.db(c), camp, votingViewer(viewerOf(c)).PlayerID); err != nil {
		return err
	}
	out, err := s.resultsDTO(s.db(c), camp)
	if err != nil {
		return err
	}
	return apiOK(c, out)
}

// apiCampaignResultsLive handles GET …/results/live: voters only, even
// after close (§6).
func (s *Server) apiCampaignResultsLive(c fiber.Ctx) error {
	camp, err := s.apiCampaign(c)
	if camp == nil {
		return err
	}
	if err := voting.CheckLiveStandingsAccess(s.db(c), camp, viewerOf(c).PlayerID); err != nil {
		return err
	}
	out, err := s.resultsDTO(s.db(c), camp)
	if err != nil {
		return err
	}
	return apiOK(c, out)
}

// apiCampaignMyVote handles GET …/my-vote.
func (s *Server) apiCampaignMyVote(c fiber.Ctx) error {
	camp, err := s.apiCampaign(c)
	if camp == nil {
		return err
	}
	picks, err := voting.BallotOf(s.db(c), camp.ID, viewerOf(c).PlayerID)
	if err != nil {
		return err
	}
	if len(picks) == 0 {
		return apiError(c, fiber.StatusNotFound, "You have not voted in this campaign")
	}
	return apiOK(c, fiber.Map{"campaign_id": camp.ID, "votes": picks})
}

// apiCampaignVote handles POST …/vote with {"picks":[{entry_id,rank}]}.
func (s *Server) apiCampaignVote(c fiber.Ctx) error {
	camp, err := s.apiCampaign(c)
	if camp == nil {
		return err
	}
	picks, err := voting.ParseBallotJSON(c.Body())
	if err != nil {
		return err
	}
	v := viewerOf(c)
	if err := voting.CastBallot(s.db(c), s.Now(), camp.ID, v.PlayerID, picks); err != nil {
		return err
	}
	stored, err := voting.BallotOf(s.db(c), camp.ID, v.PlayerID)
	if err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"campaign_id": camp.ID, "player_id": v.PlayerID, "votes": stored})
}

// decodeObject reads a JSON object body keeping which keys were present
// (PATCH distinguishes absent from null, decision 4). A body that is not
// an object is 400.
func decodeObject(c fiber.Ctx) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(c.Body(), &m); err != nil || m == nil {
		return nil, apiError(c, fiber.StatusBadRequest, "Malformed JSON: expected an object")
	}
	return m, nil
}
