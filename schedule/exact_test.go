package schedule

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/models"
)

// windowVector is one expected placement computed by
// testdata/gen_windows.py with Python's zoneinfo (issue 18).
type windowVector struct {
	Name     string  `json:"name"`
	Zone     string  `json:"zone"`
	Monday   string  `json:"monday"`
	Day      int     `json:"day"`
	Start    string  `json:"start"`
	Hours    float64 `json:"hours"`
	Minutes  int     `json:"minutes"`
	UTCStart string  `json:"utc_start"`
	UTCEnd   string  `json:"utc_end"`
	LocalEnd string  `json:"local_end"`
	NYStart  string  `json:"ny_start"`
	NYEnd    string  `json:"ny_end"`
}

func loadWindowVectors(t *testing.T) []windowVector {
	t.Helper()
	raw, err := os.ReadFile("testdata/windows.json")
	require.NoError(t, err)
	var vs []windowVector
	require.NoError(t, json.Unmarshal(raw, &vs))
	require.NotEmpty(t, vs)
	return vs
}

// Issue 18 item 1: a window lasts a whole number of minutes (hours have one
// decimal), in every zone, across midnight and from starts inside DST gaps
// and overlaps; the expected instants come from Python's zoneinfo.
func TestWindowLengthsExactToTheMinute(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	for _, v := range loadWindowVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			zone := mustZone(t, v.Zone)
			w := Window{Day: v.Day, Start: clock(v.Start), Hours: v.Hours}
			require.Equal(t, time.Duration(v.Minutes)*time.Minute, w.Duration())
			iv := w.In(date(v.Monday), zone)
			require.Equal(t, utc(v.UTCStart), iv.Start, "start")
			require.Equal(t, utc(v.UTCEnd), iv.End, "end")
			require.Equal(t, v.LocalEnd, iv.End.In(zone).Format("Mon 15:04 MST"))
			require.Equal(t, v.NYStart, iv.Start.In(ny).Format("Mon 15:04 MST"))
			require.Equal(t, v.NYEnd, iv.End.In(ny).Format("Mon 15:04 MST"))
		})
	}
}

// Issue 18 item 1, the reported case end to end: a New York Monday window
// from 20:42 for 2.3 h ends at 23:00, counts for a 21:00–23:00 raid, sits in
// the 22:30 heat-map cell and shows 23:00 as its end.
func TestWindowFromTwentyFortyTwoForTwoPointThreeHours(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	now := utc("2025-01-15 12:00")
	var players []*RosterPlayer
	for i, hours := range []float64{2.3, 3, 4, 4.1, 4.6, 8.2, 8.7} {
		start := "20:42"
		if hours > 3 {
			start = "21:00"
		}
		if hours > 4.6 {
			start = "14:18" // 8.2 h ends 22:30, 8.7 h ends 23:00
		}
		players = append(players, &RosterPlayer{PlayerID: i + 1, DisplayName: string(rune('A' + i)), Timezone: "America/New_York",
			Active: true, Weight: 1, Windows: []Window{{Day: 0, Start: clock(start), Hours: hours}}})
	}
	nights := map[int]models.RecurringEvent{0: {ID: 1, Label: "Raid", DayOfWeek: 0, DefaultStartTime: clock("21:00"), DefaultDurationMinutes: 120, IsActive: true}}
	got := AvailabilityByDay(players, len(players), len(players), nights, ny, now)
	mon := got.Days[0]
	require.NotNil(t, mon.RaidSlotCount)
	// 8.2 h from 14:18 ends 22:30 and misses the raid's last half hour.
	require.Equal(t, 6, *mon.RaidSlotCount)
	for _, p := range mon.Players {
		if p.AvailableHours == 2.3 {
			require.Equal(t, "23:00", p.GuildEnd)
			require.True(t, p.CoversRaidSlot)
		}
	}
	hm := BuildHeatMap(players, ny, now)
	require.Equal(t, 6, hm.Days[0][45].Count, "Mon 22:30 cell: everyone but the 8.2 h window")
	require.Equal(t, "22:30", hm.Days[0][45].Label)
}

