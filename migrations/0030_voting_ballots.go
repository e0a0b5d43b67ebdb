package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// step0030VotingBallots adds what the voting fixes need (voting §12):
//   - patt.ballots: one row per (campaign, player), UNIQUE, written in the
//     same transaction as the vote rows, so a concurrent double submit gives
//     exactly one success; existing votes are backfilled into it.
//   - patt.campaign_tallies: what a close computed beyond the result rows:
//     the turnout snapshot (so closed pages don't drift with the roster) and
//     the instant-runoff rounds as JSON.
//   - patt.contest_agent_state: the agent's memory per campaign (current
//     leader and a challenger counter for lead-change hysteresis).
//   - contest_agent_log gains a delivery status: rows are queued as pending
//     and a later Discord sender marks them sent. Old rows were posted.
//
// A closed campaign's tally and the agent's memory cannot be recomputed
// (the turnout moved on), so the rollback sets them aside with the log's
// delivery columns, and the next run puts them back (see keepRows).
var step0030VotingBallots = &gormigrate.Migration{
	ID: "0030_voting_ballots",
	Migrate: func(tx *gorm.DB) error {
		err := exec(tx,
			`CREATE TABLE {{patt.ballots}} (
    id SERIAL PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    player_id INTEGER NOT NULL REFERENCES {{guild_identity.players}}(id),
    submitted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (campaign_id, player_id)
)`,
			`INSERT INTO {{patt.ballots}} (campaign_id, player_id, submitted_at)
SELECT campaign_id, player_id, MIN(voted_at) FROM {{patt.votes}}
WHERE campaign_id IS NOT NULL GROUP BY campaign_id, player_id`,
			`CREATE TABLE {{patt.campaign_tallies}} (
    campaign_id INTEGER PRIMARY KEY REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    total_eligible INTEGER NOT NULL DEFAULT 0,
    total_voted INTEGER NOT NULL DEFAULT 0,
    total_ballots INTEGER NOT NULL DEFAULT 0,
    rounds TEXT,
    closed_at TIMESTAMPTZ NOT NULL
)`,
			`CREATE TABLE {{patt.contest_agent_state}} (
    campaign_id INTEGER PRIMARY KEY REFERENCES {{patt.campaigns}}(id) ON DELETE CASCADE,
    leader_entry_id INTEGER,
    challenger_entry_id INTEGER,
    challenger_passes INTEGER NOT NULL DEFAULT 0,
    last_voted INTEGER NOT NULL DEFAULT 0,
    last_eligible INTEGER NOT NULL DEFAULT 0,
    last_tick TIMESTAMPTZ
)`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'sent'`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN queued_at TIMESTAMPTZ`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN embed_title VARCHAR(250)`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN channel_id VARCHAR(20)`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN leader_entry_id INTEGER`,
			`ALTER TABLE {{patt.contest_agent_log}} ADD COLUMN announces_results BOOLEAN NOT NULL DEFAULT FALSE`,
		)
		if err != nil {
			return err
		}
		return restore0030(tx)
	},
	Rollback: func(tx *gorm.DB) error {
		for _, k := range []struct {
			table   string
			columns []string
		}{
			{"patt.campaign_tallies", nil},
			{"patt.contest_agent_state", nil},
			{"patt.contest_agent_log", agentLogColumns0030},
		} {
			if err := keepRows(tx, k.table, k.columns...); err != nil {
				return err
			}
		}
		return exec(tx,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN announces_results`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN leader_entry_id`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN channel_id`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN embed_title`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN queued_at`,
			`ALTER TABLE {{patt.contest_agent_log}} DROP COLUMN status`,
			`DROP TABLE IF EXISTS {{patt.contest_agent_state}}`,
			`DROP TABLE IF EXISTS {{patt.campaign_tallies}}`,
			`DROP TABLE IF EXISTS {{patt.ballots}}`,
		)
	},
}

// agentLogColumns0030 are the log's id and the columns 0030 adds to it.
var agentLogColumns0030 = []string{"id", "status", "queued_at", "embed_title", "channel_id", "leader_entry_id", "announces_results"}

// restore0030 puts back what an earlier rollback of this step kept, for the
// campaigns (and log rows) that still exist.
func restore0030(tx *gorm.DB) error {
	ofLiveCampaign := "campaign_id IN (SELECT id FROM {{patt.campaigns}})"
	if err := restoreRows(tx, "patt.campaign_tallies",
		[]string{"campaign_id", "total_eligible", "total_voted", "total_ballots", "rounds", "closed_at"}, ofLiveCampaign); err != nil {
		return err
	}
	if err := restoreRows(tx, "patt.contest_agent_state",
		[]string{"campaign_id", "leader_entry_id", "challenger_entry_id", "challenger_passes", "last_voted", "last_eligible", "last_tick"}, ofLiveCampaign); err != nil {
		return err
	}
	if !hasKept(tx, "patt.contest_agent_log") {
		return nil
	}
	// A correlated UPDATE: both dialects spell it the same way.
	set := ""
	for i, c := range agentLogColumns0030[1:] {
		if i > 0 {
			set += ", "
		}
		set += c + " = (SELECT k." + c + " FROM {{patt.contest_agent_log_kept}} k WHERE k.id = {{patt.contest_agent_log}}.id)"
	}
	return exec(tx,
		"UPDATE {{patt.contest_agent_log}} SET "+set+" WHERE id IN (SELECT id FROM {{patt.contest_agent_log_kept}})",
		"DROP TABLE {{patt.contest_agent_log_kept}}")
}
