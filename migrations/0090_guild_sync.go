package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0090GuildSync adds what the guild sync needs beyond the seed's
// columns (spec guild_sync §18–§19):
//   - wow_characters: missing_since (a character is removed only after two
//     successful roster syncs without it), the raw WoW rank index, race,
//     gender, average item level and the profile's Last-Modified (sent back
//     as If-Modified-Since);
//   - player_characters: how a link was made (link_source: manual, engine,
//     officer) and the engine's confidence, so a manual link is never undone;
//   - audit_issues: last_detected_at, refreshed each run the issue is seen;
//   - sync_log: live progress of a running sync (stage, done/total), shown
//     on /admin/sync while it runs.
var step0090GuildSync = &gormigrate.Migration{
	ID: "0090_guild_sync",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx, guildSyncColumnsUp...)
	},
	Rollback: func(tx *gorm.DB) error {
		// Postgres keeps an index in its table's schema.
		index := "sync_log_source_started_idx"
		if models.DialectOf(tx) == models.Postgres {
			index = "guild_identity." + index
		}
		if err := exec(tx, "DROP INDEX IF EXISTS "+index); err != nil {
			return err
		}
		return exec(tx, guildSyncColumnsDown...)
	},
}

var guildSyncColumnsUp = []string{
	`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN missing_since TIMESTAMPTZ`,
	`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN wow_rank INTEGER`,
	`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN race VARCHAR(40)`,
	`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN gender VARCHAR(20)`,
	`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN average_item_level INTEGER`,
	`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN profile_modified_at TIMESTAMPTZ`,
	`ALTER TABLE {{guild_identity.player_characters}} ADD COLUMN link_source VARCHAR(20)`,
	`ALTER TABLE {{guild_identity.player_characters}} ADD COLUMN confidence FLOAT`,
	`ALTER TABLE {{guild_identity.audit_issues}} ADD COLUMN last_detected_at TIMESTAMPTZ`,
	`ALTER TABLE {{guild_identity.sync_log}} ADD COLUMN stage VARCHAR(60)`,
	`ALTER TABLE {{guild_identity.sync_log}} ADD COLUMN progress_done INTEGER`,
	`ALTER TABLE {{guild_identity.sync_log}} ADD COLUMN progress_total INTEGER`,
	`CREATE INDEX sync_log_source_started_idx ON {{guild_identity.sync_log}} (source, started_at DESC)`,
}

var guildSyncColumnsDown = []string{
	`ALTER TABLE {{guild_identity.sync_log}} DROP COLUMN progress_total`,
	`ALTER TABLE {{guild_identity.sync_log}} DROP COLUMN progress_done`,
	`ALTER TABLE {{guild_identity.sync_log}} DROP COLUMN stage`,
	`ALTER TABLE {{guild_identity.audit_issues}} DROP COLUMN last_detected_at`,
	`ALTER TABLE {{guild_identity.player_characters}} DROP COLUMN confidence`,
	`ALTER TABLE {{guild_identity.player_characters}} DROP COLUMN link_source`,
	`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN profile_modified_at`,
	`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN average_item_level`,
	`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN gender`,
	`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN race`,
	`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN wow_rank`,
	`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN missing_since`,
}
