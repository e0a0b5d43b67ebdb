package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// step0160RaidHelperUnknownDetails keeps what a Raid-Helper signer no
// player matches answered — class and spec names, when (entry_time) and
// Raid-Helper's signup id — so an officer who links the signer to a player
// turns it into that player's signup at once, in the same transaction,
// without asking Raid-Helper again (issue 16: one-click link).
var step0160RaidHelperUnknownDetails = &gormigrate.Migration{
	ID: "0160_raid_helper_unknown_details",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} ADD COLUMN class_name VARCHAR(30) NOT NULL DEFAULT ''`,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} ADD COLUMN spec_name VARCHAR(30) NOT NULL DEFAULT ''`,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} ADD COLUMN entry_time TIMESTAMPTZ`,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} ADD COLUMN rh_signup_id VARCHAR(40)`,
		)
	},
	Rollback: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} DROP COLUMN rh_signup_id`,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} DROP COLUMN entry_time`,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} DROP COLUMN spec_name`,
			`ALTER TABLE {{patt.raid_helper_unknown_signups}} DROP COLUMN class_name`,
		)
	},
}
