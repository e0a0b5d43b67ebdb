package identity

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// CountUnverified reports whether members' own, unconfirmed characters
// count on the roster (off until an officer turns it on).
func CountUnverified(db *gorm.DB) (bool, error) {
	var gs models.GuildSettings
	if err := db.Where("id = ?", 1).Limit(1).Find(&gs).Error; err != nil {
		return false, fmt.Errorf("load guild settings: %w", err)
	}
	return gs.CountUnverifiedCharacters, nil
}

// SetCountUnverified is an officer switching that on or off.
func SetCountUnverified(db *gorm.DB, by Actor, on bool, now time.Time) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var gs models.GuildSettings
		if err := tx.Where("id = ?", 1).Limit(1).Find(&gs).Error; err != nil {
			return fmt.Errorf("load guild settings: %w", err)
		}
		before := gs.CountUnverifiedCharacters
		t := now.UTC()
		var err error
		if gs.ID == 0 {
			err = tx.Create(&models.GuildSettings{ID: 1, CountUnverifiedCharacters: on, UpdatedAt: &t}).Error
		} else {
			err = tx.Model(&models.GuildSettings{}).Where("id = ?", 1).
				Updates(map[string]any{"count_unverified_characters": on, "updated_at": t}).Error
		}
		if err != nil {
			return fmt.Errorf("save guild settings: %w", err)
		}
		return audit(tx, by, "settings.count_unverified", "guild_settings", 1, "", before, on)
	})
}
