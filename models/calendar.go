package models

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// Civil dates and wall-clock times, for the DATE and TIME columns. A plain
// time.Time is wrong for both: it drags a zone along, Postgres hands TIME
// back as the text "21:00:00", and SQLite stores whatever text it was given.
// These types write one canonical text form ("2006-01-02", "15:04:05") on
// both dialects, so values compare correctly in SQL, and they read back
// from text or from a driver-parsed time.Time.

// Date is a calendar day with no time or zone (a SQL DATE).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String renders the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In is midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves d by n calendar days (negative n goes back).
func (d Date) AddDays(n int) Date {
	return DateOf(d.In(time.UTC).AddDate(0, 0, n))
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.In(time.UTC).Before(o.In(time.UTC)) }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return o.Before(d) }

// Weekday is d's day of the week in Go's numbering (Sunday = 0).
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// DayOfWeek is d's weekday in the numbering of the day_of_week columns:
// 0 = Monday … 6 = Sunday (ISO order).
func (d Date) DayOfWeek() int { return (int(d.Weekday()) + 6) % 7 }

// Value stores the date as "2006-01-02" text, which both dialects accept for
// a DATE and which sorts correctly as text on SQLite.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a DATE as either driver hands it over: a time.Time (pgx; the
// SQLite driver for a DATE-declared column) or text (SQLite for an
// expression such as MAX(start_date)).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("models.Date: cannot scan %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > len(time.DateOnly) {
		s = s[:len(time.DateOnly)] // "2025-01-07 00:00:00+00:00" → the day part
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// MarshalText renders the date for JSON and forms as "2006-01-02".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// TimeOfDay is a wall-clock time with no date or zone (a SQL TIME). Whose
// clock it is depends on the column: player_availability.earliest_start is
// in the player's zone, recurring_events.default_start_time in the guild's.
type TimeOfDay struct {
	Hour, Minute, Second int
}

// ParseTimeOfDay reads "15:04" or "15:04:05"; fractional seconds, which
// Postgres may return, are dropped.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	for _, layout := range []string{time.TimeOnly, "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return TimeOfDay{t.Hour(), t.Minute(), t.Second()}, nil
		}
	}
	return TimeOfDay{}, fmt.Errorf("invalid time of day %q: want HH:MM or HH:MM:SS", s)
}

// String renders the time as "15:04:05".
func (t TimeOfDay) String() string {
	return fmt.Sprintf("%02d:%02d:%02d", t.Hour, t.Minute, t.Second)
}

// Valid reports whether every field is in range.
func (t TimeOfDay) Valid() bool {
	return t.Hour >= 0 && t.Hour < 24 && t.Minute >= 0 && t.Minute < 60 && t.Second >= 0 && t.Second < 60
}

// SinceMidnight is the time elapsed on the clock since 00:00:00.
func (t TimeOfDay) SinceMidnight() time.Duration {
	return time.Duration(t.Hour)*time.Hour + time.Duration(t.Minute)*time.Minute + time.Duration(t.Second)*time.Second
}

// On is the instant this clock reading happens on day d in loc. time.Date
// resolves DST gaps and overlaps; callers needing another rule check the
// result's wall clock.
func (t TimeOfDay) On(d Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second, 0, loc)
}

// Value stores the time as "15:04:05" text, accepted by Postgres TIME and
// sortable as text on SQLite.
func (t TimeOfDay) Value() (driver.Value, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("invalid time of day %02d:%02d:%02d", t.Hour, t.Minute, t.Second)
	}
	return t.String(), nil
}

// Scan reads a TIME: text from both drivers, or a time.Time should a driver
// ever parse it.
func (t *TimeOfDay) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = TimeOfDay{}
		return nil
	case time.Time:
		*t = TimeOfDay{v.Hour(), v.Minute(), v.Second()}
		return nil
	case string:
		return t.scanText(v)
	case []byte:
		return t.scanText(string(v))
	}
	return fmt.Errorf("models.TimeOfDay: cannot scan %T", src)
}

func (t *TimeOfDay) scanText(s string) error {
	parsed, err := ParseTimeOfDay(s)
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// MarshalText renders the time for JSON and forms as "15:04:05".
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads "15:04" or "15:04:05".
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	parsed, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}
