package schedule

import (
	"fmt"
	"strings"
	"time"

	"patt/fault"
	"patt/models"
)

// PlayerZones are the time zones a player may pick for their availability
// (spec scheduling §2.3), in the order the select lists them.
var PlayerZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"America/Phoenix", "America/Anchorage", "Pacific/Honolulu", "America/Toronto",
	"America/Vancouver", "America/Halifax", "Europe/London", "Europe/Paris",
	"Europe/Berlin", "Europe/Stockholm", "Europe/Helsinki", "Australia/Sydney",
	"Australia/Melbourne", "Pacific/Auckland",
}

// DefaultPlayerZone is a player's zone until they pick one.
const DefaultPlayerZone = "America/Chicago"

// IsPlayerZone reports whether name is one of PlayerZones.
func IsPlayerZone(name string) bool {
	for _, z := range PlayerZones {
		if z == name {
			return true
		}
	}
	return false
}

// LoadZone loads an IANA zone; an unknown name falls back to the default
// player zone so one bad stored value cannot break a whole dashboard.
func LoadZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	loc, err := time.LoadLocation(DefaultPlayerZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// WallClock is the instant at which the clock in loc reads t on day d,
// resolving DST the way spec §3.2 requires (Go's time.Date guarantees
// neither):
//   - a reading that does not exist (spring-forward gap) is read with the
//     offset in force before the change, so it lands later on the wall
//     clock (New York 2025-03-09 02:30 → 07:30 UTC = 03:30 EDT);
//   - a reading that happens twice (fall-back overlap) is the first, the
//     earlier instant (New York 2025-11-02 01:30 → 05:30 UTC, EDT).
func WallClock(d models.Date, t models.TimeOfDay, loc *time.Location) time.Time {
	naive := time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second, 0, time.UTC)
	guess := time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second, 0, loc)
	// The offsets that can apply: the one Go picked and those half a day
	// either side (zones never change offset twice within 12 hours).
	var offsets []int
	for _, at := range []time.Time{guess.Add(-12 * time.Hour), guess, guess.Add(12 * time.Hour)} {
		_, off := at.Zone()
		offsets = append(offsets, off)
	}
	var best time.Time
	smallest := offsets[0]
	for _, off := range offsets {
		smallest = min(smallest, off)
		at := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if _, got := at.Zone(); got != off {
			continue // this offset is not in force at that instant
		}
		if best.IsZero() || at.Before(best) {
			best = at
		}
	}
	if !best.IsZero() {
		return best
	}
	// In a gap: no offset reads t. A gap opens when the offset grows, so
	// the offset before the change is the smaller one.
	return naive.Add(-time.Duration(smallest) * time.Second).In(loc)
}

// WeekStart is the Monday of the ISO week that contains now in zone.
func WeekStart(now time.Time, zone *time.Location) models.Date {
	today := models.DateOf(now.In(zone))
	return today.AddDays(-today.DayOfWeek())
}

// Today is the calendar day in the guild's zone: seasons and "next raid"
// follow the guild's clock, not UTC's.
func Today(now time.Time, zone *time.Location) models.Date {
	return models.DateOf(now.In(zone))
}

// ZoneAbbrev is the zone's abbreviation in force at instant at ("EST" or
// "EDT"), or the numeric offset when the database has no letters for it.
func ZoneAbbrev(at time.Time, zone *time.Location) string {
	name, _ := at.In(zone).Zone()
	return name
}

// ParseClock reads a strict "H:MM"/"HH:MM" (seconds allowed) wall-clock time.
func ParseClock(s string) (models.TimeOfDay, error) {
	t, err := models.ParseTimeOfDay(s)
	if err != nil || !t.Valid() {
		return models.TimeOfDay{}, fmt.Errorf("invalid time %q: want HH:MM", s)
	}
	return t, nil
}

// HHMM renders a wall-clock time as "21:00".
func HHMM(t models.TimeOfDay) string {
	return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute)
}

// ParseZone loads any IANA zone name a viewer asks for ("Asia/Kathmandu",
// "Pacific/Chatham"); anything else is refused with a message naming it,
// never silently replaced by another zone. "Local" is refused: it would be
// the server's zone, which means nothing to a viewer.
func ParseZone(field, name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.ContainsAny(name, " \\") || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, fault.Invalid(field, fmt.Sprintf("%s must be an IANA time zone name such as America/New_York, got %q", field, name))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fault.Invalid(field, fmt.Sprintf("%s: unknown time zone %q (want an IANA name such as America/New_York)", field, name))
	}
	return loc, nil
}

// ParseWeek reads a week parameter: any date "YYYY-MM-DD" picks the ISO
// week (Monday to Sunday) that contains it; "" is the week containing now
// on zone's clock. The result is that week's Monday.
func ParseWeek(field, s string, now time.Time, zone *time.Location) (models.Date, error) {
	if s == "" {
		return WeekStart(now, zone), nil
	}
	d, err := models.ParseDate(s)
	if err != nil || d.Year < 1900 || d.Year > 2200 {
		return models.Date{}, fault.Invalid(field, fmt.Sprintf("%s must be a date YYYY-MM-DD, got %q", field, s))
	}
	return d.AddDays(-d.DayOfWeek()), nil
}
