package handlers

import (
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// dstClockCases put the runtime's clock (config.FakeNow, as PATT_FAKE_NOW
// sets it) into a week holding a DST change on the guild's clock, in both
// hemispheres and both directions, Santiago's midnight change and Lord
// Howe's half-hour one included.
var dstClockCases = []struct {
	guild string
	now   string // an instant of the week, RFC 3339
	extra []string
}{
	{"America/New_York", "2027-03-10T17:00:00Z", []string{"Europe/London", "Asia/Kathmandu"}}, // Sun 14 Mar: 23 h
	{"America/New_York", "2026-10-28T17:00:00Z", []string{"Australia/Sydney"}},                // Sun 1 Nov: 25 h
	{"Australia/Sydney", "2026-09-30T02:00:00Z", []string{"America/New_York"}},                // Sun 4 Oct: 23 h
	{"Australia/Sydney", "2027-03-31T02:00:00Z", []string{"Europe/London"}},                   // Sun 4 Apr: 25 h
	{"America/Santiago", "2026-09-02T16:00:00Z", []string{"Pacific/Chatham"}},                 // Sun 6 Sep: no 00:00
	{"Australia/Lord_Howe", "2026-09-30T02:00:00Z", []string{"UTC"}},                          // Sun 4 Oct: 23½ h
}

// httpOracleStart is the instant zone's clock reads (day, hh:mm), found by
// walking UTC minute by minute; inside a gap, the reading with the offset
// in force before it (spec §3.2). Independent of schedule's arithmetic.
func httpOracleStart(day models.Date, hh, mm int, zone *time.Location) time.Time {
	naive := time.Date(day.Year, day.Month, day.Day, hh, mm, 0, 0, time.UTC)
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

// httpOracleDay lists the instants of day reading hh:00 or hh:30 in zone.
func httpOracleDay(day models.Date, zone *time.Location) []time.Time {
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

type oracleWindow struct {
	day, hh, mm int
	hours       float64
}

type oraclePlayer struct {
	name    string
	zone    *time.Location
	windows []oracleWindow
	ivs     [][2]time.Time // every window's instances, worked out once
}

// instances are the window's real intervals in the week before, of and
// after monday.
func (w oracleWindow) instances(monday models.Date, zone *time.Location) [][2]time.Time {
	var out [][2]time.Time
	for _, m := range []models.Date{monday.AddDays(-7), monday, monday.AddDays(7)} {
		s := httpOracleStart(m.AddDays(w.day), w.hh, w.mm, zone)
		out = append(out, [2]time.Time{s, s.Add(time.Duration(int(w.hours*10+0.5)*6) * time.Minute)})
	}
	return out
}

func (p oraclePlayer) covers(from, to time.Time) bool {
	for _, iv := range p.ivs {
		if !iv[0].After(from) && !iv[1].Before(to) {
			return true
		}
	}
	return false
}

var (
	heatRowRe  = regexp.MustCompile(`(?s)<tr class="[^"]*">\s*<th scope="row" class="mono">(.*?)</th>(.*?)</tr>`)
	heatCellRe = regexp.MustCompile(`<td class="heat heat--(missing|\d)"(?: title="([^"]*)")?(?: data-missing="true"| data-weight="(\d+)" data-count="(\d+)")`)
	bestRe     = regexp.MustCompile(`(?s)<div class="best-times__when">(.*?)</div>\s*<div class="best-times__stats"><span>Score <strong>(\d+)</strong></span> · <span>(\d+) player\(s\)</span>`)
)

type parsedCell struct {
	missing      bool
	title        string
	count, row   int
	rowLabelText string
}

// Issue 18 item 7: with the runtime's clock set into a DST week, the
// default week of the by-day API, the heat map and the best starts is that
// week, and what they answer through HTTP agrees with the rule computed
// independently (walking UTC minute by minute): 23-, 23½- and 25-hour days
// have that many rows, each cell its own abbreviation, the repeated hour
// two labelled rows, non-existent half hours no cell, the week printed.
func TestAvailabilityDSTWeeksThroughHTTPWithFakeClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, ou := seedMember(t, db, "Officer", 4)
		var players []models.Player
		for _, n := range []string{"Ada", "Bea", "Cal", "Dov", "Eli", "Fay", "Gus"} {
			p, _ := seedMember(t, db, n, 2)
			players = append(players, p)
		}
		rng := rand.New(rand.NewPCG(18, 7))
		randomZones := []string{"Europe/London", "Europe/Helsinki", "Pacific/Auckland", "America/Halifax", "America/Denver", "Australia/Melbourne"}
		raidNightMade := false
		zoneWeeks, heatMaps, cellsChecked := 0, 0, 0

		for _, tc := range dstClockCases {
			guild, err := time.LoadLocation(tc.guild)
			require.NoError(t, err)
			s.Config.GuildTimezone = guild
			s.Config.FakeNow, err = time.Parse(time.RFC3339, tc.now)
			require.NoError(t, err)
			s.Now = s.Config.Clock()
			monday := models.DateOf(s.Now().In(guild)).AddDays(-models.DateOf(s.Now().In(guild)).DayOfWeek())
			name := tc.guild + " week of " + monday.String()

			// Find the change day on the guild's clock; the case must hold one.
			change := -1
			for d := 0; d < 7; d++ {
				if len(httpOracleDay(monday.AddDays(d), guild)) != 48 {
					change = d
				}
			}
			require.NotEqual(t, -1, change, "%s holds no DST change", name)

			// Windows around the change: across it, across midnight into it,
			// starting in its gap or overlap, from another zone, and random.
			var oracle []oraclePlayer
			set := func(i int, zone string, ws ...oracleWindow) {
				loc, err := time.LoadLocation(zone)
				require.NoError(t, err)
				// The roster reads windows by weekday; a player with two windows
				// on one guild weekday is listed with the first of them.
				sort.Slice(ws, func(i, j int) bool { return ws[i].day < ws[j].day })
				var days []schedule.DayInput
				for _, w := range ws {
					days = append(days, schedule.DayInput{DayOfWeek: w.day, EarliestStart: fmt.Sprintf("%02d:%02d", w.hh, w.mm), AvailableHours: w.hours})
				}
				if schedule.IsPlayerZone(zone) {
					require.NoError(t, schedule.ReplaceWeek(db, players[i].ID, zone, days, s.Now()))
				} else {
					// The zone picker offers fewer zones than a guild may sit
					// in; a player of Santiago's or Lord Howe's guild is
					// stored as the picker would once it offers every zone.
					require.NoError(t, schedule.ReplaceWeek(db, players[i].ID, "America/New_York", days, s.Now()))
					require.NoError(t, db.Model(&models.Player{}).Where("id = ?", players[i].ID).Update("timezone", zone).Error)
				}
				op := oraclePlayer{name: players[i].DisplayName, zone: loc, windows: ws}
				for _, w := range ws {
					op.ivs = append(op.ivs, w.instances(monday, loc)...)
				}
				oracle = append(oracle, op)
			}
			// The hour the clocks change at on that day (wall time jumps).
			gapHour := 0
			slots := httpOracleDay(monday.AddDays(change), guild)
			for k := 1; k < len(slots); k++ {
				a, b := slots[k-1].In(guild), slots[k].In(guild)
				wa := time.Date(2000, 1, 1, a.Hour(), a.Minute(), 0, 0, time.UTC)
				wb := time.Date(2000, 1, 1, b.Hour(), b.Minute(), 0, 0, time.UTC)
				if wb.Sub(wa) != 30*time.Minute {
					gapHour = a.Hour()
					break
				}
			}
			set(0, tc.guild, oracleWindow{change, 0, 30, 4})
			set(1, tc.guild, oracleWindow{(change + 6) % 7, 22, 0, 6.3})
			set(2, tc.guild, oracleWindow{change, (gapHour + 1) % 24, 30, 2}, oracleWindow{(change + 2) % 7, 20, 0, 3})
			set(3, tc.extra[0], oracleWindow{change, 5, 0, 3.7})
			for i := 4; i < len(players); i++ {
				var ws []oracleWindow
				used := map[int]bool{}
				for j := 0; j < 2; j++ {
					d := rng.IntN(7)
					if used[d] {
						continue
					}
					used[d] = true
					ws = append(ws, oracleWindow{d, rng.IntN(24), []int{0, 15, 30, 45}[rng.IntN(4)], float64(5+rng.IntN(80)) / 10})
				}
				set(i, randomZones[rng.IntN(len(randomZones))], ws...)
			}

			tok := tokenFor(t, s, ou)
			if !raidNightMade {
				resp, body := apiCall(t, app, tok, "POST", "/api/v1/admin/recurring-events",
					`{"label":"Sunday Special","event_type":"raid","day_of_week":6,"default_start_time":"00:30","default_duration_minutes":180,"is_active":true,"display_on_public":true}`)
				require.Equal(t, http.StatusCreated, resp.StatusCode, body)
				raidNightMade = true
			}

			// By-day API: the clock's week, each window on the guild weekday
			// it starts on, guild start/end, the raid night's coverage.
			resp, body := apiCall(t, app, tok, "GET", "/api/v1/admin/availability-by-day", "")
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			var out struct {
				Data schedule.ByDay
			}
			require.NoError(t, json.Unmarshal([]byte(body), &out), body)
			require.Equal(t, monday.String(), out.Data.WeekOf, "%s: the default week follows the clock", name)
			require.Equal(t, tc.guild, out.Data.Zone)
			type seen struct{ start, end string }
			want := [7]map[string]seen{}
			for d := range want {
				want[d] = map[string]seen{}
			}
			for _, p := range oracle {
				for _, w := range p.windows {
					iv := w.instances(monday, p.zone)[1]
					gs := iv[0].In(guild)
					d := models.DateOf(gs).DayOfWeek()
					if _, dup := want[d][p.name]; !dup {
						want[d][p.name] = seen{gs.Format("15:04"), iv[1].In(guild).Format("15:04")}
					}
				}
			}
			raidStart := httpOracleStart(monday.AddDays(6), 0, 30, guild)
			raidEnd := raidStart.Add(180 * time.Minute)
			wantSlot := 0
			for _, p := range oracle {
				if p.covers(raidStart, raidEnd) {
					wantSlot++
				}
			}
			for d, day := range out.Data.Days {
				require.Equal(t, len(want[d]), day.AvailableCount, "%s %s count", name, day.DayName)
				flags := 0
				for _, dp := range day.Players {
					if dp.CoversRaidSlot {
						flags++
					}
					if dp.CarriedOver {
						continue
					}
					w, ok := want[d][dp.DisplayName]
					require.True(t, ok, "%s %s lists %s", name, day.DayName, dp.DisplayName)
					require.Equal(t, w.start+"–"+w.end, dp.GuildStart+"–"+dp.GuildEnd, "%s %s %s", name, day.DayName, dp.DisplayName)
				}
				if d == 6 {
					require.NotNil(t, day.RaidSlotCount)
					require.Equal(t, wantSlot, *day.RaidSlotCount, "%s raid slot Sun 00:30 + 3 h", name)
					require.Equal(t, wantSlot, flags, "%s: covers flags add up to raid_slot_count", name)
				}
			}

			// The page: the week printed, then the heat map and the best
			// starts on the guild's clock and on other clocks.
			b := newBrowser(t, app).loginAs(s, ou)
			sun := monday.AddDays(6)
			label := fmt.Sprintf("Week of Mon %d %s – Sun %d %s %d", monday.Day, monday.Month.String()[:3], sun.Day, sun.Month.String()[:3], sun.Year)
			for _, zoneName := range append([]string{""}, tc.extra...) {
				view := guild
				path := "/admin/availability"
				if zoneName != "" {
					view, _ = time.LoadLocation(zoneName)
					path += "?zone=" + url.QueryEscape(zoneName)
				}
				where := name + " drawn in " + view.String()
				resp, page := b.get(path)
				require.Equal(t, http.StatusOK, resp.StatusCode, where)
				require.Contains(t, page, label, where)
				require.Contains(t, page, `data-week-of="`+monday.String()+`"`, where)
				require.Contains(t, page, "Week of "+monday.String()+" – "+sun.String(), "%s: the heat map prints the same week", where)
				checkHeatPage(t, where, page, oracle, view, monday)
				heatMaps++
				rows := 0
				for d := 0; d < 7; d++ {
					rows += len(httpOracleDay(monday.AddDays(d), view))
				}
				cellsChecked += rows
			}
			zoneWeeks++
		}
		t.Logf("through HTTP: %d guild zones × DST weeks, %d heat maps, %d cells checked", zoneWeeks, heatMaps, cellsChecked)
	})
}

