package handlers

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// A database that answers but refuses writes (a Postgres standby, a
// read-only SQLite file or mount) cannot take a vote or a login: /healthz
// says so with a 503 instead of "ok" (issue 10 item 15).
func TestHealthRefusesAReadOnlyDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		resp, _ := get(t, app, "/healthz")
		require.Equal(t, http.StatusOK, resp.StatusCode, "a writable database is healthy")

		// One connection, switched to read-only for the rest of its life.
		sqlDB, err := db.DB()
		require.NoError(t, err)
		sqlDB.SetMaxOpenConns(1)
		if models.DialectOf(db) == models.Postgres {
			require.NoError(t, db.Exec("SET default_transaction_read_only = on").Error)
		} else {
			require.NoError(t, db.Exec("PRAGMA query_only = ON").Error)
		}
		require.Error(t, db.Exec("UPDATE "+models.NamerOf(db).QualifiedName("common", "heartbeat")+" SET beat_at = NULL").Error,
			"the database is read-only now")

		for _, path := range []string{"/healthz", "/api/health"} {
			resp, body := get(t, app, path)
			require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, path)
			require.JSONEq(t, `{"ok":false,"error":"database read-only"}`, body, "no driver error text may leak")
		}
	})
}
