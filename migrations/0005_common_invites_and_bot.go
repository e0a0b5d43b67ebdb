package migrations

// step0005CommonInvitesAndBot creates the invite codes (which point at
// players and onboarding sessions, hence after 0004) and the bot's settings
// row. Every DM switch defaults to off.
var step0005CommonInvitesAndBot = createTables("0005_common_invites_and_bot",
	table{name: "common.invite_codes", create: `
CREATE TABLE {{common.invite_codes}} (
    id SERIAL PRIMARY KEY,
    code VARCHAR(20) NOT NULL UNIQUE,
    player_id INTEGER REFERENCES {{guild_identity.players}}(id),
    created_by_player_id INTEGER REFERENCES {{guild_identity.players}}(id),
    used_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    generated_by VARCHAR(30) DEFAULT 'manual',
    onboarding_session_id INTEGER REFERENCES {{guild_identity.onboarding_sessions}}(id),
    created_at TIMESTAMPTZ DEFAULT NOW()
)`},
	table{name: "common.discord_config", create: `
CREATE TABLE {{common.discord_config}} (
    id SERIAL PRIMARY KEY,
    guild_discord_id VARCHAR(20) NOT NULL,
    role_sync_interval_hours INTEGER DEFAULT 24,
    default_announcement_channel_id VARCHAR(20),
    last_role_sync_at TIMESTAMPTZ,
    bot_dm_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    feature_invite_dm BOOLEAN NOT NULL DEFAULT FALSE,
    feature_onboarding_dm BOOLEAN NOT NULL DEFAULT FALSE,
    raid_helper_api_key VARCHAR(200),
    raid_helper_server_id VARCHAR(25),
    raid_creator_discord_id VARCHAR(25),
    raid_channel_id VARCHAR(25),
    raid_voice_channel_id VARCHAR(25),
    raid_default_template_id VARCHAR(50) DEFAULT 'wowretail2',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`},
)