// checkHeatPage compares the heat map and the best starts of page, drawn
// on view's clock, with the oracle.
func checkHeatPage(t *testing.T, where, page string, oracle []oraclePlayer, view *time.Location, monday models.Date) {
	t.Helper()
	table := page[strings.Index(page, `<table class="heatmap"`):]
	table = table[:strings.Index(table, "</table>")]
	rows := heatRowRe.FindAllStringSubmatch(table, -1)
	require.NotEmpty(t, rows, where)
	var columns [7][]parsedCell
	labels := map[string]bool{}
	for r, row := range rows {
		rowLabel := html.UnescapeString(strings.TrimSpace(row[1]))
		if rowLabel != "" {
			require.False(t, labels[rowLabel], "%s: row label %q twice", where, rowLabel)
			labels[rowLabel] = true
		}
		cells := heatCellRe.FindAllStringSubmatch(row[2], -1)
		require.Len(t, cells, 7, "%s row %d", where, r)
		for d, c := range cells {
			n, _ := strconv.Atoi(c[4])
			pc := parsedCell{missing: c[1] == "missing", title: html.UnescapeString(c[2]), count: n, row: r, rowLabelText: rowLabel}
			if pc.missing {
				require.Contains(t, pc.title, "clocks go", where)
			}
			columns[d] = append(columns[d], pc)
		}
	}
	for d := 0; d < 7; d++ {
		day := monday.AddDays(d)
		want := httpOracleDay(day, view)
		var got []parsedCell
		for _, c := range columns[d] {
			if !c.missing {
				got = append(got, c)
			}
		}
		require.Len(t, got, len(want), "%s %s: one cell per real half hour (%.1f h)", where, day, float64(len(want))/2)
		wallCount := map[string]int{}
		for _, at := range want {
			wallCount[at.In(view).Format("15:04")]++
		}
		for k, at := range want {
			local := at.In(view)
			wall, abbr := local.Format("15:04"), local.Format("MST")
			cell := got[k]
			require.True(t, strings.HasPrefix(cell.title, schedule.DayNames[d]+" "+wall+" "+abbr),
				"%s %s slot %d: title %q, want %s %s", where, day, k, cell.title, wall, abbr)
			if wallCount[wall] > 1 {
				require.Equal(t, wall+" "+abbr, cell.rowLabelText, "%s %s: the repeated hour's rows say which reading", where, day)
			} else if cell.rowLabelText != "" {
				require.True(t, strings.HasPrefix(cell.rowLabelText, wall), "%s %s: row %q holds %s", where, day, cell.rowLabelText, wall)
			}
			count := 0
			for _, p := range oracle {
				if p.covers(at, at.Add(30*time.Minute)) {
					count++
				}
			}
			require.Equal(t, count, cell.count, "%s %s %s %s", where, day, wall, abbr)
		}
	}

	// Best starts (2 h by default): the three slot starts that the most
	// players cover whole (all weigh the same, no roles), earliest first.
	type cand struct {
		at    time.Time
		count int
	}
	var cands []cand
	for d := 0; d < 7; d++ {
		for _, at := range httpOracleDay(monday.AddDays(d), view) {
			n := 0
			for _, p := range oracle {
				if p.covers(at, at.Add(2*time.Hour)) {
					n++
				}
			}
			if n > 0 {
				cands = append(cands, cand{at, n})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].count != cands[j].count {
			return cands[i].count > cands[j].count
		}
		return cands[i].at.Before(cands[j].at)
	})
	best := bestRe.FindAllStringSubmatch(page, -1)
	require.Len(t, best, min(3, len(cands)), where)
	for i, b := range best {
		require.Equal(t, cands[i].at.In(view).Format("Monday 15:04 MST"), html.UnescapeString(b[1]), "%s best #%d", where, i+1)
		require.Equal(t, strconv.Itoa(cands[i].count), b[3], "%s best #%d", where, i+1)
	}
}
