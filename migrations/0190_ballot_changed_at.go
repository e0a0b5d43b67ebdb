package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// step0190BallotChangedAt lets members change their ballot until the vote
// closes (issue 11 item 7): the ballot row stays (one per member, UNIQUE),
// its vote rows are replaced, and changed_at says when that last happened
// (null: the ballot is as first submitted).
var step0190BallotChangedAt = &gormigrate.Migration{
	ID: "0190_ballot_changed_at",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx, `ALTER TABLE {{patt.ballots}} ADD COLUMN changed_at TIMESTAMPTZ`)
	},
	Rollback: func(tx *gorm.DB) error {
		return exec(tx, `ALTER TABLE {{patt.ballots}} DROP COLUMN changed_at`)
	},
}
