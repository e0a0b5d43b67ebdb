package identity

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/models"
)

const maxSeasonName = 100

// Listing seasons and finding the one a date falls in are scheduling's
// (schedule.ListSeasons, schedule.SeasonOn); identity keeps the officers'
// edits of the Reference Tables.

// SeasonByID returns the season or a KindNotFound fault.
func SeasonByID(db *gorm.DB, id int) (models.RaidSeason, error) {
	var s models.RaidSeason
	err := db.Take(&s, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return s, notFound("Season %d not found", id)
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
		return s, invalid("start_date", "Start date is required (YYYY-MM-DD).")
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
	Name     Change[string]
	IsActive Change[bool]
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
		return invalid("name", "Season name is required.")
	case len(name) > maxSeasonName:
		return invalid("name", "Season name must be at most %d characters.", maxSeasonName)
	}
	return nil
}
