package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// step0150BlizzardSettings holds the Blizzard API connection officers enter
// on /admin/sync (one row, id 1): client id, the secret only sealed
// (AES-GCM) with its last four characters as a hint, the region, and the
// guild's realm and name with their slugs. The environment's
// BLIZZARD_CLIENT_ID/SECRET, when set, win over it.
var step0150BlizzardSettings = &gormigrate.Migration{
	ID:       "0150_blizzard_settings",
	Migrate:  func(tx *gorm.DB) error { return blizzardSettingsTable.Migrate(tx) },
	Rollback: func(tx *gorm.DB) error { return blizzardSettingsTable.Rollback(tx) },
}

var blizzardSettingsTable = createTables("0150_blizzard_settings",
	table{name: "guild_identity.blizzard_settings", create: `
CREATE TABLE {{guild_identity.blizzard_settings}} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    client_id VARCHAR(100) NOT NULL DEFAULT '',
    secret_sealed TEXT,
    secret_hint VARCHAR(8),
    region VARCHAR(4) NOT NULL DEFAULT 'us' CHECK (region IN ('us', 'eu', 'kr', 'tw')),
    realm_name VARCHAR(100),
    realm_slug VARCHAR(100),
    guild_name VARCHAR(100),
    guild_slug VARCHAR(100),
    updated_at TIMESTAMPTZ,
    updated_by VARCHAR(100)
)`},
)
