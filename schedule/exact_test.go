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
