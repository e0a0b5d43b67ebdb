// Package schedule owns raid scheduling: weekly raid nights, availability,
// seasons, raid events and attendance, all time-zone aware.
package schedule

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// DayNames are the weekday names by day_of_week (0 = Monday).
var DayNames = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// RaidNight is a weekly raid night as the public schedule shows it.
type RaidNight struct {
	Day   string
	Time  string // "09:00 PM EST", in the zone it is shown in
	Label string
	Start time.Time // the next occurrence
}

// PublicRaidNights lists the active recurring events marked public, Monday
// first. Start times are wall-clock times in the guild's zone; each is shown
// at its next occurrence after now in the show zone, so the abbreviation
// (EST or EDT) is the one in force that night.
func PublicRaidNights(db *gorm.DB, guildZone, showZone *time.Location, now time.Time) ([]RaidNight, error) {
	var events []models.RecurringEvent
	err := db.Where("is_active = ? AND display_on_public = ?", true, true).
		Order("day_of_week").Order("default_start_time").Find(&events).Error
	if err != nil {
		return nil, fmt.Errorf("list raid nights: %w", err)
	}
	nights := make([]RaidNight, 0, len(events))
	for _, e := range events {
		start := NextOccurrence(e.DayOfWeek, e.DefaultStartTime, guildZone, now).In(showZone)
		nights = append(nights, RaidNight{
			Day:   start.Weekday().String(),
			Time:  start.Format("03:04 PM MST"),
			Label: e.Label,
			Start: start,
		})
	}
	return nights, nil
}

// NextOccurrence is the next instant, at or after now, when the clock in zone
// reads at on weekday day (0 = Monday).
func NextOccurrence(day int, at models.TimeOfDay, zone *time.Location, now time.Time) time.Time {
	local := now.In(zone)
	today := models.DateOf(local)
	for i := 0; i < 8; i++ {
		d := today.AddDays(i)
		if d.DayOfWeek() != day {
			continue
		}
		if t := at.On(d, zone); !t.Before(now) {
			return t
		}
	}
	return at.On(today.AddDays(7), zone)
}