func slotLabels(day []Slot) []string {
	var out []string
	for _, s := range day {
		out = append(out, s.Label+" "+s.Abbrev)
	}
	return out
}

// Issue 18 item 2: a window across a spring-forward gap covers the cells on
// both sides of it. A Europe/London Sunday window 06:00 + 1.7 h is
// 06:00–07:42 UTC: 01:00 and 01:30 EST and 03:00 EDT in New York.
func TestHeatMapAcrossSpringForwardGap(t *testing.T) {
	cases := []struct {
		name, zone, monday, viewZone string
		day                          int
		start                        string
		hours                        float64
		want                         []string // covered "Day HH:MM ABBR" cells
	}{
		{"London into the NY gap (issue)", "Europe/London", "2027-03-08", "America/New_York", 6, "06:00", 1.7,
			[]string{"Sun 01:00 EST", "Sun 01:30 EST", "Sun 03:00 EDT"}},
		{"NY window through its own gap", "America/New_York", "2027-03-08", "America/New_York", 6, "01:00", 2,
			[]string{"Sun 01:00 EST", "Sun 01:30 EST", "Sun 03:00 EDT", "Sun 03:30 EDT"}},
		{"Lord Howe 30-minute gap", "Australia/Lord_Howe", "2026-09-28", "Australia/Lord_Howe", 6, "01:00", 1.5,
			[]string{"Sun 01:00 +1030", "Sun 01:30 +1030", "Sun 02:30 +11"}},
		{"Chatham gap 02:45→03:45", "Pacific/Chatham", "2026-09-21", "Pacific/Chatham", 6, "02:00", 1.5,
			[]string{"Sun 02:00 +1245", "Sun 02:30 +1245", "Sun 04:00 +1345"}}, // 02:30 +1245 lasts until 04:00 +1345
		{"NY fall-back: both 01:00s", "America/New_York", "2026-10-26", "America/New_York", 6, "00:30", 2.5,
			[]string{"Sun 00:30 EDT", "Sun 01:00 EDT", "Sun 01:30 EDT", "Sun 01:00 EST", "Sun 01:30 EST"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &RosterPlayer{PlayerID: 1, DisplayName: "P", Timezone: c.zone, Active: true, Weight: 2,
				Windows: []Window{{Day: c.day, Start: clock(c.start), Hours: c.hours}}}
			view := mustZone(t, c.viewZone)
			hm := BuildHeatMapWeek([]*RosterPlayer{p}, view, date(c.monday))
			var got []string
			for d := range hm.Days {
				for _, s := range hm.Days[d] {
					if s.Count > 0 {
						got = append(got, DayNames[d][:3]+" "+s.Label+" "+s.Abbrev)
					}
				}
			}
			require.Equal(t, c.want, got)
		})
	}
}

