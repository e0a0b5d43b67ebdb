package jobs

import (
	"fmt"
	"time"
)

// Schedule says when a job runs next.
type Schedule interface {
	// Next is the first run time strictly after t.
	Next(t time.Time) time.Time
	// AtStart reports whether the job also runs as soon as the runner starts.
	AtStart() bool
	String() string
}

type every struct{ d time.Duration }

// Every runs a job at start and then every d (measured from the start of
// the previous run, so a slow run does not drift the cadence; a run that
// overruns is followed at once, never overlapped).
func Every(d time.Duration) Schedule {
	if d <= 0 {
		panic("jobs.Every: interval must be positive")
	}
	return every{d}
}

func (e every) Next(t time.Time) time.Time { return t.Add(e.d) }
func (e every) AtStart() bool              { return true }
func (e every) String() string             { return "every " + e.d.String() }

type wallClock struct {
	zone    *time.Location
	weekday *time.Weekday // nil: every day
	hour    int
	minute  int
}

// DailyAt runs a job every day at hour:minute on the wall clock of zone
// (the guild's). On a DST change the run stays at the same wall-clock time;
// a time that does not exist that day (spring forward) moves forward by
// the gap (02:30 becomes 03:30 in New York).
func DailyAt(zone *time.Location, hour, minute int) Schedule {
	return wallClock{zone: zoneOr(zone), hour: hour, minute: minute}
}

// WeeklyAt runs a job once a week on day at hour:minute in zone.
func WeeklyAt(zone *time.Location, day time.Weekday, hour, minute int) Schedule {
	return wallClock{zone: zoneOr(zone), weekday: &day, hour: hour, minute: minute}
}

func zoneOr(z *time.Location) *time.Location {
	if z == nil {
		return time.UTC
	}
	return z
}

func (w wallClock) Next(t time.Time) time.Time {
	local := t.In(w.zone)
	y, m, d := local.Date()
	for i := 0; i <= 8; i++ {
		cand := time.Date(y, m, d+i, w.hour, w.minute, 0, 0, w.zone)
		if w.weekday != nil && time.Date(y, m, d+i, 12, 0, 0, 0, w.zone).Weekday() != *w.weekday {
			continue
		}
		if cand.Hour() != w.hour || cand.Minute() != w.minute {
			// The time falls in a spring-forward gap: read it on the clock
			// from before the change, which moves it forward by the gap.
			_, before := cand.Add(-24 * time.Hour).Zone()
			cand = time.Date(y, m, d+i, w.hour, w.minute, 0, 0, time.UTC).Add(-time.Duration(before) * time.Second).In(w.zone)
		}
		if cand.After(t) {
			return cand
		}
	}
	return t.Add(24 * time.Hour) // unreachable: a week always holds a match
}

func (w wallClock) AtStart() bool { return false }

func (w wallClock) String() string {
	at := fmt.Sprintf("%02d:%02d %s", w.hour, w.minute, w.zone)
	if w.weekday != nil {
		return "weekly on " + w.weekday.String() + " at " + at
	}
	return "daily at " + at
}
