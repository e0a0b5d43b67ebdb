package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

var testNow = utc("2025-01-15 12:00") // a Wednesday in winter

// seedPlayer creates an active player with the rank of level (0 = none)
// and, if role is not "", a main spec of that role.
func seedPlayer(t *testing.T, db *gorm.DB, name string, level int, zone, role string) models.Player {
	t.Helper()
	p := models.Player{DisplayName: name, IsActive: true, Timezone: zone}
	if level > 0 {
		var r models.GuildRank
		require.NoError(t, db.Where("level = ?", level).Take(&r).Error)
		p.GuildRankID = &r.ID
	}
	if role != "" {
		var spec models.Specialization
		require.NoError(t, db.Joins("JOIN "+models.Table(db, &models.Role{})+" ro ON ro.id = default_role_id").
			Where("ro.name = ?", role).Order(models.Table(db, &models.Specialization{})+".id").Take(&spec).Error)
		p.MainSpecID = &spec.ID
	}
	require.NoError(t, db.Create(&p).Error)
	return p
}

// Spec §10.1 A1–A4: set, upsert, clear, list with weight.
func TestAvailabilityService(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Aria", 4, "America/New_York", "")

		row, err := SetWindow(db, p.ID, 0, clock("19:00"), 3.0, testNow)
		require.NoError(t, err)
		require.NotZero(t, row.ID)
		require.Equal(t, 0, row.DayOfWeek)
		require.Equal(t, "19:00:00", row.EarliestStart.String())
		require.Equal(t, 3.0, row.AvailableHours)

		_, err = SetWindow(db, p.ID, 2, clock("18:00"), 2.0, testNow)
		require.NoError(t, err)
		later := testNow.Add(time.Hour)
		_, err = SetWindow(db, p.ID, 2, clock("20:00"), 4.5, later)
		require.NoError(t, err)
		var rows []models.AvailabilityWindow
		require.NoError(t, db.Where("player_id = ? AND day_of_week = 2", p.ID).Find(&rows).Error)
		require.Len(t, rows, 1, "A2: one row per day")
		require.Equal(t, "20:00:00", rows[0].EarliestStart.String())
		require.Equal(t, 4.5, rows[0].AvailableHours)
		require.True(t, rows[0].UpdatedAt.Equal(later), "updated_at is bumped on update (fix)")

		for d := 0; d <= 3; d++ {
			_, err = SetWindow(db, p.ID, d, clock("18:00"), 2, testNow)
			require.NoError(t, err)
		}
		n, err := ClearWeek(db, p.ID)
		require.NoError(t, err)
		require.EqualValues(t, 4, n, "A3")
		week, err := PlayerWeek(db, p.ID)
		require.NoError(t, err)
		require.Empty(t, week)

		_, err = SetWindow(db, p.ID, 4, clock("18:30"), 4.0, testNow)
		require.NoError(t, err)
		items, err := WindowsOnDay(db, 4)
		require.NoError(t, err)
		require.Len(t, items, 1, "A4")
		require.Equal(t, 5, items[0].SchedulingWeight)
		require.Equal(t, "Aria", items[0].DisplayName)
		require.Equal(t, "18:30:00", items[0].EarliestStart.String())

		// A5
		for _, d := range []int{7, -1} {
			_, err = SetWindow(db, p.ID, d, clock("18:00"), 2, testNow)
			require.ErrorContains(t, err, "day_of_week must be 0")
		}
	})
}

// Spec §10.1 A6 and the one-decimal fix of §2.2.
func TestValidateHours(t *testing.T) {
	for h, ok := range map[float64]bool{0: false, 0.5: true, 16: true, 16.5: false, -1: false, 0.04: false, 2.25: false, 4.5: true, 0.1: true, 15.9: true} {
		err := ValidateHours(h)
		if ok {
			require.NoError(t, err, "%v", h)
		} else {
			require.Error(t, err, "%v", h)
		}
	}
	require.EqualError(t, ValidateHours(16.5), "available_hours must be >0 and <=16, got 16.5")
	require.EqualError(t, ValidateHours(0.04), "available_hours must have at most one decimal place, got 0.04")
}

func fullWeek() []DayInput {
	var days []DayInput
	for d := 0; d < 7; d++ {
		days = append(days, DayInput{DayOfWeek: d, EarliestStart: "19:00", AvailableHours: 3})
	}
	return days
}

// A bad row refuses the whole week: nothing of rows 0–4 is saved, the old
// week and the old zone stay as they were (spec §2.3 fix).
func TestReplaceWeekIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := seedPlayer(t, db, "Bram", 2, "America/New_York", "")
		old := []DayInput{{DayOfWeek: 1, EarliestStart: "20:00", AvailableHours: 2}, {DayOfWeek: 3, EarliestStart: "21:00", AvailableHours: 1.5}}
		require.NoError(t, ReplaceWeek(db, p.ID, "America/New_York", old, testNow))

		bad := fullWeek()
		bad[5].AvailableHours = 16.5
		err := ReplaceWeek(db, p.ID, "Europe/London", bad, testNow)
		var we *WeekError
		require.True(t, errors.As(err, &we))
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		require.Equal(t, "row 5 (Saturday): available_hours must be >0 and <=16, got 16.5", fault.MessageOf(err))
		require.NotNil(t, we.ForRow(5))

		week, err := PlayerWeek(db, p.ID)
		require.NoError(t, err)
		require.Len(t, week, 2, "old week intact")
		require.Equal(t, 1, week[0].DayOfWeek)
		require.Equal(t, 3, week[1].DayOfWeek)
		require.Equal(t, 1.5, week[1].AvailableHours)
		var reloaded models.Player
		require.NoError(t, db.Take(&reloaded, p.ID).Error)
		require.Equal(t, "America/New_York", reloaded.Timezone, "zone untouched")

		for name, mutate := range map[string]func([]DayInput) []DayInput{
			"bad time":      func(d []DayInput) []DayInput { d[2].EarliestStart = "25:00"; return d },
			"bad day":       func(d []DayInput) []DayInput { d[6].DayOfWeek = 9; return d },
			"duplicate day": func(d []DayInput) []DayInput { d[4].DayOfWeek = 0; return d },
			"two decimals":  func(d []DayInput) []DayInput { d[1].AvailableHours = 0.04; return d },
		} {
			require.Error(t, ReplaceWeek(db, p.ID, "America/New_York", mutate(fullWeek()), testNow), name)
		}
		require.Error(t, ReplaceWeek(db, p.ID, "Mars/Olympus", fullWeek(), testNow), "zone outside the list")
		week, _ = PlayerWeek(db, p.ID)
		require.Len(t, week, 2)

		require.NoError(t, ReplaceWeek(db, p.ID, "Australia/Sydney", fullWeek()[:5], testNow))
		week, _ = PlayerWeek(db, p.ID)
		require.Len(t, week, 5)
		require.NoError(t, db.Take(&reloaded, p.ID).Error)
		require.Equal(t, "Australia/Sydney", reloaded.Timezone)
	})
}
