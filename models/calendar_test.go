package models_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

func TestParseTimeOfDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want models.TimeOfDay
		ok   bool
	}{
		{"21:00:00", models.TimeOfDay{Hour: 21}, true},
		{"21:00", models.TimeOfDay{Hour: 21}, true},
		{"9:05", models.TimeOfDay{Hour: 9, Minute: 5}, true},
		{"00:00:00", models.TimeOfDay{}, true},
		{"23:59:59", models.TimeOfDay{Hour: 23, Minute: 59, Second: 59}, true},
		{"19:30:00.123456", models.TimeOfDay{Hour: 19, Minute: 30}, true},
		{" 08:15 ", models.TimeOfDay{Hour: 8, Minute: 15}, true},
		{"24:00", models.TimeOfDay{}, false},
		{"12:60", models.TimeOfDay{}, false},
		{"8pm", models.TimeOfDay{}, false},
		{"", models.TimeOfDay{}, false},
	} {
		got, err := models.ParseTimeOfDay(tc.in)
		if !tc.ok {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestTimeOfDayScanAndValue(t *testing.T) {
	var tod models.TimeOfDay
	require.NoError(t, tod.Scan("21:30:00"))
	require.Equal(t, "21:30:00", tod.String())
	require.NoError(t, tod.Scan([]byte("07:05")))
	require.Equal(t, "07:05:00", tod.String())
	require.NoError(t, tod.Scan(time.Date(2000, 1, 1, 18, 45, 10, 0, time.UTC)))
	require.Equal(t, models.TimeOfDay{Hour: 18, Minute: 45, Second: 10}, tod)
	require.NoError(t, tod.Scan(nil))
	require.Equal(t, models.TimeOfDay{}, tod)
	require.Error(t, tod.Scan(42))

	v, err := models.TimeOfDay{Hour: 9, Minute: 5}.Value()
	require.NoError(t, err)
	require.Equal(t, "09:05:00", v)
	_, err = models.TimeOfDay{Hour: 25}.Value()
	require.Error(t, err)

	b, err := json.Marshal(struct{ T models.TimeOfDay }{models.TimeOfDay{Hour: 21}})
	require.NoError(t, err)
	require.JSONEq(t, `{"T":"21:00:00"}`, string(b))
	var back struct{ T models.TimeOfDay }
	require.NoError(t, json.Unmarshal([]byte(`{"T":"20:30"}`), &back))
	require.Equal(t, models.TimeOfDay{Hour: 20, Minute: 30}, back.T)
}

func TestTimeOfDayOn(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	nine := models.TimeOfDay{Hour: 21}
	// 21:00 in New York is 02:00 UTC the next day in winter, 01:00 in summer.
	require.Equal(t, time.Date(2025, 1, 8, 2, 0, 0, 0, time.UTC), nine.On(models.Date{Year: 2025, Month: 1, Day: 7}, ny).UTC())
	require.Equal(t, time.Date(2025, 7, 9, 1, 0, 0, 0, time.UTC), nine.On(models.Date{Year: 2025, Month: 7, Day: 8}, ny).UTC())
	require.Equal(t, 21*time.Hour, nine.SinceMidnight())
}

func TestDate(t *testing.T) {
	d, err := models.ParseDate("2025-03-04")
	require.NoError(t, err)
	require.Equal(t, models.Date{Year: 2025, Month: time.March, Day: 4}, d)
	require.Equal(t, "2025-03-04", d.String())
	require.Equal(t, 1, d.DayOfWeek(), "2025-03-04 is a Tuesday: 0 = Monday")
	require.Equal(t, 6, models.Date{Year: 2025, Month: 3, Day: 9}.DayOfWeek(), "Sunday")
	require.Equal(t, models.Date{Year: 2025, Month: 3, Day: 1}, d.AddDays(-3))
	require.True(t, d.Before(d.AddDays(1)))
	require.True(t, d.AddDays(1).After(d))
	require.False(t, d.Before(d))
	_, err = models.ParseDate("2025-02-30")
	require.Error(t, err)

	var s models.Date
	require.NoError(t, s.Scan("2025-03-04 00:00:00+00:00"))
	require.Equal(t, d, s)
	require.NoError(t, s.Scan(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, d, s)
	require.NoError(t, s.Scan([]byte("2025-03-04")))
	require.Equal(t, d, s)
	require.NoError(t, s.Scan(nil))
	require.True(t, s.IsZero())

	b, err := json.Marshal(d)
	require.NoError(t, err)
	require.Equal(t, `"2025-03-04"`, string(b))
}

// TIME and DATE columns read back what was written on both dialects, as
// model fields and as raw text, and compare correctly in SQL.
func TestCalendarColumnsRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPlayer(t, db, "Clock")
		w := models.AvailabilityWindow{PlayerID: p.ID, DayOfWeek: 4, EarliestStart: models.TimeOfDay{Hour: 19, Minute: 30}, AvailableHours: 3.5}
		require.NoError(t, db.Create(&w).Error)
		got := lookup[models.AvailabilityWindow](t, db, "id = ?", w.ID)
		require.Equal(t, w.EarliestStart, got.EarliestStart)

		var raw string
		require.NoError(t, db.Model(&models.AvailabilityWindow{}).Select("earliest_start").Where("id = ?", w.ID).Scan(&raw).Error)
		require.Equal(t, "19:30:00", raw)

		// Comparing against a TimeOfDay parameter works on both (text order on SQLite).
		var n int64
		require.NoError(t, db.Model(&models.AvailabilityWindow{}).Where("earliest_start < ?", models.TimeOfDay{Hour: 20}).Count(&n).Error)
		require.Equal(t, int64(1), n)
		require.NoError(t, db.Model(&models.AvailabilityWindow{}).Where("earliest_start < ?", models.TimeOfDay{Hour: 9}).Count(&n).Error)
		require.Zero(t, n)

		// A nullable read through a pointer.
		var start *models.TimeOfDay
		require.NoError(t, db.Model(&models.AvailabilityWindow{}).Select("earliest_start").Where("id = ?", w.ID).Scan(&start).Error)
		require.NotNil(t, start)
		require.Equal(t, w.EarliestStart, *start)

		for _, s := range []models.RaidSeason{
			{Name: "TWW S1", StartDate: models.Date{Year: 2024, Month: 9, Day: 10}, IsActive: true},
			{Name: "TWW S2", StartDate: models.Date{Year: 2025, Month: 3, Day: 4}, IsActive: true},
			{Name: "Future", StartDate: models.Date{Year: 2099, Month: 1, Day: 1}, IsActive: true},
		} {
			require.NoError(t, db.Create(&s).Error)
		}
		today := models.Date{Year: 2025, Month: 6, Day: 1}
		var current models.RaidSeason
		require.NoError(t, db.Where("is_active AND start_date <= ?", today).Order("start_date DESC").First(&current).Error)
		require.Equal(t, "TWW S2", current.Name)
		require.Equal(t, models.Date{Year: 2025, Month: 3, Day: 4}, current.StartDate)

		// An aggregate loses the column type on SQLite (text comes back); Date reads both.
		var latest models.Date
		require.NoError(t, db.Model(&models.RaidSeason{}).Select("MAX(start_date)").Where("start_date <= ?", today).Scan(&latest).Error)
		require.Equal(t, current.StartDate, latest)
	})
}
