package migrations

// step0071CommonSessions makes sessions server-side records (issue 10): a
// token carries its session's id, and logout or "log out everywhere"
// revokes rows, so a stolen or logged-out token stops working before it
// expires. Tokens issued before this step carry no id and are refused: one
// fresh login for everyone.
var step0071CommonSessions = createTables("0071_common_sessions",
	table{name: "common.sessions", create: `
CREATE TABLE {{common.sessions}} (
    id VARCHAR(64) PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES {{common.users}}(id) ON DELETE CASCADE,
    user_agent VARCHAR(255) NOT NULL DEFAULT '',
    ip VARCHAR(64) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
)`, indexes: []string{
		`CREATE INDEX sessions_user_idx ON {{common.sessions}} (user_id, revoked_at)`,
	}},
)
