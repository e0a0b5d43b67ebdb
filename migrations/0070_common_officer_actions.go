package migrations

// step0070CommonOfficerActions is the audit log of officer actions (issue
// 10): every change to a player's rank, state or name and to the rank
// table, with who made it and the row before and after. actor_player_id is
// NULL for the platform itself (CLI, syncs); it is not a foreign key so the
// log outlives a deleted player.
var step0070CommonOfficerActions = createTables("0070_common_officer_actions",
	table{name: "common.officer_actions", create: `
CREATE TABLE {{common.officer_actions}} (
    id SERIAL PRIMARY KEY,
    actor_player_id INTEGER,
    action VARCHAR(40) NOT NULL,
    target_type VARCHAR(20) NOT NULL,
    target_id INTEGER NOT NULL,
    target_name VARCHAR(100) NOT NULL DEFAULT '',
    before_json TEXT,
    after_json TEXT,
    created_at TIMESTAMPTZ NOT NULL
)`, indexes: []string{
		`CREATE INDEX officer_actions_created_idx ON {{common.officer_actions}} (created_at DESC)`,
	}},
)
