package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/migrations"
	"patt/models"
)

// The guild sync's columns exist after migrating and go away on rollback.
func TestGuildSyncColumns(t *testing.T) {
	cols := []struct {
		model any
		names []string
	}{
		{&models.Character{}, []string{"missing_since", "wow_rank", "race", "gender", "average_item_level", "profile_modified_at"}},
		{&models.PlayerCharacter{}, []string{"link_source", "confidence"}},
		{&models.AuditIssue{}, []string{"last_detected_at"}},
		{&models.SyncLog{}, []string{"stage", "progress_done", "progress_total"}},
	}
	dbtest.EachEmpty(t, func(t *testing.T, db *gorm.DB, _ string) {
		require.NoError(t, migrations.Migrate(db))
		for _, c := range cols {
			for _, n := range c.names {
				require.True(t, db.Migrator().HasColumn(c.model, n), "%T.%s", c.model, n)
			}
		}
		require.NoError(t, migrations.RollbackTo(db, "0060_common_job_runs"))
		for _, c := range cols {
			for _, n := range c.names {
				require.False(t, db.Migrator().HasColumn(c.model, n), "%T.%s after rollback", c.model, n)
			}
		}
		require.NoError(t, migrations.Migrate(db), "migrating again after a rollback works")
	})
}
