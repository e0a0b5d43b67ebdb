package models_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
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

// An unreachable database (the pool closed; on Postgres, a database that
// refuses connections) is told apart from a statement that failed, so the
// HTTP layer can treat it as an outage.
func TestIsUnreachable(t *testing.T) {
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		var n int
		err := db.Raw("SELECT no_such_column FROM " + models.Table(db, &models.MitoQuote{})).Scan(&n).Error
		require.Error(t, err)
		require.False(t, models.IsUnreachable(err), "a failed statement: %v", err)
		require.False(t, models.IsUnreachable(nil))
		require.False(t, models.IsUnreachable(context.DeadlineExceeded))
		// pgx cuts a statement at the request deadline by timing out the
		// socket: a stuck request, not an outage.
		require.False(t, models.IsUnreachable(fmt.Errorf("insert: %w", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded})))
		// ... and as GORM reports it after the rollback, with the chain lost.
		require.False(t, models.IsUnreachable(fmt.Errorf("add mito quote: %v", errors.New("timeout: context deadline exceeded; conn closed"))))

		if models.DialectOf(db) == models.Postgres {
			// A second pool on a database name that does not exist.
			other, err := models.Open(strings.Replace(dsn, "/"+dbName(dsn), "/patt_no_such_database", 1), nil)
			if err == nil {
				err = other.Exec("SELECT 1").Error
			}
			require.Error(t, err)
			require.True(t, models.IsUnreachable(err), "no such database: %v", err)
		}
		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())
		err = db.Exec("SELECT 1").Error
		require.True(t, models.IsUnreachable(err), "closed pool: %v", err)
	})
}

func dbName(dsn string) string {
	u, _ := url.Parse(dsn)
	return strings.TrimPrefix(u.Path, "/")
}
