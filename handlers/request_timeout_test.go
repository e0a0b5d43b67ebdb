package handlers

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// A database that does not answer within the request's deadline is a 503 —
// the envelope under /api/, the error page elsewhere — and never a request
// that hangs. On Postgres another connection holds an ACCESS EXCLUSIVE lock
// on the table Mito's corner reads and writes. On SQLite (where WAL readers
// never wait for a writer) every connection of the pool is held by a stuck
// transaction, so the request waits for a connection until its deadline.
func TestStuckDatabaseAnswers503(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		var logs bytes.Buffer
		s.Log = slog.New(slog.NewTextHandler(&logs, nil))
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(logs.String())
			}
		})
		_, officer := seedMember(t, db, "Boss", 4)
		tok := tokenFor(t, s, officer)
		table := models.NamerOf(db).QualifiedName("patt", "mito_quotes")
		postgres := models.DialectOf(db) == models.Postgres

		blocker := db.Begin()
		require.NoError(t, blocker.Error)
		released := false
		release := func() {
			if !released {
				released = true
				require.NoError(t, blocker.Rollback().Error)
			}
		}
		t.Cleanup(release)
		if postgres {
			require.NoError(t, blocker.Exec("LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE").Error)
		} else {
			sqlDB, err := db.DB()
			require.NoError(t, err)
			sqlDB.SetMaxOpenConns(1)
			t.Cleanup(func() { sqlDB.SetMaxOpenConns(8) })
			require.NoError(t, blocker.Exec("INSERT INTO "+table+" (quote, created_at) VALUES (?, ?)", "held", time.Now().UTC()).Error)
		}
		s.RequestTimeout = 300 * time.Millisecond

		unavailable := func(resp *http.Response, body string) {
			t.Helper()
			require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
			var env Envelope
			require.NoError(t, json.Unmarshal([]byte(body), &env), body)
			assert.False(t, env.OK)
			assert.Equal(t, msgUnavailable, env.Error)
			assert.Len(t, env.ErrorID, 8)
			assert.NotContains(t, body, "deadline", "the cause stays in the log")
		}
		if postgres { // (on SQLite the session lookup itself waits for the pool)
			unavailable(apiCall(t, app, tok, "POST", "/api/v1/guild/mito/quotes", `{"quote":"Less QQ more pew pew"}`))
		}
		unavailable(get(t, app, "/api/v1/guild/mito"))
		resp, body := get(t, app, "/mitos-corner")
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Contains(t, body, "Taking too long")
		assert.Contains(t, body, msgUnavailable)
		assert.Contains(t, body, "Error ID:")
		assert.Contains(t, logs.String(), "status=503", "the request log says what the client got")
		assert.NotContains(t, logs.String(), "status=500")

		// Once the table is free, the same requests work again.
		release()
		s.RequestTimeout = 15 * time.Second
		resp, body = apiCall(t, app, tok, "POST", "/api/v1/guild/mito/quotes", `{"quote":"Less QQ more pew pew"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = get(t, app, "/mitos-corner")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "Less QQ more pew pew")
	})
}
