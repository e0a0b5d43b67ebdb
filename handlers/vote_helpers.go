package handlers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/models"
	"patt/voting"
)

// intParam reads a numeric route parameter; anything else is a 404.
func intParam(c fiber.Ctx, name string) (int, error) {
	n, ok := idParam(c, name)
	if !ok {
		return 0, fiber.ErrNotFound
	}
	return n, nil
}

// visibleCampaign loads a campaign the viewer may see. Drafts are 404 to
// non-officers (§12.12); a rank too low is 403.
func (s *Server) visibleCampaign(c fiber.Ctx, id int) (*models.Campaign, error) {
	camp, err := voting.ViewCampaign(s.db(c), s.Now(), id, votingViewer(viewerOf(c)))
	switch {
	case errors.Is(err, voting.ErrCampaignHidden):
		return nil, fiber.NewError(fiber.StatusNotFound, "Campaign not found.")
	case errors.Is(err, voting.ErrCampaignRank):
		return nil, errForbiddenCampaign
	}
	return camp, err
}

// votingViewer is who the voting rules see: anonymous is player 0, rank 0.
func votingViewer(v *Viewer) voting.Viewer {
	if v == nil {
		return voting.Viewer{}
	}
	return voting.Viewer{PlayerID: v.PlayerID, Level: v.RankLevel, Officer: v.IsOfficer()}
}

var errForbiddenCampaign = fiber.NewError(fiber.StatusForbidden, "You don't have permission to view this campaign.")

// standingsView is the results panel (spec §8.4): live standings for
// voters, final results once closed.
type standingsView struct {
	CampaignID int
	Final      bool
	Poll       bool // live: the fragment refreshes itself
	IRV        bool
	Stats      voting.Stats
	Rows       []resultRow
	Rounds     []roundView
	MyPicks    []pickView
	// CanChange: the viewer voted, may vote, and the vote is still open,
	// so the page offers to change the ballot (issue 11 item 7).
	CanChange bool
	UpdatedAt string
	// ProgressClass is the turnout bar's width class for pages without JS.
	ProgressClass string
	// Refresh: rendered for a poll, so rows don't replay their fade-in.
	Refresh bool
}

type resultRow struct {
	Rank         int
	Medal        string
	Name         string
	ImageURL     string
	Winner, Tied bool
	Firsts       int
	Seconds      int
	Thirds       int
	Score        int
	ScoreText    string // "7 pts", "1 vote"
	BarPct       int
	BarClass     string
	EliminatedIn int
}

type roundView struct {
	Number    int
	Exhausted int
	Rows      []roundRow
}

type roundRow struct {
	Name                string
	Votes               int
	Eliminated, Winner  bool
	BarPct              int
	BarClass            string
	EliminatedThisRound bool
}

type pickView struct {
	Rank   int
	Name   string
	Points string
}

func pctClass(p int) string {
	p = int(math.Round(float64(p)/5) * 5)
	return fmt.Sprintf("w-%d", min(100, max(0, p)))
}

func pointsLabel(kind string, picks, rank int) string {
	if kind == voting.TypeIRV {
		return ordinal(rank) + " choice"
	}
	p := voting.Points(kind, picks, rank)
	if p == 1 {
		return "1 pt"
	}
	return strconv.Itoa(p) + " pts"
}

func ordinal(n int) string { return voting.Ordinal(n) }

