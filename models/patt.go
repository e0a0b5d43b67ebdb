package models

import (
	"time"

	"gorm.io/datatypes"
	"gorm.io/gorm/schema"
)

// Tables of the patt schema: this guild's features (voting, Mito's corner,
// scheduling, raids).

// Campaign is a vote. Type selects the count (ranked_choice, borda,
// approval, irv); MinRankToVote and MinRankToView are rank levels.
type Campaign struct {
	ID                   int `gorm:"primaryKey"`
	Title                string
	Description          *string
	Type                 string `gorm:"default:ranked_choice"`
	PicksPerVoter        int    `gorm:"default:3"`
	MinRankToVote        int
	MinRankToView        *int
	StartAt              time.Time
	DurationHours        int
	Status               string `gorm:"default:draft"`
	EarlyCloseIfAllVoted bool
	DiscordChannelID     *string
	AgentEnabled         bool
	AgentChattiness      string `gorm:"default:normal"`
	CreatedByPlayerID    *int
	CreatedAt            time.Time
	UpdatedAt            time.Time

	Entries []CampaignEntry `gorm:"foreignKey:CampaignID;references:ID"`
}

func (Campaign) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "campaigns")
}

// CampaignEntry is one choice on a campaign's ballot.
type CampaignEntry struct {
	ID          int `gorm:"primaryKey"`
	CampaignID  *int
	Name        string
	Description *string
	ImageURL    *string
	SortOrder   int
	PlayerID    *int
	CreatedAt   time.Time
}

func (CampaignEntry) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "campaign_entries")
}

// Vote is one line of a player's ballot: the entry they put at Rank. A
// player's ballot in a campaign is all their Vote rows.
type Vote struct {
	ID         int `gorm:"primaryKey"`
	CampaignID *int
	PlayerID   int
	EntryID    *int
	Rank       int
	VotedAt    time.Time `gorm:"autoCreateTime"`
}

func (Vote) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "votes")
}

// CampaignResult is an entry's final count, written when a campaign closes.
type CampaignResult struct {
	ID               int `gorm:"primaryKey"`
	CampaignID       *int
	EntryID          *int
	FirstPlaceCount  int
	SecondPlaceCount int
	ThirdPlaceCount  int
	WeightedScore    int
	FinalRank        *int
	CalculatedAt     time.Time `gorm:"autoCreateTime"`
}

func (CampaignResult) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "campaign_results")
}

// ContestAgentLog is one message of the contest agent. Since migration 0030
// the agent queues rows as Status "pending" (PostedAt nil) and a Discord
// sender marks them "sent"; rows from before were posted ("sent").
// DiscordMessageID is nil until delivered. The voting package queues and
// delivers these rows; this is the table's only struct.
type ContestAgentLog struct {
	ID               int `gorm:"primaryKey"`
	CampaignID       *int
	EventType        string
	Message          string
	DiscordMessageID *string
	PostedAt         *time.Time
	Status           string `gorm:"default:sent"`
	QueuedAt         *time.Time
	EmbedTitle       *string
	ChannelID        *string
	LeaderEntryID    *int
	AnnouncesResults bool
	// Delivery (migration 0140): tries, Discord's last error, when to try
	// again, and how many parts of a split post went out (their ids as a
	// JSON array), so a retry sends only the rest.
	Attempts       int
	LastError      *string
	NextAttemptAt  *time.Time
	PartsSent      int
	PartMessageIDs *string
}

func (ContestAgentLog) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "contest_agent_log")
}

// Title is the message's embed title, "" when it has none (rows from
// before migration 0030).
func (m ContestAgentLog) Title() string {
	if m.EmbedTitle == nil {
		return ""
	}
	return *m.EmbedTitle
}

// Ballot is the proof that a player voted in a campaign: one per
// (campaign, player), enforced by a UNIQUE key, written with the vote rows
// (migration 0030). ChangedAt is when the member last replaced their picks
// (nil: never), migration 0190.
type Ballot struct {
	ID          int `gorm:"primaryKey"`
	CampaignID  int
	PlayerID    int
	SubmittedAt time.Time
	ChangedAt   *time.Time
}

func (Ballot) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "ballots")
}

// CampaignTally is what a campaign's close stored besides the result rows:
// the turnout snapshot (so closed pages don't drift with the roster) and
// the instant-runoff rounds as JSON.
type CampaignTally struct {
	CampaignID    int `gorm:"primaryKey;autoIncrement:false"`
	TotalEligible int
	TotalVoted    int
	TotalBallots  int
	Rounds        *string
	ClosedAt      time.Time
}

func (CampaignTally) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "campaign_tallies")
}

