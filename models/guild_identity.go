package models

import (
	"time"

	"gorm.io/datatypes"
	"gorm.io/gorm/schema"
)

// Tables of the guild_identity schema: who is who across WoW, Discord and
// the website.

// Role is a combat role. Name is what code keys on (see RoleTank…);
// DisplayName is the label officers may rename.
type Role struct {
	ID          int `gorm:"primaryKey"`
	Name        string
	DisplayName string
}

func (Role) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "roles")
}

// Class is a WoW class; ColorHex includes the leading "#".
type Class struct {
	ID       int `gorm:"primaryKey"`
	Name     string
	ColorHex *string
}

func (Class) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "classes")
}

// Specialization is one class's spec and the role it plays by default.
type Specialization struct {
	ID            int `gorm:"primaryKey"`
	Name          string
	ClassID       int
	DefaultRoleID int

	Class       *Class `gorm:"foreignKey:ClassID;references:ID"`
	DefaultRole *Role  `gorm:"foreignKey:DefaultRoleID;references:ID"`
}

func (Specialization) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "specializations")
}

// DiscordUser is a member of the guild's Discord server as last synced.
// AllGuildRoles is a JSON array of role names. A member who left keeps the
// row with IsPresent false and RemovedAt set.
type DiscordUser struct {
	ID               int `gorm:"primaryKey"`
	DiscordID        string
	Username         string
	DisplayName      *string
	HighestGuildRole *string
	AllGuildRoles    datatypes.JSON
	JoinedServerAt   *time.Time
	LastSync         *time.Time
	IsPresent        bool
	RemovedAt        *time.Time
	FirstSeen        time.Time `gorm:"autoCreateTime"`
}

func (DiscordUser) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "discord_users")
}

// Character is a WoW character (guild_identity.wow_characters), from the
// Blizzard roster and the PATTSync addon. AddonNote and AddonOfficerNote are
// the in-game guild note and officer note. RemovedAt marks a character that
// left the guild; it is never deleted by a sync.
type Character struct {
	ID                int    `gorm:"primaryKey"`
	Name              string `gorm:"column:character_name"`
	RealmSlug         string
	RealmName         *string
	BlizzardID        *int64
	ClassID           *int
	ActiveSpecID      *int
	Level             *int
	ItemLevel         *int
	GuildRankID       *int
	AchievementPoints *int
	LastLoginAt       *time.Time
	ProfileJSON       datatypes.JSON
	AddonNote         *string
	AddonOfficerNote  *string
	AddonLastSync     *time.Time
	// AddonGUID is the character's GUID as PATTSync exported it
	// ("Player-<server>-<hex>"); AddonLastOnlineAt is when the in-game
	// roster last saw it online, to the hour (migration 0101).
	AddonGUID         *string `gorm:"column:addon_guid"`
	AddonLastOnlineAt *time.Time
	FirstSeen         time.Time `gorm:"autoCreateTime"`
	LastAPISync       *time.Time
	RemovedAt         *time.Time
	// Guild sync (migration 0090): MissingSince is set by the first
	// successful roster sync that lacks the character and cleared when it
	// reappears; the second such sync sets RemovedAt. WowRank is the raw
	// roster rank index; ProfileModifiedAt is Blizzard's Last-Modified.
	MissingSince      *time.Time
	WowRank           *int
	Race              *string
	Gender            *string
	AverageItemLevel  *int
	ProfileModifiedAt *time.Time

	Class      *Class          `gorm:"foreignKey:ClassID;references:ID"`
	ActiveSpec *Specialization `gorm:"foreignKey:ActiveSpecID;references:ID"`
	GuildRank  *GuildRank      `gorm:"foreignKey:GuildRankID;references:ID"`
}

func (Character) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "wow_characters")
}

// Player is the person: one Discord account, one website account, any
// number of characters. GuildRankSource says where the rank came from:
// "wow_character", "discord" or "admin_override". Timezone is an IANA zone.
type Player struct {
	ID                 int `gorm:"primaryKey"`
	DisplayName        string
	DiscordUserID      *int
	WebsiteUserID      *int
	GuildRankID        *int
	GuildRankSource    *string
	MainCharacterID    *int
	MainSpecID         *int
	OffspecCharacterID *int
	OffspecSpecID      *int
	IsActive           bool
	Notes              *string
	Timezone           string `gorm:"default:America/Chicago"`
	AutoInviteEvents   bool
	CreatedAt          time.Time
	UpdatedAt          time.Time

	Rank             *GuildRank      `gorm:"foreignKey:GuildRankID;references:ID"`
	DiscordUser      *DiscordUser    `gorm:"foreignKey:DiscordUserID;references:ID"`
	User             *User           `gorm:"foreignKey:WebsiteUserID;references:ID"`
	MainCharacter    *Character      `gorm:"foreignKey:MainCharacterID;references:ID"`
	MainSpec         *Specialization `gorm:"foreignKey:MainSpecID;references:ID"`
	OffspecCharacter *Character      `gorm:"foreignKey:OffspecCharacterID;references:ID"`
	OffspecSpec      *Specialization `gorm:"foreignKey:OffspecSpecID;references:ID"`
	// Characters are the ownership rows; preload "Characters.Character" to
	// get the characters themselves (see OwnedCharacters).
	Characters []PlayerCharacter `gorm:"foreignKey:PlayerID;references:ID"`
}

