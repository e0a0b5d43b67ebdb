package migrations

// step0004IdentityMembers creates the identity core: Discord members, WoW
// characters, players and the bridge saying who owns which character, plus
// onboarding, audit findings and the sync log. TEXT[] columns of the
// original are JSONB arrays here (portable to SQLite).
var step0004IdentityMembers = createTables("0004_identity_members",
	table{name: "guild_identity.discord_users", create: `
CREATE TABLE {{guild_identity.discord_users}} (
    id SERIAL PRIMARY KEY,
    discord_id VARCHAR(25) NOT NULL UNIQUE,
    username VARCHAR(50) NOT NULL,
    display_name VARCHAR(50),
    highest_guild_role VARCHAR(30),
    all_guild_roles JSONB,
    joined_server_at TIMESTAMPTZ,
    last_sync TIMESTAMPTZ,
    is_present BOOLEAN DEFAULT TRUE,
    removed_at TIMESTAMPTZ,
    first_seen TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		// Identity matching and login look members up by name, case-insensitively.
		`CREATE INDEX discord_users_lower_username_idx ON {{guild_identity.discord_users}} (lower(username))`,
	}},
	table{name: "guild_identity.wow_characters", create: `
CREATE TABLE {{guild_identity.wow_characters}} (
    id SERIAL PRIMARY KEY,
    character_name VARCHAR(50) NOT NULL,
    realm_slug VARCHAR(50) NOT NULL,
    realm_name VARCHAR(100),
    blizzard_id BIGINT UNIQUE,
    class_id INTEGER REFERENCES {{guild_identity.classes}}(id),
    active_spec_id INTEGER REFERENCES {{guild_identity.specializations}}(id),
    level INTEGER,
    item_level INTEGER,
    guild_rank_id INTEGER REFERENCES {{common.guild_ranks}}(id),
    achievement_points INTEGER,
    last_login_at TIMESTAMPTZ,
    profile_json JSONB,
    addon_note TEXT,
    addon_officer_note TEXT,
    addon_last_sync TIMESTAMPTZ,
    first_seen TIMESTAMPTZ DEFAULT NOW(),
    last_api_sync TIMESTAMPTZ,
    removed_at TIMESTAMPTZ,
    UNIQUE (character_name, realm_slug)
)`, indexes: []string{
		// The unique pair is case-sensitive, but every lookup lowercases both sides.
		`CREATE INDEX wow_characters_lower_name_realm_idx ON {{guild_identity.wow_characters}} (lower(character_name), lower(realm_slug))`,
	}},
	table{name: "guild_identity.players", create: `
CREATE TABLE {{guild_identity.players}} (
    id SERIAL PRIMARY KEY,
    display_name VARCHAR(100) NOT NULL,
    discord_user_id INTEGER UNIQUE REFERENCES {{guild_identity.discord_users}}(id),
    website_user_id INTEGER UNIQUE REFERENCES {{common.users}}(id),
    guild_rank_id INTEGER REFERENCES {{common.guild_ranks}}(id),
    guild_rank_source VARCHAR(20),
    main_character_id INTEGER REFERENCES {{guild_identity.wow_characters}}(id),
    main_spec_id INTEGER REFERENCES {{guild_identity.specializations}}(id),
    offspec_character_id INTEGER REFERENCES {{guild_identity.wow_characters}}(id),
    offspec_spec_id INTEGER REFERENCES {{guild_identity.specializations}}(id),
    is_active BOOLEAN DEFAULT TRUE,
    notes TEXT,
    timezone VARCHAR(50) NOT NULL DEFAULT 'America/Chicago',
    auto_invite_events BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`},
	// UNIQUE (player_id, character_id) also serves as the index for
	// "characters of player X"; character_id alone is UNIQUE too.
	table{name: "guild_identity.player_characters", create: `
CREATE TABLE {{guild_identity.player_characters}} (
    id SERIAL PRIMARY KEY,
    player_id INTEGER NOT NULL REFERENCES {{guild_identity.players}}(id) ON DELETE CASCADE,
    character_id INTEGER NOT NULL UNIQUE REFERENCES {{guild_identity.wow_characters}}(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (player_id, character_id)
)`},
	table{name: "guild_identity.onboarding_sessions", create: `
CREATE TABLE {{guild_identity.onboarding_sessions}} (
    id SERIAL PRIMARY KEY,
    discord_member_id INTEGER NOT NULL REFERENCES {{guild_identity.discord_users}}(id) ON DELETE CASCADE,
    discord_id VARCHAR(25) NOT NULL UNIQUE,
    state VARCHAR(30) NOT NULL DEFAULT 'awaiting_dm',
    reported_main_name VARCHAR(50),
    reported_main_realm VARCHAR(100),
    reported_alt_names JSONB,
    is_in_guild BOOLEAN,
    verification_attempts INTEGER DEFAULT 0,
    last_verification_at TIMESTAMPTZ,
    verified_at TIMESTAMPTZ,
    verified_player_id INTEGER REFERENCES {{guild_identity.players}}(id),
    website_invite_sent BOOLEAN DEFAULT FALSE,
    website_invite_code VARCHAR(50),
    roster_entries_created BOOLEAN DEFAULT FALSE,
    discord_role_assigned BOOLEAN DEFAULT FALSE,
    dm_sent_at TIMESTAMPTZ,
    dm_completed_at TIMESTAMPTZ,
    deadline_at TIMESTAMPTZ,
    escalated_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		`CREATE INDEX onboarding_sessions_state_idx ON {{guild_identity.onboarding_sessions}} (state)`,
		// The deadline checker only ever scans sessions waiting for verification.
		`CREATE INDEX onboarding_sessions_pending_deadline_idx ON {{guild_identity.onboarding_sessions}} (deadline_at) WHERE state = 'pending_verification'`,
	}},
	// UNIQUE (issue_hash, resolved_at) is the original's constraint; since
	// NULLs are distinct it never stops two open issues with one hash, which
	// the partial index does (the checker's upsert relies on it).
	table{name: "guild_identity.audit_issues", create: `
CREATE TABLE {{guild_identity.audit_issues}} (
    id SERIAL PRIMARY KEY,
    issue_type VARCHAR(50) NOT NULL,
    severity VARCHAR(10) DEFAULT 'info',
    wow_character_id INTEGER REFERENCES {{guild_identity.wow_characters}}(id),
    discord_member_id INTEGER REFERENCES {{guild_identity.discord_users}}(id),
    summary TEXT NOT NULL,
    details JSONB,
    issue_hash VARCHAR(64) NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    resolved_at TIMESTAMPTZ,
    resolved_by VARCHAR(50),
    notified_at TIMESTAMPTZ,
    UNIQUE (issue_hash, resolved_at)
)`, indexes: []string{
		`CREATE UNIQUE INDEX audit_issues_open_hash_idx ON {{guild_identity.audit_issues}} (issue_hash) WHERE resolved_at IS NULL`,
	}},
	table{name: "guild_identity.sync_log", create: `
CREATE TABLE {{guild_identity.sync_log}} (
    id SERIAL PRIMARY KEY,
    source VARCHAR(30) NOT NULL,
    status VARCHAR(20) NOT NULL,
    characters_found INTEGER,
    characters_updated INTEGER,
    characters_new INTEGER,
    characters_removed INTEGER,
    error_message TEXT,
    duration_seconds FLOAT,
    started_at TIMESTAMPTZ DEFAULT NOW(),
    completed_at TIMESTAMPTZ
)`},
)
