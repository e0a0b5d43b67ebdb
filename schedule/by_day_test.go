package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// Spec §10.4: percentages rounded like the reference, and colours.
func TestPercentAndColour(t *testing.T) {
	cases := []struct {
		count, total int
		text, colour string
	}{
		{22, 38, "57.9", ColourAmber}, {5, 7, "71.4", ColourGreen}, {7, 10, "70.0", ColourGreen},
		{4, 10, "40.0", ColourAmber}, {3, 8, "37.5", ColourRed}, {30, 43, "69.8", ColourAmber},
		{17, 43, "39.5", ColourRed}, {0, 0, "0.0", ColourRed}, {1, 16, "6.2", ColourRed},
		{3, 16, "18.8", ColourRed}, {49, 80, "61.3", ColourAmber}, {51, 80, "63.7", ColourAmber},
		{45, 43, "104.7", ColourGreen},
	}
	for _, c := range cases {
		pct, text := Percent(c.count, c.total)
		require.Equal(t, c.text, text, "%d/%d", c.count, c.total)
		require.Equal(t, c.colour, ColourFor(pct), "%d/%d", c.count, c.total)
	}
}

// Spec §10.5 with the fixes: the roster GL 5, A 5, B 5, C 3, D 3, E/F/G 1,
// H (Initiate) 0, I (no rank) 0; inactive Officer J's rows are ignored.
func TestAvailabilityByDayWeightedScore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := "America/New_York"
		levels := map[string]int{"GL": 5, "A": 4, "B": 4, "C": 3, "D": 3, "E": 2, "F": 2, "G": 2, "H": 1, "I": 0, "J": 4}
		ids := map[string]int{}
		for _, name := range []string{"GL", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J"} {
			ids[name] = seedPlayer(t, db, name, levels[name], ny, "").ID
		}
		set := func(day int, names ...string) {
			for _, n := range names {
				_, err := SetWindow(db, ids[n], day, clock("20:00"), 3, testNow)
				require.NoError(t, err)
			}
		}
		set(4, "GL", "A", "C", "E", "H")
		set(1, "C", "D", "E", "F", "G", "H", "I")
		set(6, "GL", "J")
		// J saved availability while active and was deactivated later
		// (saving is refused once inactive).
		require.NoError(t, db.Model(&models.Player{}).Where("id = ?", ids["J"]).Update("is_active", false).Error)

		_, err := CreateRaidNight(db, RaidNightInput{Label: ptr("Heroic"), DayOfWeek: ptr(4), DefaultStartTime: ptr("21:00")}, testNow)
		require.NoError(t, err)

		got, err := LoadAvailabilityByDay(db, mustZone(t, ny), testNow)
		require.NoError(t, err)
		require.Equal(t, 10, got.TotalActivePlayers)
		require.Equal(t, 24, got.TotalActiveWeight)

		fri := got.Days[4]
		require.Equal(t, 5, fri.AvailableCount)
		require.Equal(t, "50.0", fri.PctText)
		require.Equal(t, ColourAmber, fri.Colour)
		require.Equal(t, 14, fri.WeightedScore)
		require.Equal(t, "58.3", fri.WeightedPctText)
		require.NotNil(t, fri.RecurringEvent)
		require.Equal(t, "21:00", fri.RecurringEvent.DefaultStartTime)
		require.NotNil(t, fri.RaidSlotCount)
		require.Equal(t, 5, *fri.RaidSlotCount, "20:00–23:00 covers 21:00–23:00")
		require.Equal(t, []string{"A", "GL", "C", "E", "H"}, names(fri.Players), "weight desc, then name")

		tue := got.Days[1]
		require.Equal(t, 7, tue.AvailableCount)
		require.Equal(t, "70.0", tue.PctText)
		require.Equal(t, ColourGreen, tue.Colour)
		require.Equal(t, 9, tue.WeightedScore)
		require.Equal(t, "37.5", tue.WeightedPctText)
		require.Nil(t, tue.RaidSlotCount, "no raid night on Tuesday")

		sun := got.Days[6]
		require.Equal(t, 1, sun.AvailableCount, "inactive J not counted (fix)")
		require.Equal(t, "10.0", sun.PctText)
		require.Equal(t, ColourRed, sun.Colour)
		require.Equal(t, 5, sun.WeightedScore)
	})
}

