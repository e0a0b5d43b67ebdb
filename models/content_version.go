package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ContentVersion reads common.content_version, the change counter that
// triggers move on every write to a table the public pages show (migration
// 0040); the page cache compares it to decide whether a page is stale.
func ContentVersion(ctx context.Context, db *gorm.DB) (int64, error) {
	table := NamerOf(db).QualifiedName("common", "content_version")
	var version int64
	if err := db.WithContext(ctx).Raw("SELECT version FROM " + table + " WHERE id = 1").Row().Scan(&version); err != nil {
		return 0, fmt.Errorf("read content version: %w", err)
	}
	return version, nil
}
