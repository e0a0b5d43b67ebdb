package models

import (
	"time"

	"gorm.io/gorm/schema"
)

// BlizzardSettings is the guild's Blizzard API connection as officers enter
// it on /admin/sync (one row, id 1; migration 0150). The client secret is
// kept only sealed (AES-GCM under a key derived from the site's secret);
// SecretHint is its last four characters, so officers can tell which one
// is saved. BLIZZARD_CLIENT_ID/SECRET in the environment win over the row.
type BlizzardSettings struct {
	ID           int `gorm:"primaryKey"`
	ClientID     string
	SecretSealed *string
	SecretHint   *string
	Region       string
	RealmName    *string
	RealmSlug    *string
	GuildName    *string
	GuildSlug    *string
	UpdatedAt    *time.Time
	UpdatedBy    *string
}

func (BlizzardSettings) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "blizzard_settings")
}
