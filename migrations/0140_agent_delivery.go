package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0140AgentDelivery gives the contest agent's posts a delivery record
// (issue 12 item 6): attempts and Discord's last error, when to try again
// (bounded back-off), and for a post split over several Discord messages
// how many parts went out and their ids, so a retry after a failure
// partway sends only the rest and never the first part twice. A row that
// cannot be posted ends as status 'failed' with its reason.
var step0140AgentDelivery = &gormigrate.Migration{
	ID: "0140_agent_delivery",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN last_error TEXT`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN next_attempt_at TIMESTAMPTZ`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN part_message_ids TEXT`,
			`CREATE INDEX contest_agent_log_status_idx ON {{patt.contest_agent_log}} (status, next_attempt_at)`,
		)
	},
	Rollback: func(tx *gorm.DB) error {
		// An index lives in its table's schema on Postgres and has a bare
		// name on SQLite.
		idx := "DROP INDEX IF EXISTS contest_agent_log_status_idx"
		if models.DialectOf(tx) == models.Postgres {
			idx = "DROP INDEX IF EXISTS patt.contest_agent_log_status_idx"
		}
		return exec(tx, idx,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN part_message_ids`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN parts_sent`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN next_attempt_at`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN last_error`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN attempts`,
		)
	},
}