// buildStandings computes the results panel for a campaign; playerID > 0
// adds that player's picks.
func (s *Server) buildStandings(db *gorm.DB, camp *models.Campaign, playerID int) (*standingsView, error) {
	tally, err := voting.Standings(db, camp)
	if err != nil {
		return nil, err
	}
	stats, err := voting.CampaignStats(db, camp)
	if err != nil {
		return nil, err
	}
	images := map[int]string{}
	for _, e := range camp.Entries {
		if e.ImageURL != nil {
			images[e.ID] = *e.ImageURL
		}
	}
	v := &standingsView{CampaignID: camp.ID, Final: camp.Status == voting.StatusClosed, Stats: stats,
		IRV:       tally.Type == voting.TypeIRV,
		UpdatedAt: s.Now().UTC().Format("15:04:05 UTC")}
	v.Poll = camp.Status == voting.StatusLive
	v.ProgressClass = pctClass(int(stats.Percent))
	scoreText := func(n int) string {
		switch {
		case v.IRV && n == 1:
			return "1 vote"
		case v.IRV:
			return strconv.Itoa(n) + " votes"
		case n == 1:
			return "1 pt"
		}
		return strconv.Itoa(n) + " pts"
	}
	top := 1
	for _, st := range tally.Standings {
		top = max(top, st.Score)
	}
	if stats.Ballots > 0 || tally.Ballots > 0 {
		for _, st := range tally.Standings {
			pct := max(int(math.Round(float64(st.Score)/float64(top)*100)), 2)
			r := resultRow{Rank: st.Rank, Name: st.Name, ImageURL: images[st.EntryID], Tied: st.Tied,
				Firsts: st.Firsts, Seconds: st.Seconds, Thirds: st.Thirds, Score: st.Score, ScoreText: scoreText(st.Score),
				BarPct: pct, BarClass: pctClass(pct), EliminatedIn: st.EliminatedIn}
			r.Medal = "#" + strconv.Itoa(st.Rank)
			// a medal is earned: an entry nobody picked gets none
			if st.Rank <= 3 && st.Score > 0 {
				r.Medal = []string{"🥇", "🥈", "🥉"}[st.Rank-1]
			}
			r.Winner = v.Final && st.Rank == 1
			v.Rows = append(v.Rows, r)
		}
	}
	for _, rd := range tally.Rounds {
		rv := roundView{Number: rd.Number, Exhausted: rd.Exhausted}
		most := 1
		for _, rc := range rd.Counts {
			most = max(most, rc.Votes)
		}
		for _, rc := range rd.Counts {
			pct := max(int(math.Round(float64(rc.Votes)/float64(most)*100)), 2)
			rv.Rows = append(rv.Rows, roundRow{Name: rc.Name, Votes: rc.Votes, BarPct: pct, BarClass: pctClass(pct),
				EliminatedThisRound: rd.Eliminated == rc.EntryID, Winner: rd.Winner == rc.EntryID})
		}
		v.Rounds = append(v.Rounds, rv)
	}
	if playerID > 0 {
		picks, err := voting.BallotOf(db, camp.ID, playerID)
		if err != nil {
			return nil, err
		}
		for _, p := range picks {
			v.MyPicks = append(v.MyPicks, pickView{Rank: p.Rank, Name: p.Name,
				Points: pointsLabel(camp.Type, camp.PicksPerVoter, p.Rank)})
		}
		if len(picks) > 0 && camp.Status == voting.StatusLive && s.Now().Before(voting.EndAt(camp)) {
			lvl, err := voting.RankLevel(db, playerID)
			if err != nil {
				return nil, err
			}
			v.CanChange = lvl >= camp.MinRankToVote
		}
	}
	return v, nil
}

// humanDuration renders a countdown's server-side text like app.js does.
func humanDuration(d time.Duration) string {
	sec := int(d.Seconds())
	if sec <= 0 {
		return "Voting has ended"
	}
	days, sec := sec/86400, sec%86400
	h, sec := sec/3600, sec%3600
	m, sec := sec/60, sec%60
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if days > 0 || h > 0 {
		parts = append(parts, fmt.Sprintf("%dh", h))
	}
	if days > 0 || h > 0 || m > 0 {
		parts = append(parts, fmt.Sprintf("%dm", m))
	}
	parts = append(parts, fmt.Sprintf("%ds", sec))
	return strings.Join(parts, " ")
}