// Issue 18 item 3: the rows of a day are its real half hours with the
// abbreviation of each.
func TestHeatMapRowsAroundDST(t *testing.T) {
	cases := []struct {
		zone, monday string
		day, n       int
		has, lacks   []string
		abbrevs      []string
	}{
		{"America/New_York", "2027-03-08", 6, 46, []string{"01:30 EST", "03:00 EDT"}, []string{"02:00 EST", "02:00 EDT", "02:30 EDT", "03:00 EST"}, []string{"EST", "EDT"}},
		{"America/New_York", "2026-10-26", 6, 50, []string{"01:00 EDT", "01:30 EDT", "01:00 EST", "01:30 EST", "02:00 EST"}, nil, []string{"EDT", "EST"}},
		{"America/New_York", "2025-01-13", 6, 48, []string{"02:00 EST"}, []string{"02:00 EDT"}, []string{"EST"}},
		{"Australia/Lord_Howe", "2026-09-28", 6, 47, []string{"01:30 +1030", "02:30 +11"}, []string{"02:00 +1030", "02:00 +11"}, []string{"+1030", "+11"}},
		{"Australia/Lord_Howe", "2026-03-30", 6, 49, []string{"01:30 +11", "01:30 +1030", "02:00 +1030"}, nil, []string{"+11", "+1030"}},
		{"Pacific/Chatham", "2026-09-21", 6, 46, []string{"02:30 +1245", "04:00 +1345"}, []string{"03:00 +1245", "03:00 +1345", "03:30 +1345"}, []string{"+1245", "+1345"}},
		{"America/Santiago", "2026-08-31", 6, 46, []string{"01:00 -03", "23:30 -03"}, []string{"00:00 -04", "00:00 -03", "00:30 -03"}, []string{"-04", "-03"}},
	}
	for _, c := range cases {
		t.Run(c.zone+" "+c.monday, func(t *testing.T) {
			hm := BuildHeatMapWeek(nil, mustZone(t, c.zone), date(c.monday))
			day := hm.Days[c.day]
			labels := slotLabels(day)
			require.Len(t, day, c.n, "%v", labels)
			for _, l := range c.has {
				require.Contains(t, labels, l)
			}
			for _, l := range c.lacks {
				require.NotContains(t, labels, l)
			}
			for i := 1; i < len(day); i++ {
				require.Equal(t, SlotLength, day[i].Start.Sub(day[i-1].Start), "real half hours")
				require.Less(t, day[i-1].Row, day[i].Row, "row order follows real time")
			}
			require.Equal(t, c.abbrevs, hm.Abbrevs())
		})
	}
}

// Issue 18 item 6: a Wednesday 00:00 raid covered by windows that start on
// Tuesday evening: those players are listed on Wednesday, marked as carried
// over, so the covers_raid_slot flags add up to raid_slot_count.
func TestRaidSlotFlagsAddUpToCount(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	now := utc("2027-03-10 12:00")
	var players []*RosterPlayer
	add := func(zone string, day int, start string, hours float64) {
		i := len(players)
		players = append(players, &RosterPlayer{PlayerID: i + 1, DisplayName: string(rune('A' + i)), Timezone: zone,
			Active: true, Weight: 1, Windows: []Window{{Day: day, Start: clock(start), Hours: hours}}})
	}
	add("America/New_York", 1, "22:00", 4)    // Tue 22:00–02:00
	add("America/New_York", 1, "23:30", 3)    // Tue 23:30–02:30
	add("America/Chicago", 1, "21:00", 4.1)   // Tue 22:00 NY – 02:06
	add("Europe/London", 2, "04:00", 3)       // Wed 04:00 GMT = Tue 23:00 EST – 02:00
	add("America/New_York", 2, "00:00", 2)    // Wed 00:00–02:00
	add("America/Los_Angeles", 1, "21:00", 2) // Wed 00:00–02:00 NY
	add("America/New_York", 2, "00:30", 2)    // misses the start
	nights := map[int]models.RecurringEvent{2: {ID: 1, Label: "Late", DayOfWeek: 2, DefaultStartTime: clock("00:00"), DefaultDurationMinutes: 120, IsActive: true}}
	got := AvailabilityByDay(players, len(players), len(players), nights, ny, now)
	wed := got.Days[2]
	require.NotNil(t, wed.RaidSlotCount)
	flags, carried := 0, 0
	for _, p := range wed.Players {
		if p.CoversRaidSlot {
			flags++
		}
		if p.CarriedOver {
			carried++
			require.True(t, p.CoversRaidSlot)
		}
	}
	require.Equal(t, *wed.RaidSlotCount, flags, "flags add up to the count")
	require.Equal(t, 4, carried, "the four windows starting Tuesday evening on the guild clock")
	require.Equal(t, 6, *wed.RaidSlotCount)
	require.Equal(t, 3, wed.AvailableCount, "carried-over players are not counted as starting Wednesday")
}
