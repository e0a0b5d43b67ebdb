package migrations

// step0170CommonInstanceSecrets (issue 10): instances that share a
// database share what they generate. common.instance_secrets keeps each
// generated secret (the session-signing key when PATT_JWT_SECRET is unset),
// written once by whichever instance starts first, so a session one instance
// signs is accepted by the others. common.heartbeat is the one row /healthz
// writes (and rolls back) to learn that the database still takes writes.
var step0170CommonInstanceSecrets = createTables("0170_common_instance_secrets",
	table{name: "common.instance_secrets", create: `
CREATE TABLE {{common.instance_secrets}} (
    name VARCHAR(64) PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
)`},
	table{name: "common.heartbeat", create: `
CREATE TABLE {{common.heartbeat}} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    beat_at TIMESTAMPTZ
)`, indexes: []string{
		`INSERT INTO {{common.heartbeat}} (id, beat_at) VALUES (1, NOW())`,
	}},
)
