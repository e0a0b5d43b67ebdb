package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"patt/logtest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/app/jobs"
	"patt/config"
	"patt/dbtest"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// The app serves, runs its jobs, says once which integrations are off, and
// on cancel stops in order: after Run returns the database is closed.
func TestRunServesAndShutsDownInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		addr := freeAddr(t)
		env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
			"PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test"}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()

		require.Eventually(t, func() bool {
			res, err := http.Get(fmt.Sprintf("http://%s/healthz", addr))
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}, 10*time.Second, 20*time.Millisecond)
		require.Eventually(t, func() bool {
			runs, err := jobs.Recent(db, "voting-checker", 1)
			return err == nil && len(runs) == 1 && runs[0].Status == jobs.StatusOK
		}, 10*time.Second, 20*time.Millisecond, "the checker runs on the job runner at start")

		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(app.ShutdownTimeout + 5*time.Second):
			t.Fatal("Run did not return after cancel")
		}
		sqlDB, err := db.DB()
		require.NoError(t, err)
		assert.Error(t, sqlDB.Ping(), "the database is closed last")
		out := logs.String()
		assert.Contains(t, out, "discord bot off")
		assert.Contains(t, out, "blizzard sync off")
		assert.Contains(t, out, "stopped")
	})
}
