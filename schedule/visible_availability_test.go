package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// Spec §11.10 fix: officers see every active player's week, a member only
// their own; inactive players are never listed.
func TestVisibleAvailability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		bea := seedPlayer(t, db, "Bea", 2, "America/Chicago", "")
		ann := seedPlayer(t, db, "Ann", 4, "America/New_York", "")
		gone := seedPlayer(t, db, "Gone", 2, "America/New_York", "")
		for _, p := range []models.Player{bea, ann, gone} {
			_, err := SetWindow(db, p.ID, 1, clock("20:00"), 2, testNow)
			require.NoError(t, err)
		}
		require.NoError(t, db.Model(&gone).Update("is_active", false).Error)
		_, err := SetWindow(db, bea.ID, 3, clock("19:00"), 3, testNow)
		require.NoError(t, err)

		all, err := VisibleAvailability(db, ann.ID, true)
		require.NoError(t, err)
		require.Len(t, all, 2, "officer: every active player")
		require.Equal(t, "Ann", all[0].Player.DisplayName, "by display name")
		require.Equal(t, "Bea", all[1].Player.DisplayName)
		require.Len(t, all[1].Windows, 2)

		mine, err := VisibleAvailability(db, bea.ID, false)
		require.NoError(t, err)
		require.Len(t, mine, 1, "member: only themself")
		require.Equal(t, bea.ID, mine[0].Player.ID)

		none, err := VisibleAvailability(db, gone.ID, false)
		require.NoError(t, err)
		require.Empty(t, none, "an inactive member sees nothing")
	})
}

func TestAttendedCountsAndRaidNightsOnDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := seedPlayer(t, db, "A", 2, "America/New_York", "")
		b := seedPlayer(t, db, "B", 2, "America/New_York", "")
		start := utc("2025-01-14 02:00")
		ev := models.RaidEvent{Title: "Raid", EventDate: date("2025-01-13"), StartTimeUTC: start, EndTimeUTC: start.Add(2 * time.Hour)}
		require.NoError(t, db.Create(&ev).Error)
		require.NoError(t, db.Create(&models.RaidAttendance{EventID: ev.ID, PlayerID: a.ID, Attended: true}).Error)
		require.NoError(t, db.Create(&models.RaidAttendance{EventID: ev.ID, PlayerID: b.ID, Attended: false, NotedAbsence: true}).Error)
		counts, err := AttendedCounts(db)
		require.NoError(t, err)
		require.Equal(t, map[int]int{ev.ID: 1}, counts, "only who attended counts")

		first := seedNight(t, db, "Mythic", 1, "20:00")
		require.NoError(t, db.Model(&first).Update("is_active", false).Error)
		second := seedNight(t, db, "Heroic", 1, "21:00")
		seedNight(t, db, "Other day", 2, "21:00")
		nights, err := RaidNightsOnDay(db, 1)
		require.NoError(t, err)
		require.Len(t, nights, 2, "active and inactive, that day only")
		require.Equal(t, []int{first.ID, second.ID}, []int{nights[0].ID, nights[1].ID}, "oldest first")

		// The night officers edit on a day: the active one, else the most
		// recent inactive one.
		require.NoError(t, db.Model(&second).Update("is_active", false).Error)
		third := seedNight(t, db, "Normal", 1, "22:00")
		require.NoError(t, db.Model(&third).Update("is_active", false).Error)
		require.NoError(t, db.Model(&second).Update("is_active", true).Error)
		byDay, err := RaidNightsByDay(db)
		require.NoError(t, err)
		require.Equal(t, second.ID, byDay[1].ID, "the active one, though older")
		require.Nil(t, byDay[0])
		require.Equal(t, "Other day", byDay[2].Label)
		one, err := RaidNightOfDay(db, 1)
		require.NoError(t, err)
		require.Equal(t, second.ID, one.ID)
		require.NoError(t, db.Model(&second).Update("is_active", false).Error)
		one, err = RaidNightOfDay(db, 1)
		require.NoError(t, err)
		require.Equal(t, third.ID, one.ID, "none active: the most recent")
		none, err := RaidNightOfDay(db, 4)
		require.NoError(t, err)
		require.Nil(t, none)
	})
}
