package migrations

// step0008PattScheduling creates availability, raid seasons, recurring raid
// nights, raid events and attendance. day_of_week is 0 = Monday … 6 = Sunday
// everywhere. TIME columns are wall clocks with no zone: availability in
// the player's zone, recurring events in the guild's. Beyond the original
// seed: the scheduling spec's NOT NULLs (availability updated_at, season
// is_active, attendance source) and 0014's raid_events columns, inline.
var step0008PattScheduling = createTables("0008_patt_scheduling",
	table{name: "patt.player_availability", create: `
CREATE TABLE {{patt.player_availability}} (
    id SERIAL PRIMARY KEY,
    player_id INTEGER NOT NULL REFERENCES {{guild_identity.players}}(id),
    day_of_week INTEGER NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    earliest_start TIME NOT NULL,
    available_hours NUMERIC(3,1) NOT NULL CHECK (available_hours > 0 AND available_hours <= 16),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (player_id, day_of_week)
)`},
	table{name: "patt.raid_seasons", create: `
CREATE TABLE {{patt.raid_seasons}} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    start_date DATE NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ DEFAULT NOW()
)`},
	table{name: "patt.recurring_events", create: `
CREATE TABLE {{patt.recurring_events}} (
    id SERIAL PRIMARY KEY,
    label VARCHAR(100) NOT NULL,
    event_type VARCHAR(30) NOT NULL DEFAULT 'raid',
    day_of_week INTEGER NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    default_start_time TIME NOT NULL DEFAULT '21:00:00',
    default_duration_minutes INTEGER NOT NULL DEFAULT 120,
    discord_channel_id VARCHAR(25),
    raid_helper_template_id VARCHAR(50) DEFAULT 'wowretail2',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    display_on_public BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		// One raid night per weekday: auto-booking must never find two.
		`CREATE UNIQUE INDEX recurring_events_one_active_per_day_idx ON {{patt.recurring_events}} (day_of_week) WHERE is_active`,
	}},
	table{name: "patt.raid_events", create: `
CREATE TABLE {{patt.raid_events}} (
    id SERIAL PRIMARY KEY,
    season_id INTEGER REFERENCES {{patt.raid_seasons}}(id),
    title VARCHAR(200) NOT NULL,
    event_date DATE NOT NULL,
    start_time_utc TIMESTAMPTZ NOT NULL,
    end_time_utc TIMESTAMPTZ NOT NULL,
    raid_helper_event_id VARCHAR(30),
    discord_channel_id VARCHAR(25),
    log_url VARCHAR(500),
    notes TEXT,
    created_by_player_id INTEGER REFERENCES {{guild_identity.players}}(id),
    recurring_event_id INTEGER REFERENCES {{patt.recurring_events}}(id),
    auto_booked BOOLEAN NOT NULL DEFAULT FALSE,
    raid_helper_payload JSONB,
    created_at TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		`CREATE INDEX raid_events_event_date_idx ON {{patt.raid_events}} (event_date)`,
	}},
	// UNIQUE (event_id, player_id) indexes attendance by event; the player
	// index serves attendance percentages per player.
	table{name: "patt.raid_attendance", create: `
CREATE TABLE {{patt.raid_attendance}} (
    id SERIAL PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES {{patt.raid_events}}(id),
    player_id INTEGER NOT NULL REFERENCES {{guild_identity.players}}(id),
    signed_up BOOLEAN DEFAULT FALSE,
    attended BOOLEAN DEFAULT FALSE,
    character_id INTEGER REFERENCES {{guild_identity.wow_characters}}(id),
    noted_absence BOOLEAN DEFAULT FALSE,
    source VARCHAR(20) NOT NULL DEFAULT 'manual',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (event_id, player_id)
)`, indexes: []string{
		`CREATE INDEX raid_attendance_player_id_idx ON {{patt.raid_attendance}} (player_id)`,
	}},
)
