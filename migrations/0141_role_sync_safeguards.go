package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// step0141RoleSyncSafeguards adds the role sync's safeguards (spec
// discord_bot §5): a dry-run switch (the bot says what it would change in
// Discord and changes nothing) and a cap on how many members' roles one
// run may change (the rest wait for later runs and are listed). bot_status
// keeps the latest role run's outcome (refused edits, edits left for a
// human, the dry run's plan) for the bot-settings page.
var step0141RoleSyncSafeguards = &gormigrate.Migration{
	ID: "0141_role_sync_safeguards",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{common.discord_config}} ADD COLUMN role_sync_dry_run BOOLEAN NOT NULL DEFAULT FALSE`,
			`ALTER TABLE {{common.discord_config}} ADD COLUMN role_sync_max_changes INTEGER NOT NULL DEFAULT 10`,
			`ALTER TABLE {{common.bot_status}} ADD COLUMN last_role_run_at TIMESTAMPTZ`,
			`ALTER TABLE {{common.bot_status}} ADD COLUMN last_role_run TEXT`,
		)
	},
	Rollback: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{common.bot_status}} DROP COLUMN last_role_run`,
			`ALTER TABLE {{common.bot_status}} DROP COLUMN last_role_run_at`,
			`ALTER TABLE {{common.discord_config}} DROP COLUMN role_sync_max_changes`,
			`ALTER TABLE {{common.discord_config}} DROP COLUMN role_sync_dry_run`,
		)
	},
}
