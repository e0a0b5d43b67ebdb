package voting

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// Stats is a campaign's turnout (§2.4 with the §12.9 fixes): Eligible
// counts active players with an active website account whose rank reaches
// min_rank_to_vote; Voted counts the eligible who have a ballot, so the
// percentage never passes 100; Ballots counts every ballot.
type Stats struct {
	Eligible int     `json:"total_eligible"`
	Voted    int     `json:"total_voted"`
	Ballots  int     `json:"total_ballots"`
	Percent  float64 `json:"percent_voted"`
	AllVoted bool    `json:"all_voted"`
}

func (s *Stats) derive() {
	if s.Eligible > 0 {
		s.Percent = math.Round(float64(s.Voted)/float64(s.Eligible)*1000) / 10
	}
	if s.Percent > 100 {
		s.Percent = 100
	}
	s.AllVoted = s.Eligible > 0 && s.Voted >= s.Eligible
}

func eligibleSQL(db *gorm.DB) string {
	return fmt.Sprintf(`SELECT p.id FROM %s p JOIN %s r ON r.id = p.guild_rank_id JOIN %s u ON u.id = p.website_user_id
WHERE r.level >= ? AND p.is_active = ? AND u.is_active = ?`,
		models.Table(db, &models.Player{}), models.Table(db, &models.GuildRank{}), models.Table(db, &models.User{}))
}

// CampaignStats computes the live turnout; for a closed campaign it
// returns the snapshot taken at close, so the numbers don't drift.
func CampaignStats(db *gorm.DB, c *models.Campaign) (Stats, error) {
	if c.Status == StatusClosed {
		var snap models.CampaignTally
		err := db.Where("campaign_id = ?", c.ID).Take(&snap).Error
		if err == nil {
			s := Stats{Eligible: snap.TotalEligible, Voted: snap.TotalVoted, Ballots: snap.TotalBallots}
			s.derive()
			return s, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return Stats{}, fmt.Errorf("load tally: %w", err)
		}
	}
	return statsOf(db, c)
}

func statsOf(db *gorm.DB, c *models.Campaign) (Stats, error) {
	var s Stats
	var n int64
	elig := eligibleSQL(db)
	if err := db.Raw("SELECT COUNT(*) FROM ("+elig+") e", c.MinRankToVote, true, true).Scan(&n).Error; err != nil {
		return s, fmt.Errorf("count eligible: %w", err)
	}
	s.Eligible = int(n)
	if err := db.Model(&models.Ballot{}).Where("campaign_id = ?", c.ID).Count(&n).Error; err != nil {
		return s, fmt.Errorf("count ballots: %w", err)
	}
	s.Ballots = int(n)
	if err := db.Model(&models.Ballot{}).Where("campaign_id = ? AND player_id IN ("+elig+")", c.ID, c.MinRankToVote, true, true).
		Count(&n).Error; err != nil {
		return s, fmt.Errorf("count voters: %w", err)
	}
	s.Voted = int(n)
	s.derive()
	return s, nil
}

// RankLevel is a player's guild rank level, 0 without a rank (§1.1).
func RankLevel(db *gorm.DB, playerID int) (int, error) {
	var lvl []int
	err := db.Raw(fmt.Sprintf("SELECT r.level FROM %s p JOIN %s r ON r.id = p.guild_rank_id WHERE p.id = ?",
		models.Table(db, &models.Player{}), models.Table(db, &models.GuildRank{})), playerID).Scan(&lvl).Error
	if err != nil {
		return 0, fmt.Errorf("rank of player %d: %w", playerID, err)
	}
	if len(lvl) == 0 {
		return 0, nil
	}
	return lvl[0], nil
}

// Visibility says what a viewer may see of a campaign (§6 with the
// §12.12 fix: drafts are for officers only).
type Visibility int

const (
	Hidden    Visibility = iota // as if it did not exist (drafts to non-officers)
	Forbidden                   // exists, but the viewer's rank is too low
	Visible
)

// VisibilityFor judges a campaign for a viewer of rank level (0 when
// anonymous); officers see everything.
func VisibilityFor(c *models.Campaign, level int, officer bool) Visibility {
	if officer {
		return Visible
	}
	if c.Status == StatusDraft {
		return Hidden
	}
	if c.MinRankToView != nil && *c.MinRankToView > 0 && level < *c.MinRankToView {
		return Forbidden
	}
	return Visible
}

// HasVoted reports whether the player has a ballot in the campaign.
func HasVoted(db *gorm.DB, campaignID, playerID int) (bool, error) {
	var n int64
	err := db.Model(&models.Ballot{}).Where("campaign_id = ? AND player_id = ?", campaignID, playerID).Count(&n).Error
	return n > 0, err
}