// ContestAgentState is the contest agent's memory of one campaign: the
// current leader and a challenger counter for lead-change hysteresis.
type ContestAgentState struct {
	CampaignID        int `gorm:"primaryKey;autoIncrement:false"`
	LeaderEntryID     *int
	ChallengerEntryID *int
	ChallengerPasses  int
	LastVoted         int
	LastEligible      int
	LastTick          *time.Time
}

func (ContestAgentState) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "contest_agent_state")
}

// CalendarToken is a player's secret for their iCal feed URL
// (/calendar/<token>.ics, migration 0050).
type CalendarToken struct {
	PlayerID  int `gorm:"primaryKey;autoIncrement:false"`
	Token     string
	CreatedAt time.Time
}

func (CalendarToken) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "calendar_tokens")
}

// MitoQuote is a quote for Mito's corner.
type MitoQuote struct {
	ID        int `gorm:"primaryKey"`
	Quote     string
	CreatedAt time.Time
}

func (MitoQuote) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "mito_quotes")
}

// MitoTitle is a title for Mito's corner.
type MitoTitle struct {
	ID        int `gorm:"primaryKey"`
	Title     string
	CreatedAt time.Time
}

func (MitoTitle) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "mito_titles")
}

// AvailabilityWindow (patt.player_availability) is when a player can raid on
// one weekday: from EarliestStart, on the player's own clock
// (players.timezone), for AvailableHours (0 < hours ≤ 16, one decimal).
// DayOfWeek is 0 = Monday … 6 = Sunday. No row means not available that day.
type AvailabilityWindow struct {
	ID             int `gorm:"primaryKey"`
	PlayerID       int
	DayOfWeek      int
	EarliestStart  TimeOfDay
	AvailableHours float64
	UpdatedAt      time.Time
}

func (AvailabilityWindow) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "player_availability")
}

// RaidSeason starts on StartDate and lasts until the next active season
// starts; the current season is the latest active one already started.
type RaidSeason struct {
	ID        int `gorm:"primaryKey"`
	Name      string
	StartDate Date
	IsActive  bool
	CreatedAt time.Time
}

func (RaidSeason) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "raid_seasons")
}

// RaidEvent is one scheduled raid night. EventDate is the day in the
// guild's display zone; the start and end instants are UTC.
// RecurringEventID is nil for one-offs; RaidHelperPayload keeps the request
// sent to Raid-Helper, for debugging.
type RaidEvent struct {
	ID                int `gorm:"primaryKey"`
	SeasonID          *int
	Title             string
	EventDate         Date
	StartTimeUTC      time.Time
	EndTimeUTC        time.Time
	RaidHelperEventID *string
	DiscordChannelID  *string
	LogURL            *string
	Notes             *string
	CreatedByPlayerID *int
	RecurringEventID  *int
	AutoBooked        bool
	RaidHelperPayload datatypes.JSON
	CreatedAt         time.Time
	// Origin is "manual" (an officer's) or "generated" (from a raid
	// night); Status "scheduled" or "cancelled". RHState is the Raid-Helper
	// booking: none, pending (being booked now), booked, failed, cancelled.
	Origin            string     `gorm:"default:manual"`
	Status            string     `gorm:"default:scheduled"`
	RHState           string     `gorm:"column:rh_state;default:none"`
	RHStateAt         *time.Time `gorm:"column:rh_state_at"`
	SignupsImportedAt *time.Time
}

func (RaidEvent) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "raid_events")
}

// RaidAttendance is one player's sign-up and attendance for one event.
// Source is manual, raid_helper, warcraft_logs or auto.
type RaidAttendance struct {
	ID           int `gorm:"primaryKey"`
	EventID      int
	PlayerID     int
	SignedUp     bool
	Attended     bool
	CharacterID  *int
	NotedAbsence bool
	Source       string `gorm:"default:manual"`
	CreatedAt    time.Time
}

func (RaidAttendance) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "raid_attendance")
}

// RecurringEvent is a weekly raid night: DayOfWeek (0 = Monday) and
// DefaultStartTime on the guild's display clock. At most one active
// recurring event exists per weekday.
type RecurringEvent struct {
	ID                     int `gorm:"primaryKey"`
	Label                  string
	EventType              string `gorm:"default:raid"`
	DayOfWeek              int
	DefaultStartTime       TimeOfDay
	DefaultDurationMinutes int `gorm:"default:120"`
	DiscordChannelID       *string
	RaidHelperTemplateID   string `gorm:"default:wowretail2"`
	IsActive               bool
	DisplayOnPublic        bool
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

func (RecurringEvent) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "recurring_events")
}
