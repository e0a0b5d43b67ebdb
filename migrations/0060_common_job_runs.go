package migrations

// step0060CommonJobRuns records every run of a background job (the voting
// checker, the contest agent, later the syncs and the bot's passes), so
// officers can see what ran, when, for how long and how it ended. A run a
// crash left "running" is closed as "interrupted" by the next run of the
// same job (which holds that job's lock, so nobody else is running it).
var step0060CommonJobRuns = createTables("0060_common_job_runs",
	table{name: "common.job_runs", create: `
CREATE TABLE {{common.job_runs}} (
    id SERIAL PRIMARY KEY,
    job VARCHAR(60) NOT NULL,
    trigger VARCHAR(20) NOT NULL,
    status VARCHAR(20) NOT NULL,
    instance VARCHAR(120) NOT NULL DEFAULT '',
    summary TEXT,
    error TEXT,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    duration_ms INTEGER
)`, indexes: []string{
		`CREATE INDEX job_runs_job_started_idx ON {{common.job_runs}} (job, started_at DESC)`,
		`CREATE INDEX job_runs_status_idx ON {{common.job_runs}} (status)`,
	}},
)
