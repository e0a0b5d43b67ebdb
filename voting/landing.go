package voting

import (
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// Landing is what the landing page shows of the votes (§12.15): every live
// campaign a viewer may see, newest start first, and the three latest
// closed ones, newest close first. Drafts never reach it, officers
// included.
type Landing struct {
	Live   []models.Campaign
	Recent []models.Campaign
}

// LandingCampaigns loads the landing page's campaigns, with entries, for a
// viewer of rank level (0 when anonymous).
func LandingCampaigns(db *gorm.DB, level int) (Landing, error) {
	var cs []models.Campaign
	if err := db.Where("status IN ?", []string{StatusLive, StatusClosed}).
		Preload("Entries").Order("start_at DESC, id DESC").Find(&cs).Error; err != nil {
		return Landing{}, fmt.Errorf("landing campaigns: %w", err)
	}
	var out Landing
	var closed []models.Campaign
	for _, c := range cs {
		if VisibilityFor(&c, level, false) != Visible {
			continue
		}
		if c.Status == StatusLive {
			out.Live = append(out.Live, c)
		} else {
			closed = append(closed, c)
		}
	}
	for len(closed) > 0 && len(out.Recent) < 3 {
		best := 0
		for i := range closed {
			if ClosedAt(&closed[i]).After(ClosedAt(&closed[best])) {
				best = i
			}
		}
		out.Recent = append(out.Recent, closed[best])
		closed = append(closed[:best], closed[best+1:]...)
	}
	return out, nil
}

// ClosedAt is when a closed campaign ended: its end time, or earlier when
// it closed early (an early close leaves UpdatedAt at the close time).
func ClosedAt(c *models.Campaign) time.Time {
	end := EndAt(c)
	if c.UpdatedAt.Before(end) {
		return c.UpdatedAt
	}
	return end
}

// Listing is the /vote page: the campaigns a viewer may see that are
// live (soonest end first), scheduled (soonest start first) and the most
// recently closed ones (newest close first). Drafts never appear, officers
// included: they live in the editor.
type Listing struct {
	Live, Upcoming, Recent []models.Campaign
	// Voted holds the ids of the campaigns the viewer has a ballot in.
	Voted map[int]bool
}

// RecentClosed is how many closed campaigns /vote lists.
const RecentClosed = 10

// ListFor loads the /vote listing, with entries, for a viewer.
func ListFor(db *gorm.DB, v Viewer) (Listing, error) {
	var cs []models.Campaign
	if err := db.Where("status IN ?", []string{StatusLive, StatusScheduled, StatusClosed}).
		Preload("Entries").Order("start_at, id").Find(&cs).Error; err != nil {
		return Listing{}, fmt.Errorf("vote listing: %w", err)
	}
	out := Listing{Voted: map[int]bool{}}
	for _, c := range cs {
		if VisibilityFor(&c, v.Level, v.Officer) != Visible {
			continue
		}
		switch c.Status {
		case StatusLive:
			out.Live = append(out.Live, c)
		case StatusScheduled:
			out.Upcoming = append(out.Upcoming, c)
		default:
			out.Recent = append(out.Recent, c)
		}
	}
	sort.SliceStable(out.Live, func(i, j int) bool { return EndAt(&out.Live[i]).Before(EndAt(&out.Live[j])) })
	sort.SliceStable(out.Recent, func(i, j int) bool { return ClosedAt(&out.Recent[i]).After(ClosedAt(&out.Recent[j])) })
	if len(out.Recent) > RecentClosed {
		out.Recent = out.Recent[:RecentClosed]
	}
	if v.PlayerID > 0 {
		var ids []int
		if err := db.Model(&models.Ballot{}).Where("player_id = ?", v.PlayerID).Pluck("campaign_id", &ids).Error; err != nil {
			return Listing{}, fmt.Errorf("my ballots: %w", err)
		}
		for _, id := range ids {
			out.Voted[id] = true
		}
	}
	return out, nil
}