func (Player) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "players")
}

// OwnedCharacters returns the characters of the preloaded Characters links.
func (p Player) OwnedCharacters() []*Character {
	out := make([]*Character, 0, len(p.Characters))
	for _, link := range p.Characters {
		if link.Character != nil {
			out = append(out, link.Character)
		}
	}
	return out
}

// PlayerCharacter says a player owns a character. CharacterID is unique: a
// character has at most one owner.
type PlayerCharacter struct {
	ID          int `gorm:"primaryKey"`
	PlayerID    int
	CharacterID int
	CreatedAt   time.Time
	// LinkSource says who made the link: "manual" (an officer), "engine"
	// (the identity engine) or NULL (older rows, treated as manual).
	// Confidence is the engine's score for its links.
	LinkSource *string
	Confidence *float64

	Player    *Player    `gorm:"foreignKey:PlayerID;references:ID"`
	Character *Character `gorm:"foreignKey:CharacterID;references:ID"`
}

func (PlayerCharacter) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "player_characters")
}

// AuditIssue is a finding of the integrity checker. IssueHash identifies the
// finding; at most one open (unresolved) issue exists per hash.
// DiscordMemberID points at discord_users (the legacy column name is kept).
type AuditIssue struct {
	ID              int `gorm:"primaryKey"`
	IssueType       string
	Severity        string `gorm:"default:info"`
	WowCharacterID  *int
	DiscordMemberID *int
	Summary         string
	Details         datatypes.JSON
	IssueHash       string
	CreatedAt       time.Time
	ResolvedAt      *time.Time
	ResolvedBy      *string
	NotifiedAt      *time.Time
	LastDetectedAt  *time.Time
}

func (AuditIssue) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "audit_issues")
}

// SyncLog records one run of a sync job.
type SyncLog struct {
	ID                int `gorm:"primaryKey"`
	Source            string
	Status            string
	CharactersFound   *int
	CharactersUpdated *int
	CharactersNew     *int
	CharactersRemoved *int
	ErrorMessage      *string
	DurationSeconds   *float64
	StartedAt         time.Time `gorm:"autoCreateTime"`
	CompletedAt       *time.Time
	// Stage and ProgressDone/ProgressTotal show a running sync's progress.
	Stage         *string
	ProgressDone  *int
	ProgressTotal *int
}

func (SyncLog) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "sync_log")
}

// OnboardingSession tracks one Discord member through onboarding; there is
// one row per Discord user, for ever. ReportedAltNames is a JSON array.
type OnboardingSession struct {
	ID                   int `gorm:"primaryKey"`
	DiscordMemberID      int
	DiscordID            string
	State                string `gorm:"default:awaiting_dm"`
	ReportedMainName     *string
	ReportedMainRealm    *string
	ReportedAltNames     datatypes.JSON
	IsInGuild            *bool
	VerificationAttempts int
	LastVerificationAt   *time.Time
	VerifiedAt           *time.Time
	VerifiedPlayerID     *int
	WebsiteInviteSent    bool
	WebsiteInviteCode    *string
	RosterEntriesCreated bool
	DiscordRoleAssigned  bool
	DMSentAt             *time.Time
	DMCompletedAt        *time.Time
	DeadlineAt           *time.Time
	EscalatedAt          *time.Time
	CompletedAt          *time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// The state machine's own columns (migration 0200): when the checker
	// next looks at the session, how often it nudged, the characters the
	// member picked (AltCharacterIDs is a JSON array of ids), why it closed
	// without provisioning, and the officer's decision.
	NextActionAt    *time.Time
	NudgeCount      int
	MainCharacterID *int
	AltCharacterIDs datatypes.JSON
	ClosedReason    *string
	ResolvedBy      *string
	ResolutionNote  *string
	AuditIssueID    *int
	// EscalationReason says why officers must decide (set when the
	// session needs them; the checker posts it to the audit channel).
	EscalationReason *string
}

func (OnboardingSession) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "onboarding_sessions")
}
