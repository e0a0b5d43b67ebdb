package migrations_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// contentVersion reads the counter the way the page cache does.
func contentVersion(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	v, err := models.ContentVersion(context.Background(), db)
	require.NoError(t, err)
	return v
}

// Every committed insert, update and delete on a table the public pages
// read moves the counter; rolled-back writes and other tables do not.
func TestContentVersionMovesOnWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		v0 := contentVersion(t, db)
		q := models.MitoQuote{Quote: "one"}
		require.NoError(t, db.Create(&q).Error)
		v1 := contentVersion(t, db)
		require.Greater(t, v1, v0, "insert")
		require.NoError(t, db.Model(&q).Update("quote", "two").Error)
		v2 := contentVersion(t, db)
		require.Greater(t, v2, v1, "update")
		require.NoError(t, db.Delete(&q).Error)
		v3 := contentVersion(t, db)
		require.Greater(t, v3, v2, "delete")

		require.NoError(t, db.Model(&models.GuildRank{}).Where("level = 1").Update("description", "new").Error)
		v4 := contentVersion(t, db)
		require.Greater(t, v4, v3, "ranks")

		// A transaction bumps it (once on Postgres, at commit).
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			for _, s := range []string{"a", "b", "c"} {
				if err := tx.Create(&models.MitoTitle{Title: s}).Error; err != nil {
					return err
				}
			}
			return nil
		}))
		v5 := contentVersion(t, db)
		require.Greater(t, v5, v4)
		if models.DialectOf(db) == models.Postgres {
			require.Equal(t, v4+1, v5, "one bump per transaction")
		}

		// Rolled back: nothing moves.
		_ = db.Transaction(func(tx *gorm.DB) error {
			tx.Create(&models.MitoTitle{Title: "never"})
			return gorm.ErrInvalidData
		})
		require.Equal(t, v5, contentVersion(t, db))

		// Tables the pages do not read leave it alone.
		email := "someone"
		require.NoError(t, db.Create(&models.User{Email: &email, PasswordHash: "x", IsActive: true}).Error)
		require.Equal(t, v5, contentVersion(t, db))
	})
}