// Pick is one line of a stored ballot.
type Pick struct {
	EntryID int    `json:"entry_id"`
	Rank    int    `json:"rank"`
	Name    string `json:"-"`
}

// BallotOf returns a player's picks in rank order (nil: no ballot).
func BallotOf(db *gorm.DB, campaignID, playerID int) ([]Pick, error) {
	var picks []Pick
	err := db.Raw(fmt.Sprintf(`SELECT v.entry_id, v.rank, e.name FROM %s v JOIN %s e ON e.id = v.entry_id
WHERE v.campaign_id = ? AND v.player_id = ? ORDER BY v.rank`,
		models.Table(db, &models.Vote{}), models.Table(db, &models.CampaignEntry{})), campaignID, playerID).Scan(&picks).Error
	if err != nil {
		return nil, fmt.Errorf("load ballot: %w", err)
	}
	return picks, nil
}

// Standings is the campaign's current count: computed from the ballots
// while live or draft (decision 6, D1), the stored results once closed.
func Standings(db *gorm.DB, c *models.Campaign) (Tally, error) {
	if c.Status != StatusClosed {
		return countCampaign(db, c)
	}
	return storedTally(db, c)
}

func storedTally(db *gorm.DB, c *models.Campaign) (Tally, error) {
	t := Tally{Type: c.Type}
	if !ValidType(t.Type) {
		t.Type = TypeRankedChoice
	}
	type row struct {
		EntryID          int
		Name             string
		SortOrder        int
		FirstPlaceCount  int
		SecondPlaceCount int
		ThirdPlaceCount  int
		WeightedScore    int
		FinalRank        *int
	}
	var rows []row
	err := db.Raw(fmt.Sprintf(`SELECT r.entry_id, e.name, e.sort_order, r.first_place_count, r.second_place_count,
r.third_place_count, r.weighted_score, r.final_rank FROM %s r JOIN %s e ON e.id = r.entry_id
WHERE r.campaign_id = ? ORDER BY r.final_rank, e.sort_order, e.id`,
		models.Table(db, &models.CampaignResult{}), models.Table(db, &models.CampaignEntry{})), c.ID).Scan(&rows).Error
	if err != nil {
		return t, fmt.Errorf("load results: %w", err)
	}
	for i, r := range rows {
		s := Standing{EntryID: r.EntryID, Name: r.Name, SortOrder: r.SortOrder, Firsts: r.FirstPlaceCount,
			Seconds: r.SecondPlaceCount, Thirds: r.ThirdPlaceCount, Score: r.WeightedScore, Rank: i + 1}
		if r.FinalRank != nil {
			s.Rank = *r.FinalRank
		}
		t.Standings = append(t.Standings, s)
	}
	for i := range t.Standings {
		if (i > 0 && t.Standings[i-1].Rank == t.Standings[i].Rank) ||
			(i+1 < len(t.Standings) && t.Standings[i+1].Rank == t.Standings[i].Rank) {
			t.Standings[i].Tied = true
		}
	}
	var snap models.CampaignTally
	if err := db.Where("campaign_id = ?", c.ID).Limit(1).Find(&snap).Error; err != nil {
		return t, fmt.Errorf("load tally: %w", err)
	}
	t.Ballots = snap.TotalBallots
	if snap.Rounds != nil {
		if err := json.Unmarshal([]byte(*snap.Rounds), &t.Rounds); err != nil {
			return t, fmt.Errorf("decode rounds: %w", err)
		}
		elim := map[int]int{}
		for _, r := range t.Rounds {
			if r.Eliminated != 0 {
				elim[r.Eliminated] = r.Number
			}
		}
		for i := range t.Standings {
			t.Standings[i].EliminatedIn = elim[t.Standings[i].EntryID]
		}
	}
	return t, nil
}

// EndsIn is the time left until end_at, never negative.
func EndsIn(c *models.Campaign, now time.Time) time.Duration {
	d := EndAt(c).Sub(now)
	if d < 0 {
		return 0
	}
	return d
}

// BallotRow returns a player's ballot row in a campaign (nil: no ballot).
func BallotRow(db *gorm.DB, campaignID, playerID int) (*models.Ballot, error) {
	var bs []models.Ballot
	if err := db.Where("campaign_id = ? AND player_id = ?", campaignID, playerID).Limit(1).Find(&bs).Error; err != nil {
		return nil, fmt.Errorf("load ballot: %w", err)
	}
	if len(bs) == 0 {
		return nil, nil
	}
	return &bs[0], nil
}
