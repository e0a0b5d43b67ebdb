package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0110PattRaidSignups adds raids end to end (scheduling §7–§9, issue 16):
//   - raid_events learn where they came from (origin manual|generated), whether
//     the night was cancelled (status), and their Raid-Helper booking state
//     (rh_state none|pending|booked|failed|cancelled). "pending" is written
//     before Raid-Helper is called, so a crash between the call and the
//     insert cannot book twice (§9.6 fix). A generated night is unique per
//     (recurring_event_id, event_date); the index is partial on origin so
//     rows officers created by hand before this step never block it.
//   - patt.raid_signups: a member's answer for one raid (signed, tentative,
//     late, bench, absent), with character, role and note; the latest change
//     wins between the site and Raid-Helper, so each row keeps its source and
//     when it changed.
//   - patt.raid_bookings: every booking attempt, shown to officers.
//   - patt.raid_helper_unknown_signups: Raid-Helper signers no player
//     matches by Discord id, listed for officers.
var step0110PattRaidSignups = &gormigrate.Migration{
	ID: "0110_patt_raid_signups",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx,
			`ALTER TABLE {{patt.raid_events}} ADD COLUMN origin VARCHAR(10) NOT NULL DEFAULT 'manual'`,
			`ALTER TABLE {{patt.raid_events}} ADD COLUMN status VARCHAR(12) NOT NULL DEFAULT 'scheduled'`,
			`ALTER TABLE {{patt.raid_events}} ADD COLUMN rh_state VARCHAR(12) NOT NULL DEFAULT 'none'`,
			`ALTER TABLE {{patt.raid_events}} ADD COLUMN rh_state_at TIMESTAMPTZ`,
			`ALTER TABLE {{patt.raid_events}} ADD COLUMN signups_imported_at TIMESTAMPTZ`,
			`CREATE UNIQUE INDEX raid_events_generated_night_uidx ON {{patt.raid_events}} (recurring_event_id, event_date) WHERE origin = 'generated'`,
			`CREATE INDEX raid_events_start_idx ON {{patt.raid_events}} (start_time_utc)`,
			`CREATE TABLE {{patt.raid_signups}} (
    id SERIAL PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES {{patt.raid_events}}(id) ON DELETE CASCADE,
    player_id INTEGER NOT NULL REFERENCES {{guild_identity.players}}(id) ON DELETE CASCADE,
    status VARCHAR(12) NOT NULL CHECK (status IN ('signed', 'tentative', 'late', 'bench', 'absent')),
    character_id INTEGER REFERENCES {{guild_identity.wow_characters}}(id) ON DELETE SET NULL,
    role VARCHAR(10) CHECK (role IS NULL OR role IN ('tank', 'healer', 'melee', 'ranged')),
    note VARCHAR(200),
    source VARCHAR(12) NOT NULL DEFAULT 'site',
    rh_signup_id VARCHAR(40),
    changed_at TIMESTAMPTZ NOT NULL,
    pushed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (event_id, player_id)
)`,
			`CREATE INDEX raid_signups_player_idx ON {{patt.raid_signups}} (player_id)`,
			`CREATE TABLE {{patt.raid_bookings}} (
    id SERIAL PRIMARY KEY,
    event_id INTEGER REFERENCES {{patt.raid_events}}(id) ON DELETE SET NULL,
    action VARCHAR(12) NOT NULL,
    trigger VARCHAR(10) NOT NULL,
    status VARCHAR(10) NOT NULL,
    rh_event_id VARCHAR(30),
    error TEXT,
    officer_player_id INTEGER REFERENCES {{guild_identity.players}}(id) ON DELETE SET NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
)`,
			`CREATE INDEX raid_bookings_started_idx ON {{patt.raid_bookings}} (started_at DESC)`,
			`CREATE TABLE {{patt.raid_helper_unknown_signups}} (
    id SERIAL PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES {{patt.raid_events}}(id) ON DELETE CASCADE,
    discord_id VARCHAR(25) NOT NULL,
    name VARCHAR(100) NOT NULL DEFAULT '',
    status VARCHAR(12) NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, discord_id)
)`,
		)
	},
	Rollback: func(tx *gorm.DB) error {
		// An index lives in its table's schema on Postgres and has a bare
		// name on SQLite.
		idx := func(name string) string {
			if models.DialectOf(tx) == models.Postgres {
				return "DROP INDEX IF EXISTS patt." + name
			}
			return "DROP INDEX IF EXISTS " + name
		}
		return exec(tx,
			`DROP TABLE IF EXISTS {{patt.raid_helper_unknown_signups}}`,
			`DROP TABLE IF EXISTS {{patt.raid_bookings}}`,
			`DROP TABLE IF EXISTS {{patt.raid_signups}}`,
			idx("raid_events_start_idx"),
			idx("raid_events_generated_night_uidx"),
			`ALTER TABLE {{patt.raid_events}} DROP COLUMN signups_imported_at`,
			`ALTER TABLE {{patt.raid_events}} DROP COLUMN rh_state_at`,
			`ALTER TABLE {{patt.raid_events}} DROP COLUMN rh_state`,
			`ALTER TABLE {{patt.raid_events}} DROP COLUMN status`,
			`ALTER TABLE {{patt.raid_events}} DROP COLUMN origin`,
		)
	},
}
