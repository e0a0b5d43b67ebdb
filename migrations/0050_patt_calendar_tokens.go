package migrations

// step0050PattCalendarTokens gives each player a secret for their iCal
// feed URL (/calendar/<token>.ics). A table of its own rather than a column
// on players: the token is a scheduling concern, and regenerating it is a
// plain upsert of one row.
var step0050PattCalendarTokens = createTables("0050_patt_calendar_tokens",
	table{name: "patt.calendar_tokens", create: `
CREATE TABLE {{patt.calendar_tokens}} (
    player_id INTEGER PRIMARY KEY REFERENCES {{guild_identity.players}}(id) ON DELETE CASCADE,
    token VARCHAR(64) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`},
)
