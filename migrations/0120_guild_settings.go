package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// step0120GuildSettings holds the guild's own switches, one row (id 1):
// count_unverified_characters lets characters members added themselves
// (not yet confirmed by an officer) count on the roster — a guild with no
// Blizzard sync may want that, a synced one rarely does. The public roster
// depends on it, so its writes move the page cache's change counter.
var step0120GuildSettings = &gormigrate.Migration{
	ID: "0120_guild_settings",
	Migrate: func(tx *gorm.DB) error {
		if err := guildSettingsTable.Migrate(tx); err != nil {
			return err
		}
		return BumpContentVersionOn(tx, "common.guild_settings")
	},
	Rollback: func(tx *gorm.DB) error {
		if err := dropContentVersionTriggers(tx, "common.guild_settings"); err != nil {
			return err
		}
		return guildSettingsTable.Rollback(tx)
	},
}

var guildSettingsTable = createTables("0120_guild_settings",
	table{name: "common.guild_settings", create: `
CREATE TABLE {{common.guild_settings}} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    count_unverified_characters BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ
)`},
)
