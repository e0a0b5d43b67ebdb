package models

import (
	"time"

	"gorm.io/gorm/schema"
)

// RaidSignup is a member's answer for one raid event: Status is signed,
// tentative, late, bench or absent; Role tank, healer, melee or ranged.
// Source says who wrote the latest change (site, raid_helper, auto) and
// ChangedAt when: between the site and Raid-Helper the latest change wins.
// PushedAt is when the site's answer was last sent to Raid-Helper.
type RaidSignup struct {
	ID          int `gorm:"primaryKey"`
	EventID     int
	PlayerID    int
	Status      string
	CharacterID *int
	Role        *string
	Note        *string
	Source      string  `gorm:"default:site"`
	RHSignupID  *string `gorm:"column:rh_signup_id"`
	ChangedAt   time.Time
	PushedAt    *time.Time
	CreatedAt   time.Time
}

func (RaidSignup) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "raid_signups")
}

// RaidBooking is one attempt to book, re-book, cancel or import a raid in
// Raid-Helper: Action create, update, cancel or import; Trigger auto or
// manual; Status pending, ok or failed.
type RaidBooking struct {
	ID              int `gorm:"primaryKey"`
	EventID         *int
	Action          string
	Trigger         string
	Status          string
	RHEventID       *string `gorm:"column:rh_event_id"`
	Error           *string
	OfficerPlayerID *int
	StartedAt       time.Time
	FinishedAt      *time.Time
}

func (RaidBooking) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "raid_bookings")
}

// RaidHelperUnknownSignup is a Raid-Helper signer no player matches by
// Discord id, kept for officers to link.
type RaidHelperUnknownSignup struct {
	ID        int `gorm:"primaryKey"`
	EventID   int
	DiscordID string
	Name      string
	Status    string
	SeenAt    time.Time
	// What the signer answered, kept so linking them needs no new call
	// (migration 0160): className/specName, entry time, Raid-Helper's id.
	ClassName  string
	SpecName   string
	EntryTime  *time.Time
	RHSignupID *string `gorm:"column:rh_signup_id"`
}

func (RaidHelperUnknownSignup) TableName(namer schema.Namer) string {
	return tableName(namer, "patt", "raid_helper_unknown_signups")
}
