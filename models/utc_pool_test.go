package models_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// A time in any zone compares as the instant it is, on both dialects:
// SQLite stores text, so every parameter must reach it in UTC.
func TestTimeParametersCompareAsInstants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny, err := time.LoadLocation("America/New_York")
		require.NoError(t, err)
		used := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
		inNY := used.In(ny) // 09:00 EST, the same instant
		code := models.InviteCode{Code: "UTCTEST1", UsedAt: &inNY}
		require.NoError(t, db.Create(&code).Error)

		var n int64
		require.NoError(t, db.Model(&models.InviteCode{}).Where("used_at < ?", used.Add(time.Minute).In(ny)).Count(&n).Error)
		require.EqualValues(t, 1, n, "09:00 EST is before 14:01 UTC")
		require.NoError(t, db.Model(&models.InviteCode{}).Where("used_at > ?", used.Add(-time.Minute)).Count(&n).Error)
		require.EqualValues(t, 1, n)

		// Inside a transaction as well.
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			return tx.Model(&models.InviteCode{}).Where("used_at = ?", inNY).Count(&n).Error
		}))
		require.EqualValues(t, 1, n, "equality works across zones")

		var back models.InviteCode
		require.NoError(t, db.First(&back, code.ID).Error)
		require.True(t, back.UsedAt.Equal(used))
	})
}
