package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildBinary compiles patt once per test run and copies it into a fresh
// directory that holds nothing else, so the run proves everything the site
// needs is embedded.
func buildBinary(t *testing.T) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	buildOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "patt-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(tmp, "patt")
		cmd := exec.Command("go", "build", "-o", builtBin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	require.NoError(t, buildErr)
	dir = t.TempDir()
	bin = filepath.Join(dir, "patt")
	data, err := os.ReadFile(builtBin)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, data, 0o755))
	return bin, dir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// cleanEnv is the environment of a newcomer: no PATT_ or DATABASE_ settings.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PATT_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func TestBinaryServesFromAnEmptyDirectory(t *testing.T) {
	bin, dir := buildBinary(t)
	addr := freeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = cleanEnv("PATT_ADDR=" + addr)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://" + addr
	waitHealthy(t, base, &logs)

	page := fetch(t, base+"/", "text/html")
	require.Contains(t, page, "Pull All The Things")
	for _, want := range []struct{ re, ct string }{
		{`/assets/css/app\.css\?v=[0-9a-f]+`, "text/css"},
		{`/assets/js/htmx\.min\.js\?v=[0-9a-f]+`, "text/javascript"},
	} {
		u := regexp.MustCompile(want.re).FindString(page)
		require.NotEmpty(t, u, "page links %s", want.re)
		body := fetch(t, base+u, want.ct)
		require.NotEmpty(t, body)
		if strings.Contains(u, "app.css") {
			font := regexp.MustCompile(`fonts/[a-z0-9-]+\.woff2`).FindString(body)
			require.NotEmpty(t, font, "the stylesheet loads fonts from the binary")
			require.NotEmpty(t, fetch(t, base+"/assets/"+font, "font/woff2"))
			require.NotContains(t, body, "fonts.googleapis.com", "no CDN")
		}
	}
	require.FileExists(t, filepath.Join(dir, "data", "patt.db"), "the default database is an SQLite file under ./data")

	// SIGTERM shuts down gracefully with exit status 0.
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "logs: %s", logs.String())
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit after SIGTERM; logs: %s", logs.String())
	}
	require.Contains(t, logs.String(), "stopped")
}

func TestBinaryRefusesAWrongSetting(t *testing.T) {
	bin, dir := buildBinary(t)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = cleanEnv("PATT_ADDR=not-an-address")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.NotEqual(t, 0, exit.ExitCode())
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 1, "one clear line: %q", out)
	require.Contains(t, lines[0], "PATT_ADDR")
}

// patt migrate / migrate status / migrate down, through the real binary, on
// the SQLite default and on Postgres.
func TestMigrateCommands(t *testing.T) {
	bin, dir := buildBinary(t)
	for _, dialect := range []models.Dialect{models.SQLite, models.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			env := cleanEnv("PATT_DATA_DIR=" + t.TempDir())
			if dialect == models.Postgres {
				_, dsn := dbtest.Empty(t, models.Postgres)
				env = append(env, "DATABASE_URL="+dsn)
			}
			run := func(args ...string) string {
				cmd := exec.Command(bin, args...)
				cmd.Dir = dir
				cmd.Env = env
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%v: %s", args, out)
				return string(out)
			}
			status := run("migrate", "status")
			require.Contains(t, status, "pending")
			require.NotContains(t, status, "applied")
			run("migrate")
			status = run("migrate", "status")
			require.NotContains(t, status, "pending")
			require.Equal(t, status, run("migrate", "status"), "status is stable")
			run("migrate") // a second run is a no-op
			require.NotContains(t, run("migrate", "status"), "pending")
			run("migrate", "down")
			status = run("migrate", "status")
			require.Equal(t, 1, strings.Count(status, "pending"), status)
			run("migrate")
			require.NotContains(t, run("migrate", "status"), "pending")
		})
	}
	cmd := exec.Command(bin, "version")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err)
	require.Contains(t, string(out), "patt")
}

func waitHealthy(t *testing.T, base string, logs *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("site did not become healthy; logs:\n%s", logs.String())
}

func fetch(t *testing.T, u, contentType string) string {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s", u)
	require.Contains(t, resp.Header.Get("Content-Type"), contentType, fmt.Sprintf("GET %s", u))
	return string(body)
}

// An older binary on a database a newer one migrated: migrate status lists
// the step it does not know, migrate down refuses (non-zero exit, one line
// naming the step) and rolls nothing back.
func TestMigrateCommandsOnADatabaseWithANewerStep(t *testing.T) {
	bin, dir := buildBinary(t)
	dbtest.EachDSN(t, func(t *testing.T, db *gorm.DB, dsn string) {
		const newer = "0999_from_a_newer_build"
		require.NoError(t, db.Exec("INSERT INTO migrations (id) VALUES (?)", newer).Error)
		run := func(args ...string) (string, error) {
			cmd := exec.Command(bin, args...)
			cmd.Dir = dir
			cmd.Env = cleanEnv("PATT_DATA_DIR="+t.TempDir(), "DATABASE_URL="+dsn)
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		status, err := run("migrate", "status")
		require.NoError(t, err, status)
		require.Contains(t, status, "unknown  "+newer)
		require.NotContains(t, status, "pending")

		out, err := run("migrate", "down")
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, out)
		require.NotEqual(t, 0, exit.ExitCode())
		require.Contains(t, out, newer)
		require.Contains(t, out, "does not know")
		require.NotContains(t, out, "rolled back")

		again, err := run("migrate", "status")
		require.NoError(t, err)
		require.Equal(t, status, again, "nothing was rolled back")
	})
}
