package migrations

// step0080CommonBot adds the Discord bot's own tables. dm_outbox is the one
// way a direct message leaves the platform: every DM is a row first, held
// while the DM switches forbid it (officers release or discard it) and
// pending until the delivery job sends it, so nothing is lost to a closed
// gateway or a rate limit and officers see what was and was not sent.
// bot_status is the bot's last known connection state and sync results,
// written by whichever instance runs the gateway and read by every web node
// for the bot-settings page.
var step0080CommonBot = createTables("0080_common_bot",
	table{name: "common.dm_outbox", create: `
CREATE TABLE {{common.dm_outbox}} (
    id SERIAL PRIMARY KEY,
    recipient_discord_id VARCHAR(20) NOT NULL,
    kind VARCHAR(30) NOT NULL DEFAULT 'general',
    payload TEXT NOT NULL,
    status VARCHAR(12) NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMPTZ,
    released_by_player_id INTEGER REFERENCES {{guild_identity.players}}(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
)`, indexes: []string{
		`CREATE INDEX dm_outbox_status_next_idx ON {{common.dm_outbox}} (status, next_attempt_at)`,
		`CREATE INDEX dm_outbox_recipient_idx ON {{common.dm_outbox}} (recipient_discord_id, sent_at)`,
	}},
	table{name: "common.bot_status", create: `
CREATE TABLE {{common.bot_status}} (
    id SERIAL PRIMARY KEY,
    instance VARCHAR(120) NOT NULL DEFAULT '',
    connected BOOLEAN NOT NULL DEFAULT FALSE,
    state VARCHAR(30) NOT NULL DEFAULT 'off',
    last_ready_at TIMESTAMPTZ,
    guild_name VARCHAR(120),
    member_count INTEGER,
    latency_ms INTEGER,
    last_error TEXT,
    last_member_sync_at TIMESTAMPTZ,
    last_member_sync TEXT,
    last_role_sync_at TIMESTAMPTZ,
    last_role_sync TEXT,
    updated_at TIMESTAMPTZ NOT NULL
)`},
)
