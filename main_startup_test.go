package main

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/dbtest"
	"patt/models"
)

// Start-up failures (issue 10 item 15) end with one line that says what is
// wrong and names the variable or path to fix, after nothing that claims
// the site runs.

// startFails runs `patt` (serve) in a fresh directory and returns its
// output and the one "patt: …" line it ends with.
func startFails(t *testing.T, env ...string) (out, line string) {
	t.Helper()
	bin, dir := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Env = cleanEnv(env...)
	raw, err := cmd.CombinedOutput()
	out = string(raw)
	require.Error(t, err, "the start must fail: %s", out)
	require.NoError(t, ctx.Err(), "it fails instead of hanging: %s", out)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "patt:") {
			lines = append(lines, l)
		}
		require.NotContains(t, l, `"level":"ERROR"`, "the failure is said once, on the last line: %s", out)
	}
	require.Len(t, lines, 1, "one line says what failed: %s", out)
	require.NotContains(t, out, "patt is running")
	return out, lines[0]
}

func TestStartupFailuresSayOneClearLine(t *testing.T) {
	for _, dialect := range []models.Dialect{models.SQLite, models.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			db, dsn := dbtest.Migrated(t, dialect)

			t.Run("address in use", func(t *testing.T) {
				taken, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				defer taken.Close()
				addr := taken.Addr().String()
				_, line := startFails(t, "DATABASE_URL="+dsn, "PATT_DATA_DIR="+t.TempDir(), "PATT_ADDR="+addr)
				require.Contains(t, line, "PATT_ADDR="+addr)
				require.Contains(t, line, "address already in use")
				require.Equal(t, 1, strings.Count(line, "listen"), line)
			})

			t.Run("unknown migration step", func(t *testing.T) {
				require.NoError(t, db.Exec("INSERT INTO migrations (id) VALUES ('9999_from_a_newer_build')").Error)
				defer db.Exec("DELETE FROM migrations WHERE id = '9999_from_a_newer_build'")
				_, line := startFails(t, "DATABASE_URL="+dsn, "PATT_DATA_DIR="+t.TempDir(), "PATT_ADDR=127.0.0.1:0")
				require.True(t, strings.HasPrefix(line, "patt: migrate: "), line)
				require.NotContains(t, line, "migrate: migrate:")
			})
		})
	}

	// /proc takes no new files, not even from root.
	t.Run("unwritable SQLite directory", func(t *testing.T) {
		out, line := startFails(t, "DATABASE_URL=/proc/patt-startup-test.db", "PATT_DATA_DIR="+t.TempDir(),
			"PATT_JWT_SECRET=0123456789abcdef0123456789abcdef-test", "PATT_ADDR=127.0.0.1:0")
		require.Contains(t, line, "/proc/patt-startup-test.db")
		require.NotContains(t, out, "out of memory")
	})
	t.Run("unwritable data directory", func(t *testing.T) {
		_, line := startFails(t, "PATT_DATA_DIR=/proc", "PATT_ADDR=127.0.0.1:0")
		require.True(t, strings.HasPrefix(line, `patt: PATT_DATA_DIR="/proc"`), line)
		require.Contains(t, line, "/proc/jwt_secret")
	})
}
