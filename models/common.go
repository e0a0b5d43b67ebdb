package models

import (
	"time"

	"gorm.io/gorm/schema"
)

// Tables of the common schema: infrastructure shared by every guild site.

// GuildRank is one of the five guild ranks; Level orders them (higher = more
// access) and WowRankIndex translates an in-game rank index into it.
type GuildRank struct {
	ID               int `gorm:"primaryKey"`
	Name             string
	Level            int
	DiscordRoleID    *string
	Description      *string
	SchedulingWeight int
	WowRankIndex     *int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (GuildRank) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "guild_ranks")
}

// User is a website login account; guild data lives on the Player that
// points at it. Email holds the lowercased, trimmed Discord username used to
// log in. TokenVersion is part of every session token: bumping it (password
// change, deactivation, log out everywhere) revokes all sessions.
type User struct {
	ID           int `gorm:"primaryKey"`
	Email        *string
	Phone        *string
	PasswordHash string
	IsActive     bool
	TokenVersion int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (User) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "users")
}

// DiscordConfig is the bot's single settings row (read the first row). All
// DM switches default to off: a fresh deployment never DMs anyone.
type DiscordConfig struct {
	ID                           int `gorm:"primaryKey"`
	GuildDiscordID               string
	RoleSyncIntervalHours        int `gorm:"default:24"`
	DefaultAnnouncementChannelID *string
	LastRoleSyncAt               *time.Time
	BotDMEnabled                 bool
	FeatureInviteDM              bool
	FeatureOnboardingDM          bool
	RaidHelperAPIKey             *string
	RaidHelperServerID           *string
	RaidCreatorDiscordID         *string
	RaidChannelID                *string
	RaidVoiceChannelID           *string
	RaidDefaultTemplateID        string `gorm:"default:wowretail2"`
	// Role sync safeguards (migration 0141): dry run changes nothing in
	// Discord; at most RoleSyncMaxChanges members' roles change per run.
	RoleSyncDryRun     bool
	RoleSyncMaxChanges int `gorm:"default:10"`
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (DiscordConfig) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "discord_config")
}

// InviteCode lets the player it names register a website account.
// GeneratedBy is "manual" or "auto_onboarding".
type InviteCode struct {
	ID                  int `gorm:"primaryKey"`
	Code                string
	PlayerID            *int
	CreatedByPlayerID   *int
	UsedAt              *time.Time
	ExpiresAt           *time.Time
	GeneratedBy         string `gorm:"default:manual"`
	OnboardingSessionID *int
	CreatedAt           time.Time
}

func (InviteCode) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "invite_codes")
}

// JobRun is one run of a background job (app/jobs). Status is running, ok,
// failed, skipped or interrupted; Trigger says what started it (schedule or
// manual). Summary is what the job reported it did; Error is the failure.
type JobRun struct {
	ID         int `gorm:"primaryKey"`
	Job        string
	Trigger    string
	Status     string
	Instance   string
	Summary    *string
	Error      *string
	StartedAt  time.Time
	FinishedAt *time.Time
	DurationMs *int
}

func (JobRun) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "job_runs")
}

// OfficerAction is one line of the audit log of officer actions (issue 10):
// who (ActorPlayerID; nil for the platform itself) did what (Action, e.g.
// "player.update") to which row, with the row before and after as JSON.
type OfficerAction struct {
	ID            int `gorm:"primaryKey"`
	ActorPlayerID *int
	Action        string
	TargetType    string
	TargetID      int
	TargetName    string
	BeforeJSON    *string
	AfterJSON     *string
	CreatedAt     time.Time
}

func (OfficerAction) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "officer_actions")
}

// Session is one login of a website account (issue 10): the session token
// names it (the sid claim) and it ends when revoked — logout, "log out" on
// the profile's list, "log out everywhere", a password change or a
// deactivation. UserAgent and IP describe the device for that list.
type Session struct {
	ID         string `gorm:"primaryKey"`
	UserID     int
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

func (Session) TableName(namer schema.Namer) string {
	return tableName(namer, "common", "sessions")
}
