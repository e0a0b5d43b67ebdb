package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"patt/models"
	"patt/voting"
)

// seedCampaigns gives the demo guild two campaigns: a live art vote (ranked
// choice) with ballots coming in, and a closed instant-runoff vote with its
// results. It goes through the voting rules, as an officer and the voters
// would.
func seedCampaigns(tx *gorm.DB, g *Guild, r *rand.Rand) error {
	// Voters need a website account to count as eligible (§2.4): demo
	// members of rank Member and up get one (no password: nobody logs in
	// as them).
	var voters []models.Player
	for i := range g.Players {
		p := &g.Players[i]
		if p.GuildRankID == nil || !p.IsActive {
			continue
		}
		lvl := 0
		for l, rk := range g.Ranks {
			if rk.ID == *p.GuildRankID {
				lvl = l
			}
		}
		if lvl < 2 {
			continue
		}
		if p.WebsiteUserID == nil {
			u := models.User{PasswordHash: "!demo-account-no-login", IsActive: true, CreatedAt: g.Now, UpdatedAt: g.Now}
			if err := tx.Create(&u).Error; err != nil {
				return fmt.Errorf("demo voter account: %w", err)
			}
			if err := tx.Model(p).Update("website_user_id", u.ID).Error; err != nil {
				return err
			}
			p.WebsiteUserID = &u.ID
		}
		voters = append(voters, *p)
	}
	var creator *int
	if len(g.Officers) > 0 {
		creator = &g.Officers[0].ID
	}

	live := voting.Settings{
		Title:       "Guild Banner Art Vote",
		Description: "Six pieces from our artists: rank your favourite three. The winner flies on the guild banner all season.",
		Type:        voting.TypeRankedChoice, PicksPerVoter: 3, MinRankToVote: 2, DurationHours: 168,
		StartAt: g.Now.Add(-49 * time.Hour).Truncate(time.Hour), EarlyCloseIfAllVoted: true,
		AgentEnabled: true, AgentChattiness: voting.ChatNormal,
	}
	if err := demoCampaign(tx, g, r, live, creator, voters, 0.45, false,
		"Trogmoon Rising", "Rocket Ride", "Mito at the Forge", "Shodoom's Storm", "Skate or Die", "Kronas the Bold"); err != nil {
		return err
	}
	closed := voting.Settings{
		Title:       "Raid Night Snack Vote",
		Description: "Instant runoff: the guild's official raid-night snack, decided properly.",
		Type:        voting.TypeIRV, PicksPerVoter: 3, MinRankToVote: 2, DurationHours: 72,
		StartAt: g.Now.Add(-10 * 24 * time.Hour).Truncate(time.Hour), EarlyCloseIfAllVoted: false,
		AgentEnabled: true, AgentChattiness: voting.ChatQuiet,
	}
	return demoCampaign(tx, g, r, closed, creator, voters, 0.7, true,
		"Pizza", "Tacos", "Sushi", "Nachos", "Dumplings")
}

func demoCampaign(tx *gorm.DB, g *Guild, r *rand.Rand, st voting.Settings, creator *int, voters []models.Player,
	turnout float64, closeIt bool, names ...string) error {
	created := st.StartAt.Add(-time.Hour)
	c, err := voting.Create(tx, created, st, creator)
	if err != nil {
		return fmt.Errorf("demo campaign %q: %w", st.Title, err)
	}
	var ids []int
	for i, n := range names {
		n, i := n, i
		e, err := voting.AddEntry(tx, c.ID, voting.EntryPatch{Name: &n, SortOrder: &i})
		if err != nil {
			return err
		}
		ids = append(ids, e.ID)
	}
	if _, err := voting.Activate(tx, st.StartAt, c.ID); err != nil {
		return err
	}
	// Popularity is skewed so there is a race: earlier entries are liked
	// a little more.
	weights := make([]float64, len(ids))
	for i := range weights {
		weights[i] = 1 + float64(len(ids)-i)*0.35 + r.Float64()
	}
	end := voting.EndAt(&models.Campaign{StartAt: st.StartAt, DurationHours: st.DurationHours})
	window := end.Sub(st.StartAt)
	if !closeIt {
		window = g.Now.Sub(st.StartAt)
	}
	for _, p := range voters {
		if r.Float64() > turnout {
			continue
		}
		at := st.StartAt.Add(time.Duration(r.Float64() * float64(window) * 0.9))
		if err := voting.CastBallot(tx, at, c.ID, p.ID, weightedPicks(r, ids, weights, st.PicksPerVoter)); err != nil {
			return fmt.Errorf("demo ballot: %w", err)
		}
	}
	if closeIt {
		if _, err := voting.Close(tx, end, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// weightedPicks draws n distinct entries, likelier ones first.
func weightedPicks(r *rand.Rand, ids []int, weights []float64, n int) []voting.Pick {
	left := append([]int{}, ids...)
	w := append([]float64{}, weights...)
	var picks []voting.Pick
	for rank := 1; rank <= n && len(left) > 0; rank++ {
		total := 0.0
		for _, x := range w {
			total += x
		}
		x := r.Float64() * total
		i := 0
		for ; i < len(w)-1 && x > w[i]; i++ {
			x -= w[i]
		}
		picks = append(picks, voting.Pick{EntryID: left[i], Rank: rank})
		left = append(left[:i], left[i+1:]...)
		w = append(w[:i], w[i+1:]...)
	}
	return picks
}
