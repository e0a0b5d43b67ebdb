package models

import (
	"time"

	"gorm.io/gorm/schema"
)

// GuildSettings is the guild's one row of switches (id 1; migration 0120).
// A missing row means every switch is off.
type GuildSettings struct {
	ID                        int `gorm:"primaryKey"`
	CountUnverifiedCharacters bool
	UpdatedAt                 *time.Time
}

func (GuildSettings) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "guild_settings")
}
