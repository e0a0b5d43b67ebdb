package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0200OnboardingFlow turns guild_identity.onboarding_sessions into a
// persisted state machine (spec discord_bot §12.1, §13): nothing waits in
// memory, so each session says when it next needs attention
// (next_action_at: a nudge after a quiet hour, giving up after the
// configured days) and how often it was nudged; the member's picks are
// character ids (main_character_id, alt_character_ids) rather than typed
// names; closed_reason says why a session ended without provisioning
// (left the server, timed out, DMs closed); resolved_by / resolution_note
// record the officer who approved, rejected or dismissed it; and
// audit_issue_id the audit issue its escalation opened.
var step0200OnboardingFlow = &gormigrate.Migration{
	ID: "0200_onboarding_flow",
	Migrate: func(tx *gorm.DB) error {
		return exec(tx, onboardingFlowUp...)
	},
	Rollback: func(tx *gorm.DB) error {
		index := "onboarding_sessions_next_action_idx"
		if models.DialectOf(tx) == models.Postgres {
			index = "guild_identity." + index
		}
		if err := exec(tx, "DROP INDEX IF EXISTS "+index); err != nil {
			return err
		}
		return exec(tx, onboardingFlowDown...)
	},
}

var onboardingFlowUp = []string{
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN next_action_at TIMESTAMPTZ`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN nudge_count INTEGER NOT NULL DEFAULT 0`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN main_character_id INTEGER`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN alt_character_ids JSONB`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN closed_reason VARCHAR(40)`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN resolved_by VARCHAR(100)`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN resolution_note TEXT`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN audit_issue_id INTEGER`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} ADD COLUMN escalation_reason VARCHAR(200)`,
	// The checker only ever asks "which sessions are due".
	`CREATE INDEX onboarding_sessions_next_action_idx ON {{guild_identity.onboarding_sessions}} (next_action_at)`,
}

var onboardingFlowDown = []string{
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN escalation_reason`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN audit_issue_id`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN resolution_note`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN resolved_by`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN closed_reason`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN alt_character_ids`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN main_character_id`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN nudge_count`,
	`ALTER TABLE {{guild_identity.onboarding_sessions}} DROP COLUMN next_action_at`,
}
