package models

import (
	"time"

	"gorm.io/gorm/schema"
)

// DMOutbox is one direct message on its way to a Discord member. Status is
// held (a DM switch is off; an officer may release or discard it), pending
// (the delivery job will send it at NextAttemptAt), sent, failed (LastError
// says why; not retried) or discarded. Kind picks the feature switch that
// gates it ("invite", "onboarding"; anything else only the master switch).
// Payload is the message as JSON; it may hold an invite code, so it is
// never logged.
type DMOutbox struct {
	ID                 int `gorm:"primaryKey"`
	RecipientDiscordID string
	Kind               string
	Payload            string
	Status             string
	Attempts           int
	LastError          *string
	NextAttemptAt      *time.Time
	ReleasedByPlayerID *int
	CreatedAt          time.Time
	UpdatedAt          time.Time
	SentAt             *time.Time
}

func (DMOutbox) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "dm_outbox")
}

// BotStatus is the Discord bot's last known state (one row), written by the
// instance running the gateway and read by every instance's settings page.
// LastMemberSync and LastRoleSync are JSON summaries of the last runs.
type BotStatus struct {
	ID               int `gorm:"primaryKey"`
	Instance         string
	Connected        bool
	State            string
	LastReadyAt      *time.Time
	GuildName        *string
	MemberCount      *int
	LatencyMs        *int
	LastError        *string
	LastMemberSyncAt *time.Time
	LastMemberSync   *string
	LastRoleSyncAt   *time.Time
	LastRoleSync     *string
	// The latest role run (push or sync, migration 0141): its refused
	// edits, edits left for a human and, in dry run, its plan.
	LastRoleRunAt *time.Time
	LastRoleRun   *string
	UpdatedAt     time.Time
}

func (BotStatus) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "bot_status")
}
