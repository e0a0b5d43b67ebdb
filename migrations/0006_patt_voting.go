package migrations

// step0006PattVoting creates campaigns, their entries, the votes, the
// results written at close and the contest agent's log. Deleting a campaign
// deletes everything that belongs to it.
var step0006PattVoting = createTables("0006_patt_voting",
	table{name: "patt.campaigns", kept: []string{"patt.campaign_tallies", "patt.contest_agent_state", "patt.contest_agent_log"}, create: `
CREATE TABLE {{patt.campaigns}} (
    id SERIAL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    type VARCHAR(20) NOT NULL DEFAULT 'ranked_choice',
    picks_per_voter INTEGER DEFAULT 3,
    min_rank_to_vote INTEGER NOT NULL,
    min_rank_to_view INTEGER,
    start_at TIMESTAMPTZ NOT NULL,
    duration_hours INTEGER NOT NULL,
    status VARCHAR(20) DEFAULT 'draft',
    early_close_if_all_voted BOOLEAN DEFAULT TRUE,
    discord_channel_id VARCHAR(20),
    agent_enabled BOOLEAN DEFAULT TRUE,
    agent_chattiness VARCHAR(10) DEFAULT 'normal',
    created_by_player_id INTEGER REFERENCES {{guild_identity.players}}(id),
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
)`},
	table{name: "patt.campaign_entries", create: `
CREATE TABLE {{patt.campaign_entries}} (
    id SERIAL PRIMARY KEY,
    campaign_id INTEGER REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    description TEXT,
    image_url TEXT,
    sort_order INTEGER DEFAULT 0,
    player_id INTEGER REFERENCES {{guild_identity.players}}(id),
    created_at TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		`CREATE INDEX campaign_entries_campaign_id_idx ON {{patt.campaign_entries}} (campaign_id)`,
	}},
	// Because a ballot's ranks are exactly 1..N, UNIQUE (campaign_id,
	// player_id, rank) makes a second concurrent ballot from the same player
	// fail on rank 1: one ballot per voter, enforced by the database. The
	// second UNIQUE stops one ballot ranking an entry twice. Both lead with
	// campaign_id, so they also index votes by campaign.
	table{name: "patt.votes", create: `
CREATE TABLE {{patt.votes}} (
    id SERIAL PRIMARY KEY,
    campaign_id INTEGER REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    player_id INTEGER NOT NULL REFERENCES {{guild_identity.players}}(id),
    entry_id INTEGER REFERENCES {{patt.campaign_entries}}(id),
    rank INTEGER NOT NULL,
    voted_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (campaign_id, player_id, rank),
    UNIQUE (campaign_id, player_id, entry_id)
)`},
	table{name: "patt.campaign_results", create: `
CREATE TABLE {{patt.campaign_results}} (
    id SERIAL PRIMARY KEY,
    campaign_id INTEGER REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    entry_id INTEGER REFERENCES {{patt.campaign_entries}}(id),
    first_place_count INTEGER DEFAULT 0,
    second_place_count INTEGER DEFAULT 0,
    third_place_count INTEGER DEFAULT 0,
    weighted_score INTEGER DEFAULT 0,
    final_rank INTEGER,
    calculated_at TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		`CREATE INDEX campaign_results_campaign_id_idx ON {{patt.campaign_results}} (campaign_id)`,
	}},
	table{name: "patt.contest_agent_log", create: `
CREATE TABLE {{patt.contest_agent_log}} (
    id SERIAL PRIMARY KEY,
    campaign_id INTEGER REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    event_type VARCHAR(50) NOT NULL,
    message TEXT NOT NULL,
    discord_message_id VARCHAR(20),
    posted_at TIMESTAMPTZ DEFAULT NOW()
)`, indexes: []string{
		`CREATE INDEX contest_agent_log_campaign_id_idx ON {{patt.contest_agent_log}} (campaign_id)`,
	}},
)
