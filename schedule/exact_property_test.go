package schedule

import (
	"bufio"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/models"
)

// dstWeeks are Mondays of weeks holding DST changes in both hemispheres
// (New York, St John's, London, Santiago, Sydney, Lord Howe, Auckland,
// Chatham), as found with Python's zoneinfo.
var dstWeeks = []string{"2026-03-02", "2026-03-23", "2026-03-30", "2026-08-31", "2026-09-21",
	"2026-09-28", "2026-10-19", "2026-10-26", "2027-03-08"}

// allZones is every IANA zone Python's zoneinfo lists (testdata/zones.txt).
func allZones(t *testing.T) []*time.Location {
	t.Helper()
	f, err := os.Open("testdata/zones.txt")
	require.NoError(t, err)
	defer f.Close()
	var out []*time.Location
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		loc, err := time.LoadLocation(sc.Text())
		require.NoError(t, err, sc.Text())
		out = append(out, loc)
	}
	require.Greater(t, len(out), 500)
	return out
}

// oracleStart finds the instant the clock in zone reads (day, clock) by
// walking UTC minute by minute — no time.Date in zone, no offsets guessed:
// the first minute that reads it, or, inside a gap, the reading taken with
// the offset of the last minute before the gap (spec §3.2).
func oracleStart(day models.Date, clock models.TimeOfDay, zone *time.Location) time.Time {
	naive := time.Date(day.Year, day.Month, day.Day, clock.Hour, clock.Minute, 0, 0, time.UTC)
	var before time.Time
	for at := naive.Add(-16 * time.Hour); at.Before(naive.Add(16 * time.Hour)); at = at.Add(time.Minute) {
		l := at.In(zone)
		wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
		if wall.Equal(naive) {
			return at
		}
		if wall.Before(naive) {
			before = at
		}
	}
	_, off := before.In(zone).Zone()
	return naive.Add(-time.Duration(off) * time.Second)
}

// oracleDay lists the instants of day that read hh:00 or hh:30 in zone,
// walking UTC minute by minute.
func oracleDay(day models.Date, zone *time.Location) []time.Time {
	var out []time.Time
	mid := time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, time.UTC)
	for at := mid.Add(-40 * time.Hour); at.Before(mid.Add(40 * time.Hour)); at = at.Add(time.Minute) {
		l := at.In(zone)
		if models.DateOf(l) == day && l.Minute()%30 == 0 {
			out = append(out, at)
		}
	}
	return out
}

// The heat map against an independent computation: over every zone and
// nine DST weeks, random players in random zones (windows crossing
// midnight, starting in gaps and overlaps); each cell's count must be the
// number of players one of whose windows holds all 30 of the cell's minutes.
func TestHeatMapPropertyAllZonesDSTWeeks(t *testing.T) {
	if testing.Short() {
		t.Skip("long property test")
	}
	zones := allZones(t)
	rng := rand.New(rand.NewPCG(18, 2026))
	maps, windows, cells := 0, 0, 0
	for wi, w := range dstWeeks {
		monday := date(w)
		for zi, view := range zones {
			// Every zone is shown once per week only for a share of them, to
			// keep the walk affordable under -race; over the nine weeks each
			// zone is the view at least once and a player zone many times.
			if (zi+wi)%3 != 0 {
				continue
			}
			var players []*RosterPlayer
			for i := 0; i < 3; i++ {
				pz := zones[rng.IntN(len(zones))]
				p := &RosterPlayer{PlayerID: i + 1, DisplayName: string(rune('A' + i)), Timezone: pz.String(), Active: true, Weight: 1, zone: pz}
				for j := 0; j < 2; j++ {
					p.Windows = append(p.Windows, Window{Day: rng.IntN(7),
						Start: models.TimeOfDay{Hour: rng.IntN(24), Minute: []int{0, 15, 30, 45, rng.IntN(60)}[rng.IntN(5)]},
						Hours: float64(1+rng.IntN(160)) / 10})
				}
				players = append(players, p)
			}
			hm := BuildHeatMapWeek(players, view, monday)
			maps++
			// Which minutes (unix/60) each window holds, by walking; a weekly
			// window is placed in the week before, of and after.
			free := make([][]map[int64]bool, len(players))
			for i, p := range players {
				for _, win := range p.Windows {
					windows++
					mins := map[int64]bool{}
					for _, m := range []models.Date{monday.AddDays(-7), monday, monday.AddDays(7)} {
						start := oracleStart(m.AddDays(win.Day), win.Start, p.zone).Unix() / 60
						n := int64(win.Hours*10+0.5) * 6
						for k := int64(0); k < n; k++ {
							mins[start+k] = true
						}
					}
					free[i] = append(free[i], mins)
				}
			}
			for d := 0; d < 7; d++ {
				want := oracleDay(monday.AddDays(d), view)
				got := hm.Days[d]
				require.Len(t, got, len(want), "%s %s day %d", view, w, d)
				for k, at := range want {
					require.True(t, at.Equal(got[k].Start), "%s %s day %d slot %d", view, w, d, k)
					count := 0
					for i := range players {
						for _, mins := range free[i] {
							all := true
							for m := at.Unix() / 60; m < at.Unix()/60+30; m++ {
								all = all && mins[m]
							}
							if all {
								count++
								break
							}
						}
					}
					cells++
					require.Equal(t, count, got[k].Count, "%s week %s %s %s", view, w, DayNames[d], got[k].Label)
				}
			}
		}
	}
	t.Logf("property: %d heat maps (zones × weeks), %d windows, %d cells", maps, windows, cells)
}
