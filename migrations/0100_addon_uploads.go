package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0100AddonUploads holds the PATTSync upload path: the uploaders an
// officer issued keys to (only a SHA-256 of each key is kept; the key is
// shown once) and every upload received, with its raw body for a while
// (the retention job clears raw after 30 days) and what it changed.
// (exporter, export_time) is unique: the same export uploaded twice is
// recognised and changes nothing, even when two uploads race.
var step0100AddonUploads = createTables("0100_addon_uploads",
	table{name: "guild_identity.addon_uploaders", create: `
CREATE TABLE {{guild_identity.addon_uploaders}} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    key_prefix VARCHAR(16) NOT NULL,
    key_hash VARCHAR(64) NOT NULL UNIQUE,
    created_by_player_id INTEGER REFERENCES {{guild_identity.players}}(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
)`, indexes: []string{
		`CREATE INDEX addon_uploaders_key_prefix_idx ON {{guild_identity.addon_uploaders}} (key_prefix)`,
	}},
	table{name: "guild_identity.addon_uploads", create: `
CREATE TABLE {{guild_identity.addon_uploads}} (
    id SERIAL PRIMARY KEY,
    uploader_id INTEGER REFERENCES {{guild_identity.addon_uploaders}}(id) ON DELETE SET NULL,
    uploader_name VARCHAR(100) NOT NULL,
    status VARCHAR(20) NOT NULL,
    schema_version INTEGER NOT NULL,
    addon_version VARCHAR(20) NOT NULL DEFAULT '',
    export_time BIGINT NOT NULL,
    exporter_name VARCHAR(50) NOT NULL DEFAULT '',
    exporter_realm VARCHAR(100) NOT NULL DEFAULT '',
    guild_name VARCHAR(100) NOT NULL DEFAULT '',
    member_count INTEGER NOT NULL,
    content_hash VARCHAR(64) NOT NULL,
    summary JSONB,
    raw TEXT,
    sync_log_id INTEGER REFERENCES {{guild_identity.sync_log}}(id) ON DELETE SET NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (exporter_name, exporter_realm, export_time)
)`, indexes: []string{
		`CREATE INDEX addon_uploads_export_time_idx ON {{guild_identity.addon_uploads}} (export_time DESC)`,
		`CREATE INDEX addon_uploads_received_at_idx ON {{guild_identity.addon_uploads}} (received_at)`,
	}},
)

// step0101CharacterAddonColumns adds what PATTSync knows about a character
// that the seed's columns do not hold: its GUID (the exact match for later
// uploads) and when the roster last saw it online (approximate: the game
// reports whole hours).
var step0101CharacterAddonColumns = &gormigrate.Migration{
	ID: "0101_character_addon_columns",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN addon_guid VARCHAR(40)`,
			`ALTER TABLE {{guild_identity.wow_characters}} ADD COLUMN addon_last_online_at TIMESTAMPTZ`,
			`CREATE INDEX wow_characters_addon_guid_idx ON {{guild_identity.wow_characters}} (addon_guid)`,
		)
	},
	Rollback: func(tx *gorm.DB) error {
		// Postgres drops the index with its column; SQLite refuses to drop
		// an indexed column, so the index goes first there.
		if models.DialectOf(tx) == models.SQLite {
			if err := exec(tx, `DROP INDEX IF EXISTS wow_characters_addon_guid_idx`); err != nil {
				return err
			}
		}
		return exec(tx,
			`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN addon_last_online_at`,
			`ALTER TABLE {{guild_identity.wow_characters}} DROP COLUMN addon_guid`,
		)
	},
}
