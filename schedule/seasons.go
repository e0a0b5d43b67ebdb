package schedule

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
	"patt/models"
)

// Raid seasons live here, all of them: listing, the season of a day, and
// the officers' edits from the Reference Tables and the admin API.

const maxSeasonName = 100

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

// SeasonByID returns the season or a KindNotFound fault.
func SeasonByID(db *gorm.DB, id int) (models.RaidSeason, error) {
	var s models.RaidSeason
	err := db.Take(&s, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return s, fault.NotFound(fmt.Sprintf("Season %d not found", id))
	}
	if err != nil {
		return s, fmt.Errorf("load season %d: %w", id, err)
	}
	return s, nil
}

// CreateSeason adds a season. Its start date can never change afterwards:
// raid events and attendance are counted against it.
func CreateSeason(db *gorm.DB, name string, start models.Date, active bool) (models.RaidSeason, error) {
	s := models.RaidSeason{Name: strings.TrimSpace(name), StartDate: start, IsActive: active}
	if err := validateSeasonName(s.Name); err != nil {
		return s, err
	}
	if start.IsZero() {
		return s, fault.Invalid("start_date", "Start date is required (YYYY-MM-DD).")
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&s).Error; err != nil {
			return fmt.Errorf("create season %q: %w", s.Name, err)
		}
		return nil
	})
	return s, err
}

// SeasonPatch changes a season's name or active flag; the start date is
// immutable.
type SeasonPatch struct {
	Name     identity.Change[string]
	IsActive identity.Change[bool]
}

// UpdateSeason applies a patch.
func UpdateSeason(db *gorm.DB, id int, p SeasonPatch) (models.RaidSeason, error) {
	var s models.RaidSeason
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if s, err = SeasonByID(tx, id); err != nil {
			return err
		}
		if p.Name.Set {
			s.Name = strings.TrimSpace(p.Name.Value)
			if err := validateSeasonName(s.Name); err != nil {
				return err
			}
		}
		if p.IsActive.Set {
			s.IsActive = p.IsActive.Value
		}
		if err := tx.Model(&s).Select("name", "is_active").Updates(&s).Error; err != nil {
			return fmt.Errorf("update season %d: %w", id, err)
		}
		return nil
	})
	return s, err
}

func validateSeasonName(name string) error {
	switch {
	case name == "":
		return fault.Invalid("name", "Season name is required.")
	case len(name) > maxSeasonName:
		return fault.Invalid("name", fmt.Sprintf("Season name must be at most %d characters.", maxSeasonName))
	}
	return nil
}
