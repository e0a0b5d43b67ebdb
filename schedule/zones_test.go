package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/models"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func date(s string) models.Date {
	d, err := models.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func clock(s string) models.TimeOfDay {
	t, err := models.ParseTimeOfDay(s)
	if err != nil {
		panic(err)
	}
	return t
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Spec §10.2: a local window placed on its date, converted to UTC and to
// New York. The Monday is the ISO week's Monday; Day picks the local date.
func TestWindowToUTCAndGuildZone(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	cases := []struct {
		zone      string
		localDate string
		start     string
		hours     float64
		utcStart  string
		utcEnd    string
		nyStart   string // "Mon 15:04 MST"
		nyEnd     string
	}{
		{"America/Chicago", "2025-01-14", "19:00", 3, "2025-01-15 01:00", "2025-01-15 04:00", "Tue 20:00 EST", "Tue 23:00 EST"},
		{"America/Chicago", "2025-07-15", "19:00", 3, "2025-07-16 00:00", "2025-07-16 03:00", "Tue 20:00 EDT", "Tue 23:00 EDT"},
		{"Europe/London", "2025-01-17", "20:00", 4, "2025-01-17 20:00", "2025-01-18 00:00", "Fri 15:00 EST", "Fri 19:00 EST"},
		{"Australia/Sydney", "2025-01-18", "10:00", 3, "2025-01-17 23:00", "2025-01-18 02:00", "Fri 18:00 EST", "Fri 21:00 EST"},
		{"Australia/Sydney", "2025-07-19", "10:00", 3, "2025-07-19 00:00", "2025-07-19 03:00", "Fri 20:00 EDT", "Fri 23:00 EDT"},
		{"America/Los_Angeles", "2025-01-17", "22:00", 4, "2025-01-18 06:00", "2025-01-18 10:00", "Sat 01:00 EST", "Sat 05:00 EST"},
		{"America/Phoenix", "2025-01-15", "18:00", 3, "2025-01-16 01:00", "2025-01-16 04:00", "Wed 20:00 EST", "Wed 23:00 EST"},
		{"America/Phoenix", "2025-07-16", "18:00", 3, "2025-07-17 01:00", "2025-07-17 04:00", "Wed 21:00 EDT", "Thu 00:00 EDT"},
		{"Pacific/Auckland", "2025-01-18", "14:00", 2, "2025-01-18 01:00", "2025-01-18 03:00", "Fri 20:00 EST", "Fri 22:00 EST"},
		{"Pacific/Honolulu", "2025-01-17", "20:00", 2, "2025-01-18 06:00", "2025-01-18 08:00", "Sat 01:00 EST", "Sat 03:00 EST"},
		// gap: 02:30 does not exist; read with the offset before the change
		{"America/New_York", "2025-03-09", "02:30", 1, "2025-03-09 07:30", "2025-03-09 08:30", "Sun 03:30 EDT", "Sun 04:30 EDT"},
		// overlap: 01:30 happens twice; the first (EDT) wins
		{"America/New_York", "2025-11-02", "01:30", 1, "2025-11-02 05:30", "2025-11-02 06:30", "Sun 01:30 EDT", "Sun 01:30 EST"},
		// a window across the spring change keeps its 4 real hours
		{"America/New_York", "2025-03-09", "01:30", 4, "2025-03-09 06:30", "2025-03-09 10:30", "Sun 01:30 EST", "Sun 06:30 EDT"},
	}
	for _, c := range cases {
		t.Run(c.zone+" "+c.localDate+" "+c.start, func(t *testing.T) {
			d := date(c.localDate)
			w := Window{Day: d.DayOfWeek(), Start: clock(c.start), Hours: c.hours}
			iv := w.In(d.AddDays(-d.DayOfWeek()), mustZone(t, c.zone))
			require.Equal(t, utc(c.utcStart), iv.Start, "UTC start")
			require.Equal(t, utc(c.utcEnd), iv.End, "UTC end")
			require.Equal(t, c.nyStart, iv.Start.In(ny).Format("Mon 15:04 MST"))
			require.Equal(t, c.nyEnd, iv.End.In(ny).Format("Mon 15:04 MST"))
		})
	}
}

// Spec §10.2: the Chicago winter window covers six whole UTC half hours.
func TestChicagoWindowCoversSixUTCSlots(t *testing.T) {
	p := &RosterPlayer{PlayerID: 1, DisplayName: "C", Timezone: "America/Chicago", Active: true, Weight: 1,
		Windows: []Window{{Day: 1, Start: clock("19:00"), Hours: 3}}}
	hm := BuildHeatMap([]*RosterPlayer{p}, time.UTC, utc("2025-01-14 12:00"))
	var covered []string
	for d := 0; d < 7; d++ {
		for k := range hm.Days[d] {
			if hm.Days[d][k].Count > 0 {
				covered = append(covered, DayNames[d][:3]+" "+hm.Days[d][k].Label)
			}
		}
	}
	require.Equal(t, []string{"Wed 01:00", "Wed 01:30", "Wed 02:00", "Wed 02:30", "Wed 03:00", "Wed 03:30"}, covered)
}

// DST in spring and autumn for New York, London and Sydney players: the
// window keeps the player's wall clock and its real length; the guild
// clock moves with the offsets.
func TestDSTTransitionsForPlayers(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	cases := []struct {
		name, zone, localDate, start string
		hours                        float64
		utcStart, nyStart            string
	}{
		// New York spring forward 2025-03-09 02:00 → 03:00
		{"NY spring, gap", "America/New_York", "2025-03-09", "02:00", 2, "2025-03-09 07:00", "Sun 03:00 EDT"},
		{"NY spring, after", "America/New_York", "2025-03-09", "20:00", 2, "2025-03-10 00:00", "Sun 20:00 EDT"},
		// New York fall back 2025-11-02 02:00 → 01:00
		{"NY autumn, overlap", "America/New_York", "2025-11-02", "01:00", 2, "2025-11-02 05:00", "Sun 01:00 EDT"},
		{"NY autumn, after", "America/New_York", "2025-11-02", "20:00", 2, "2025-11-03 01:00", "Sun 20:00 EST"},
		// London spring forward 2025-03-30 01:00 → 02:00 (before New York? no: NY already EDT)
		{"London spring, gap", "Europe/London", "2025-03-30", "01:30", 2, "2025-03-30 01:30", "Sat 21:30 EDT"},
		{"London spring, evening", "Europe/London", "2025-03-30", "20:00", 2, "2025-03-30 19:00", "Sun 15:00 EDT"},
		// London fall back 2025-10-26 02:00 → 01:00: 01:30 happens twice
		{"London autumn, overlap", "Europe/London", "2025-10-26", "01:30", 2, "2025-10-26 00:30", "Sat 20:30 EDT"},
		{"London autumn, evening", "Europe/London", "2025-10-26", "20:00", 2, "2025-10-26 20:00", "Sun 16:00 EDT"},
		// Sydney spring forward 2025-10-05 02:00 → 03:00
		{"Sydney spring, gap", "Australia/Sydney", "2025-10-05", "02:30", 2, "2025-10-04 16:30", "Sat 12:30 EDT"},
		{"Sydney spring, morning", "Australia/Sydney", "2025-10-05", "10:00", 2, "2025-10-04 23:00", "Sat 19:00 EDT"},
		// Sydney fall back 2025-04-06 03:00 → 02:00: 02:30 happens twice
		{"Sydney autumn, overlap", "Australia/Sydney", "2025-04-06", "02:30", 2, "2025-04-05 15:30", "Sat 11:30 EDT"},
		{"Sydney autumn, morning", "Australia/Sydney", "2025-04-06", "10:00", 2, "2025-04-06 00:00", "Sat 20:00 EDT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := date(c.localDate)
			w := Window{Day: d.DayOfWeek(), Start: clock(c.start), Hours: c.hours}
			iv := w.In(d.AddDays(-d.DayOfWeek()), mustZone(t, c.zone))
			require.Equal(t, utc(c.utcStart), iv.Start)
			require.Equal(t, 2*time.Hour, iv.End.Sub(iv.Start), "real hours, not wall-clock hours")
			require.Equal(t, c.nyStart, iv.Start.In(ny).Format("Mon 15:04 MST"))
		})
	}
}

