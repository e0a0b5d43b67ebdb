package voting

import (
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Who may see a campaign and its standings (§6, §12.12). The pages and the
// JSON API ask the same functions; each surface words the refusals its own
// way by matching these sentinels.
var (
	// ErrCampaignHidden: missing, or a draft to a non-officer (as if it did
	// not exist).
	ErrCampaignHidden = fault.NotFound("Campaign not found")
	// ErrCampaignRank: the viewer's rank is below the campaign's view rank.
	ErrCampaignRank = fault.Forbidden("Insufficient rank to view this campaign")
	// ErrResultsNotYet: an anonymous viewer asked for standings before close.
	ErrResultsNotYet = fault.Forbidden("Results not yet available")
	// ErrVoteFirst: live standings are for those who have voted.
	ErrVoteFirst = fault.Forbidden("Vote to see live standings")
	// ErrVoteFirstLive: the live-standings feed is for voters, even after
	// close.
	ErrVoteFirstLive = fault.Forbidden("You must vote before seeing live standings")
)

// Viewer is who is looking: a player id (0 when anonymous), their rank
// level and whether they are an officer.
type Viewer struct {
	PlayerID int
	Level    int
	Officer  bool
}

// ViewCampaign loads a campaign the viewer may see, with entries, closing
// it first when its end has passed (§12.7: a read after end_at shows the
// final state). ErrCampaignHidden for a missing campaign or a draft to a
// non-officer, ErrCampaignRank for a rank too low.
func ViewCampaign(db *gorm.DB, now time.Time, id int, v Viewer) (*models.Campaign, error) {
	c, err := Get(db, id)
	if fault.Is(err, fault.KindNotFound) {
		return nil, ErrCampaignHidden
	}
	if err != nil {
		return nil, err
	}
	switch VisibilityFor(c, v.Level, v.Officer) {
	case Hidden:
		return nil, ErrCampaignHidden
	case Forbidden:
		return nil, ErrCampaignRank
	}
	return RefreshStatus(db, now, c)
}

// VisibleCampaigns lists the campaigns the viewer may see (officers'
// order: live, draft, closed), optionally of one status only.
func VisibleCampaigns(db *gorm.DB, v Viewer, status string) ([]models.Campaign, error) {
	cs, err := List(db)
	if err != nil {
		return nil, err
	}
	out := []models.Campaign{}
	for i := range cs {
		if status != "" && cs[i].Status != status {
			continue
		}
		if VisibilityFor(&cs[i], v.Level, v.Officer) == Visible {
			out = append(out, cs[i])
		}
	}
	return out, nil
}

// CheckStandingsAccess says whether the viewer may see a campaign's
// standings: anyone once it is closed, only voters while it runs.
func CheckStandingsAccess(db *gorm.DB, c *models.Campaign, playerID int) error {
	if c.Status == StatusClosed {
		return nil
	}
	if playerID == 0 {
		return ErrResultsNotYet
	}
	voted, err := HasVoted(db, c.ID, playerID)
	if err != nil {
		return err
	}
	if !voted {
		return ErrVoteFirst
	}
	return nil
}

// CheckLiveStandingsAccess guards the live-standings feed: voters only,
// even after close (§6).
func CheckLiveStandingsAccess(db *gorm.DB, c *models.Campaign, playerID int) error {
	voted, err := HasVoted(db, c.ID, playerID)
	if err != nil {
		return err
	}
	if !voted {
		return ErrVoteFirstLive
	}
	return nil
}
