package schedule

import (
	"math"
	"time"

	"patt/models"
)

// Window is a player's availability on one weekday, on their own clock:
// from Start for Hours. It may run past local midnight.
type Window struct {
	Day   int // 0 = Monday, in the player's zone
	Start models.TimeOfDay
	Hours float64
}

// Interval is a span of real time, [Start, End).
type Interval struct {
	Start, End time.Time
}

// Contains reports whether o lies wholly inside i.
func (i Interval) Contains(o Interval) bool {
	return !o.Start.Before(i.Start) && !o.End.After(i.End)
}

// Duration is the real time between the two ends. A window keeps its
// length across a DST change: 4 hours are 4 elapsed hours. Hours have one
// decimal, so the length is a whole number of minutes; it is computed in
// minutes because 2.3×time.Hour in floating point is a nanosecond short of
// 2 h 18 min, which dropped a window ending at 23:00 out of a raid ending
// then (issue 18).
func (w Window) Duration() time.Duration {
	return time.Duration(math.Round(w.Hours*60)) * time.Minute
}

// In places the window in the ISO week whose Monday is monday (spec §3.2):
// the local date is monday + Day, the start is that wall clock in zone
// (gap and overlap rules of WallClock) and the end is Hours real hours later.
func (w Window) In(monday models.Date, zone *time.Location) Interval {
	start := WallClock(monday.AddDays(w.Day), w.Start, zone)
	return Interval{Start: start.UTC(), End: start.Add(w.Duration()).UTC()}
}

// around places the window in the week before, the week of and the week
// after monday: a weekly window seen from another zone can fall into the
// neighbouring week (a Sydney Monday morning is a New York Sunday evening).
func (w Window) around(monday models.Date, zone *time.Location) [3]Interval {
	return [3]Interval{w.In(monday.AddDays(-7), zone), w.In(monday, zone), w.In(monday.AddDays(7), zone)}
}

// WindowOf converts a stored row.
func WindowOf(row models.AvailabilityWindow) Window {
	return Window{Day: row.DayOfWeek, Start: row.EarliestStart, Hours: row.AvailableHours}
}