// A window that runs past midnight ends on the next day, in the player's
// zone and in the guild's; the heat map shows its tail on that next day.
func TestMidnightCrossingWindow(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	w := Window{Day: 4, Start: clock("22:00"), Hours: 4} // Friday 22:00 for 4 h
	iv := w.In(date("2025-01-13"), ny)
	require.Equal(t, utc("2025-01-18 03:00"), iv.Start)
	require.Equal(t, "Sat 02:00", iv.End.In(ny).Format("Mon 15:04"))

	p := &RosterPlayer{PlayerID: 1, DisplayName: "Owl", Timezone: "America/New_York", Active: true, Weight: 3, Windows: []Window{w}}
	hm := BuildHeatMap([]*RosterPlayer{p}, ny, utc("2025-01-15 12:00"))
	require.Equal(t, 3, hm.Days[4][44].Weight, "Fri 22:00")
	require.Equal(t, 3, hm.Days[4][47].Weight, "Fri 23:30")
	require.Equal(t, 3, hm.Days[5][0].Weight, "Sat 00:00")
	require.Equal(t, 3, hm.Days[5][3].Weight, "Sat 01:30")
	require.Equal(t, 0, hm.Days[5][4].Weight, "Sat 02:00 is past the end")

	// A Sunday-night window spills into Monday: the week wraps, so Monday
	// 00:00 of the same week shows it too (the window is weekly).
	sun := &RosterPlayer{PlayerID: 2, DisplayName: "Late", Timezone: "America/New_York", Active: true, Weight: 1,
		Windows: []Window{{Day: 6, Start: clock("23:00"), Hours: 2}}}
	hm = BuildHeatMap([]*RosterPlayer{sun}, ny, utc("2025-01-15 12:00"))
	require.Equal(t, 1, hm.Days[6][46].Count, "Sun 23:00")
	require.Equal(t, 1, hm.Days[0][0].Count, "Mon 00:00 (last week's Sunday night)")
	require.Equal(t, 1, hm.Days[0][1].Count, "Mon 00:30")
	require.Equal(t, 0, hm.Days[0][2].Count, "Mon 01:00")
}

func TestWallClockOrdinaryTimesAreUnchanged(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	require.Equal(t, utc("2025-01-18 02:00"), WallClock(date("2025-01-17"), clock("21:00"), ny).UTC())
	require.Equal(t, utc("2025-03-15 01:00"), WallClock(date("2025-03-14"), clock("21:00"), ny).UTC())
	require.Equal(t, utc("2025-11-08 02:00"), WallClock(date("2025-11-07"), clock("21:00"), ny).UTC())
}
