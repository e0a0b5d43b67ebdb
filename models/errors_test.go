package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// A database held by another connection is recognised on both dialects, so
// the HTTP layer can answer "try again" (503) instead of a 500.
func TestIsBusy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		table := models.NamerOf(db).QualifiedName("patt", "mito_quotes")
		blocker := db.Begin()
		require.NoError(t, blocker.Error)
		defer blocker.Rollback()
		if models.DialectOf(db) == models.Postgres {
			require.NoError(t, blocker.Exec("LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE").Error)
		} else {
			require.NoError(t, blocker.Exec("INSERT INTO "+table+" (quote, created_at) VALUES (?, ?)", "held", time.Now().UTC()).Error)
		}

		ctx := context.Background()
		sqlDB, err := db.DB()
		require.NoError(t, err)
		conn, err := sqlDB.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		if models.DialectOf(db) == models.Postgres {
			_, err = conn.ExecContext(ctx, "SET lock_timeout = '50ms'")
			require.NoError(t, err)
			_, err = conn.ExecContext(ctx, "SELECT count(*) FROM "+table)
		} else {
			_, err = conn.ExecContext(ctx, "PRAGMA busy_timeout = 0")
			require.NoError(t, err)
			_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		}
		require.Error(t, err)
		require.True(t, models.IsBusy(err), "%T %v", err, err)

		require.False(t, models.IsBusy(errors.New("database is locked")), "recognised by code, not by text")
		require.False(t, models.IsBusy(gorm.ErrRecordNotFound))
	})
}
