package voting

import (
	"fmt"
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

// FirstVisibleLive is the id of the earliest-started live campaign the
// viewer may see (the header's "Vote" link, spec §6), or 0 when there is
// none.
func FirstVisibleLive(db *gorm.DB, level int, officer bool) (int, error) {
	var cs []models.Campaign
	if err := db.Where("status = ?", StatusLive).Order("start_at, id").Find(&cs).Error; err != nil {
		return 0, fmt.Errorf("live campaigns: %w", err)
	}
	for i := range cs {
		if VisibilityFor(&cs[i], level, officer) == Visible {
			return cs[i].ID, nil
		}
	}
	return 0, nil
}
