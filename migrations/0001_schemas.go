package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0001Schemas creates the three Postgres schemas. SQLite has no schemas
// (its table names carry the schema as a prefix), so there it does nothing.
var step0001Schemas = &gormigrate.Migration{
	ID: "0001_schemas",
	Migrate: func(tx *gorm.DB) error {
		if models.DialectOf(tx) != models.Postgres {
			return nil
		}
		for _, s := range models.Schemas {
			// IF NOT EXISTS: a DBA may have created them beforehand to grant rights.
			if err := tx.Exec("CREATE SCHEMA IF NOT EXISTS " + s).Error; err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		if models.DialectOf(tx) != models.Postgres {
			return nil
		}
		for i := len(models.Schemas) - 1; i >= 0; i-- {
			// No CASCADE: a schema still holding tables is not ours to drop.
			if err := tx.Exec("DROP SCHEMA IF EXISTS " + models.Schemas[i]).Error; err != nil {
				return err
			}
		}
		return nil
	},
}