func names(ps []DayPlayer) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.DisplayName)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// A window counts on the weekday it starts on in the guild's zone: a
// Sydney Saturday 10:00 is a New York Friday evening, and it covers a
// Friday raid night; a player free only in the morning is counted on the
// day but not for the raid slot (spec §11.2).
func TestAvailabilityByDayConvertsZones(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	nights := map[int]models.RecurringEvent{4: {ID: 1, Label: "Heroic", DayOfWeek: 4, DefaultStartTime: clock("19:00"), DefaultDurationMinutes: 120, IsActive: true}}
	players := []*RosterPlayer{
		{PlayerID: 1, DisplayName: "Roo", Timezone: "Australia/Sydney", Active: true, Weight: 3, MainRole: models.RoleHealer,
			Windows: []Window{{Day: 5, Start: clock("10:00"), Hours: 3}}},
		{PlayerID: 2, DisplayName: "Early", Timezone: "America/New_York", Active: true, Weight: 1,
			Windows: []Window{{Day: 4, Start: clock("08:00"), Hours: 2}}},
		{PlayerID: 3, DisplayName: "Brit", Timezone: "Europe/London", Active: true, Weight: 5, MainRole: models.RoleTank,
			Windows: []Window{{Day: 4, Start: clock("23:00"), Hours: 4}}}, // 18:00–22:00 EST Friday
	}
	got := AvailabilityByDay(players, 3, 9, nights, ny, testNow)
	fri := got.Days[4]
	require.Equal(t, 3, fri.AvailableCount)
	require.Zero(t, got.Days[5].AvailableCount, "nobody on Saturday in New York")
	require.Equal(t, 2, *fri.RaidSlotCount, "Roo 18:00–21:00 and Brit 18:00–22:00 cover 19:00–21:00; Early does not")
	require.Equal(t, map[string]int{models.RoleHealer: 1, models.RoleTank: 1}, fri.RoleBreakdown)
	byName := map[string]DayPlayer{}
	for _, p := range fri.Players {
		byName[p.DisplayName] = p
	}
	require.Equal(t, "18:00", byName["Roo"].GuildStart)
	require.Equal(t, "10:00", byName["Roo"].EarliestStart, "as entered, on the player's clock")
	require.True(t, byName["Roo"].CoversRaidSlot)
	require.False(t, byName["Early"].CoversRaidSlot)
}

// Spec §12 heat-map example (Friday, ET): A Officer 19–23, B Veteran 20–22,
// C Member 21–01, D Initiate 18–20.
func spec12Roster() []*RosterPlayer {
	ny := "America/New_York"
	return []*RosterPlayer{
		{PlayerID: 1, DisplayName: "A", Timezone: ny, Active: true, Weight: 5, MainRole: models.RoleTank, Windows: []Window{{Day: 4, Start: clock("19:00"), Hours: 4}}},
		{PlayerID: 2, DisplayName: "B", Timezone: ny, Active: true, Weight: 3, MainRole: models.RoleHealer, Windows: []Window{{Day: 4, Start: clock("20:00"), Hours: 2}}},
		{PlayerID: 3, DisplayName: "C", Timezone: ny, Active: true, Weight: 1, Windows: []Window{{Day: 4, Start: clock("21:00"), Hours: 4}}},
		{PlayerID: 4, DisplayName: "D", Timezone: ny, Active: true, Weight: 0, Windows: []Window{{Day: 4, Start: clock("18:00"), Hours: 2}}},
	}
}

func TestHeatMapSpecExample(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	hm := BuildHeatMap(spec12Roster(), ny, testNow)
	fri := hm.Days[4]
	for hour, want := range map[int]int{18: 0, 19: 5, 20: 8, 21: 9, 22: 6, 23: 1} {
		require.Equal(t, want, fri[hour*2].Weight, "Fri %02d:00", hour)
		require.Equal(t, want, fri[hour*2+1].Weight, "Fri %02d:30", hour)
	}
	require.Equal(t, 1, fri[36].Count, "18:00: one player (D, weight 0)")
	require.Equal(t, 1, hm.Days[5][0].Weight, "Sat 00:00")
	require.Equal(t, 1, hm.Days[5][1].Weight, "Sat 00:30")
	require.Equal(t, 0, hm.Days[5][2].Weight, "Sat 01:00")
	require.Equal(t, []SlotPlayer{{"A", models.RoleTank, 5}, {"B", models.RoleHealer, 3}, {"C", "", 1}}, fri[42].Players)
	require.Equal(t, 9, hm.MaxWeight)

	// The same week in London: A's Friday 19:00 ET is Saturday 00:00 GMT.
	hm = BuildHeatMap(spec12Roster(), mustZone(t, "Europe/London"), testNow)
	require.Equal(t, 5, hm.Days[5][0].Weight)
}

func TestBestRaidStartsSpecExample(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	best := BestRaidStarts(spec12Roster(), ny, testNow, 120*time.Minute, 3)
	require.Len(t, best, 3)
	var got []string
	for _, b := range best {
		got = append(got, b.Start.Format("Mon 15:04"))
	}
	require.Equal(t, []string{"Fri 20:00", "Fri 21:00", "Fri 19:00"}, got)
	require.Equal(t, []int{8, 6, 5}, []int{best[0].Score, best[1].Score, best[2].Score})
	require.Equal(t, map[string]int{models.RoleTank: 1, models.RoleHealer: 3, models.RoleMeleeDPS: 6, models.RoleRangedDPS: 6}, best[0].Missing)
	require.Equal(t, "1 Tank, 3 Healer, 6 Melee DPS, 6 Ranged DPS", best[0].MissingText())
	require.Empty(t, BestRaidStarts(nil, ny, testNow, time.Hour, 3))
}
