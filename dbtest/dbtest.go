// Package dbtest gives each test its own migrated database, on SQLite always
// and on PostgreSQL when PATT_TEST_DATABASE_URL is set, so one test body runs
// on both dialects.
//
// Fresh databases are cloned from a template migrated once per test binary:
// a copied file on SQLite, CREATE DATABASE … TEMPLATE on Postgres.
package dbtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"patt/migrations"
	"patt/models"
)

// EnvPostgres names the variable holding an admin URL of a test Postgres
// server, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const EnvPostgres = "PATT_TEST_DATABASE_URL"

// Each runs body as a subtest per dialect ("sqlite", "postgres"), each with a
// fresh migrated database. The Postgres subtest skips when no server is set.
func Each(t *testing.T, body func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, d := range []models.Dialect{models.SQLite, models.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db, _ := Migrated(t, d)
			body(t, db)
		})
	}
}

// EachDSN is Each for tests that need the connection string as well (to start
// a second process or a second connection on the same database).
func EachDSN(t *testing.T, body func(t *testing.T, db *gorm.DB, dsn string)) {
	t.Helper()
	for _, d := range []models.Dialect{models.SQLite, models.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db, dsn := Migrated(t, d)
			body(t, db, dsn)
		})
	}
}

// EachEmpty runs body per dialect on a database with no tables at all.
func EachEmpty(t *testing.T, body func(t *testing.T, db *gorm.DB, dsn string)) {
	t.Helper()
	for _, d := range []models.Dialect{models.SQLite, models.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db, dsn := Empty(t, d)
			body(t, db, dsn)
		})
	}
}

// Migrated returns a fresh, fully migrated database of the dialect and its
// DSN; it is closed and removed when the test ends.
func Migrated(t testing.TB, d models.Dialect) (*gorm.DB, string) {
	t.Helper()
	if d == models.Postgres {
		return postgresDB(t, true)
	}
	return sqliteDB(t, true)
}

// Empty returns a fresh database with nothing in it.
func Empty(t testing.TB, d models.Dialect) (*gorm.DB, string) {
	t.Helper()
	if d == models.Postgres {
		return postgresDB(t, false)
	}
	return sqliteDB(t, false)
}

// ---- SQLite ----

var (
	sqliteOnce     sync.Once
	sqliteTemplate string
	sqliteErr      error
)

func sqliteDB(t testing.TB, migrated bool) (*gorm.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "patt.db")
	if migrated {
		sqliteOnce.Do(func() { sqliteTemplate, sqliteErr = buildSQLiteTemplate() })
		if sqliteErr != nil {
			t.Fatalf("sqlite template: %v", sqliteErr)
		}
		if err := copyFile(sqliteTemplate, path); err != nil {
			t.Fatalf("copy sqlite template: %v", err)
		}
	}
	db, err := models.Open(path, nil)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { closeDB(db) })
	return db, path
}

func buildSQLiteTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "patt-dbtest-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "template.db")
	db, err := models.Open(path, nil)
	if err != nil {
		return "", err
	}
	if err := migrations.Migrate(db); err != nil {
		closeDB(db)
		return "", fmt.Errorf("migrate: %w", err)
	}
	// Folding the WAL back into the main file makes a plain copy complete.
	if err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
		closeDB(db)
		return "", err
	}
	closeDB(db)
	return path, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ---- Postgres ----

var (
	pgOnce     sync.Once
	pgTemplate string
	pgErr      error
	pgMu       sync.Mutex // CREATE DATABASE … TEMPLATE wants the template idle
	pgCounter  atomic.Int64
)

// PostgresURL returns the admin URL or skips the test with the reason.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgres)
	if u == "" {
		t.Skipf("postgres: %s is not set; the SQLite run covers this test", EnvPostgres)
	}
	return u
}

func postgresDB(t testing.TB, migrated bool) (*gorm.DB, string) {
	t.Helper()
	admin := PostgresURL(t)
	if migrated {
		pgOnce.Do(func() { pgTemplate, pgErr = buildPostgresTemplate(admin) })
		if pgErr != nil {
			t.Fatalf("postgres template: %v", pgErr)
		}
	}
	name := fmt.Sprintf("patt_t_%d_%d", os.Getpid(), pgCounter.Add(1))
	adminDB, err := models.Open(admin, nil)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvPostgres, err)
	}
	defer closeDB(adminDB)
	create := fmt.Sprintf(`CREATE DATABASE %q`, name)
	if migrated {
		create += fmt.Sprintf(` TEMPLATE %q`, pgTemplate)
	}
	pgMu.Lock()
	err = adminDB.Exec(create).Error
	pgMu.Unlock()
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	dsn := withDatabase(admin, name)
	db, err := models.Open(dsn, nil)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		closeDB(db)
		if a, err := models.Open(admin, nil); err == nil {
			a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name))
			closeDB(a)
		}
	})
	return db, dsn
}

// buildPostgresTemplate migrates a template database named after the test
// binary's content, so a changed migration never reuses a stale template.
func buildPostgresTemplate(admin string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	sum, err := fileHash(exe)
	if err != nil {
		return "", err
	}
	name := "patt_tpl_" + sum[:16]
	adminDB, err := models.Open(admin, nil)
	if err != nil {
		return "", err
	}
	defer closeDB(adminDB)
	var exists int64
	adminDB.Raw(`SELECT count(*) FROM pg_database WHERE datname = ?`, name).Scan(&exists)
	if exists > 0 {
		return name, nil
	}
	building := name + "_build"
	adminDB.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, building))
	if err := adminDB.Exec(fmt.Sprintf(`CREATE DATABASE %q`, building)).Error; err != nil {
		return "", err
	}
	db, err := models.Open(withDatabase(admin, building), nil)
	if err != nil {
		return "", err
	}
	err = migrations.Migrate(db)
	closeDB(db)
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	// Renaming last means a template that exists is always complete.
	if err := adminDB.Exec(fmt.Sprintf(`ALTER DATABASE %q RENAME TO %q`, building, name)).Error; err != nil {
		if adminDB.Raw(`SELECT count(*) FROM pg_database WHERE datname = ?`, name).Scan(&exists); exists > 0 {
			adminDB.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, building))
			return name, nil
		}
		return "", err
	}
	return name, nil
}

func withDatabase(adminURL, name string) string {
	u, err := url.Parse(adminURL)
	if err != nil || u.Scheme == "" {
		return strings.TrimSpace(adminURL) + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
