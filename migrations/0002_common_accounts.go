package migrations

// step0002CommonAccounts creates the guild ranks and website accounts, which
// everything else points at and which point at nothing.
var step0002CommonAccounts = createTables("0002_common_accounts",
	table{name: "common.guild_ranks", create: `
CREATE TABLE {{common.guild_ranks}} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(50) NOT NULL UNIQUE,
    level INTEGER NOT NULL UNIQUE,
    discord_role_id VARCHAR(20),
    description TEXT,
    scheduling_weight INTEGER NOT NULL DEFAULT 0,
    wow_rank_index INTEGER UNIQUE,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`},
	// token_version is carried in every session token; bumping it revokes them.
	table{name: "common.users", create: `
CREATE TABLE {{common.users}} (
    id SERIAL PRIMARY KEY,
    email VARCHAR(255) UNIQUE,
    phone VARCHAR(20),
    password_hash VARCHAR(255) NOT NULL,
    is_active BOOLEAN DEFAULT TRUE,
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`},
)
