package schedule

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"patt/models"
)

// SeasonOn is the season a day belongs to: among active seasons already
// started on that day (start_date ≤ day), the latest; ties go to the
// highest id (spec §6 fix). nil when there is none. The current season is
// SeasonOn(Today(now, guildZone)); a raid event belongs to SeasonOn its own
// event_date (spec §7.2 fix), not to the season of the day it was booked.
func SeasonOn(db *gorm.DB, day models.Date) (*models.RaidSeason, error) {
	var s models.RaidSeason
	err := db.Where("is_active = ? AND start_date <= ?", true, day).
		Order("start_date DESC").Order("id DESC").Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("season on %s: %w", day, err)
	}
	return &s, nil
}

// ListSeasons lists every season, newest start first.
func ListSeasons(db *gorm.DB) ([]models.RaidSeason, error) {
	var out []models.RaidSeason
	if err := db.Order("start_date DESC").Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list seasons: %w", err)
	}
	return out, nil
}
