// Package models holds the GORM models for the three PATT schemas (common,
// guild_identity, patt) and the one place that decides how a table is named
// on each database dialect.
//
// Model conventions, so a struct says what its column allows:
//   - A nullable column without a default is a pointer (*int, *string,
//     *time.Time); NOT NULL columns and columns with a default are values.
//   - GORM inserts every field as the struct holds it, so a column's DB
//     default only applies through a `default:` tag. String and non-zero
//     integer defaults carry that tag (an empty Timezone becomes
//     America/Chicago). Booleans never do: a `default:true` tag would make
//     false impossible to insert, so set IsActive, IsPresent, AgentEnabled,
//     EarlyCloseIfAllVoted, DisplayOnPublic… explicitly when creating.
//   - JSONB and TEXT[] columns are datatypes.JSON, DATE is Date, TIME is
//     TimeOfDay; all times are stored in UTC.
//   - Relations are for Preload only; create and save with
//     Omit(clause.Associations) unless you mean to write the related rows.
package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/schema"
)

// Dialect names the database engine behind a *gorm.DB.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Schemas are the Postgres schemas the platform owns, in creation order.
var Schemas = []string{"common", "guild_identity", "patt"}

// Namer is GORM's default naming strategy plus one switch: on SQLite, which
// has no schemas, "guild_identity.players" becomes "guild_identity_players".
type Namer struct {
	schema.NamingStrategy
	FlattenSchemas bool
}

// QualifiedName turns a schema and table into the name this dialect uses.
// It is the only function that spells out how tables are named.
func (n Namer) QualifiedName(schemaName, table string) string {
	if n.FlattenSchemas {
		return schemaName + "_" + table
	}
	return schemaName + "." + table
}

// tableName is what every model's TableName(namer) calls.
func tableName(namer schema.Namer, schemaName, table string) string {
	if n, ok := namer.(Namer); ok {
		return n.QualifiedName(schemaName, table)
	}
	return schemaName + "." + table
}

// DialectFor tells which dialect a DATABASE_URL value selects: a postgres://
// or postgresql:// URL (or a key=value DSN with host=) is Postgres, anything
// else is a SQLite file path.
func DialectFor(dsn string) Dialect {
	lower := strings.ToLower(strings.TrimSpace(dsn))
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") ||
		strings.Contains(lower, "host=") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by dsn and configures naming for its
// dialect. A SQLite path has its directory created; the file itself is
// created by the driver.
func Open(dsn string, log logger.Interface) (*gorm.DB, error) {
	if log == nil {
		log = logger.Discard
	}
	dialect := DialectFor(dsn)
	namer := Namer{FlattenSchemas: dialect == SQLite}
	cfg := &gorm.Config{
		NamingStrategy:                           namer,
		Logger:                                   log,
		NowFunc:                                  func() time.Time { return time.Now().UTC() },
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           true,
	}
	var dial gorm.Dialector
	switch dialect {
	case Postgres:
		dial = postgres.Open(withPostgresDefaults(dsn))
	default:
		if err := checkSQLitePath(dsn); err != nil {
			return nil, err
		}
		dial = sqlite.Open(sqliteDSN(dsn))
	}
	db, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a small pool of readers is
		// fine with WAL. busy_timeout makes writers queue instead of failing.
		sqlDB.SetMaxOpenConns(8)
		db.ConnPool = &utcPool{db: sqlDB}
		db.Statement.ConnPool = db.ConnPool
	} else {
		sqlDB.SetMaxOpenConns(25)
		sqlDB.SetMaxIdleConns(25)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	return db, nil
}

// checkSQLitePath makes sure the SQLite file can be opened for writing and
// its directory takes new files (WAL keeps -wal and -shm files beside it),
// so a wrong path fails with one line naming it instead of the driver's
// "out of memory (14)" at the first query.
func checkSQLitePath(dsn string) error {
	path, _, _ := strings.Cut(dsn, "?")
	if strings.HasPrefix(path, "file:") || path == ":memory:" || path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("cannot create the database directory %s (DATABASE_URL=%s): %w", dir, path, pathReason(err))
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("cannot open the SQLite database %s for writing (DATABASE_URL or PATT_DATA_DIR): %w", path, pathReason(err))
	}
	f.Close()
	probe, err := os.CreateTemp(dir, ".patt-write-check-*")
	if err != nil {
		return fmt.Errorf("the SQLite database's directory %s does not take new files (DATABASE_URL=%s): %w", dir, path, pathReason(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// pathReason drops the path an *os.PathError repeats.
func pathReason(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sqliteDSN adds the pragmas every connection needs: foreign keys enforced,
// WAL for concurrent readers, a busy timeout so writers wait for each other,
// and BEGIN IMMEDIATE so a transaction takes the write lock up front instead
// of failing with SQLITE_BUSY when it later tries to upgrade. (Do not add
// _time_format: the driver stops reading parameters after it, and its
// default format is already the sortable "2006-01-02 15:04:05.999999999-07:00".)
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// withPostgresDefaults pins the session time zone to UTC so timestamps read
// back the way they were stored.
func withPostgresDefaults(dsn string) string {
	if strings.Contains(strings.ToLower(dsn), "timezone") {
		return dsn
	}
	if strings.Contains(dsn, "://") {
		if strings.Contains(dsn, "?") {
			return dsn + "&timezone=UTC"
		}
		return dsn + "?timezone=UTC"
	}
	return dsn + " TimeZone=UTC"
}

// DialectOf reports the dialect of an open database.
func DialectOf(db *gorm.DB) Dialect {
	if db.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

// NamerOf returns the naming strategy of an open database.
func NamerOf(db *gorm.DB) Namer {
	if n, ok := db.NamingStrategy.(Namer); ok {
		return n
	}
	return Namer{FlattenSchemas: DialectOf(db) == SQLite}
}

// Table returns the table name of a model on this database, for the rare
// raw SQL that cannot go through db.Model.
func Table(db *gorm.DB, model any) string {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(model); err != nil {
		panic(fmt.Sprintf("models.Table: %v", err))
	}
	return stmt.Schema.Table
}

// All returns one value of every model, parents before children (the order
// the migrations create the tables in).
func All() []any {
	return []any{
		&GuildRank{}, &User{},
		&Role{}, &Class{}, &Specialization{},
		&DiscordUser{}, &Character{}, &Player{}, &PlayerCharacter{},
		&OnboardingSession{}, &AuditIssue{}, &SyncLog{},
		&InviteCode{}, &DiscordConfig{},
		&Campaign{}, &CampaignEntry{}, &Vote{}, &CampaignResult{}, &ContestAgentLog{},
		&Ballot{}, &CampaignTally{}, &ContestAgentState{},
		&MitoQuote{}, &MitoTitle{},
		&AvailabilityWindow{}, &RaidSeason{}, &RecurringEvent{}, &RaidEvent{}, &RaidAttendance{},
		&CalendarToken{},
		&JobRun{}, &OfficerAction{}, &Session{},
		&DMOutbox{}, &BotStatus{},
		&RaidSignup{}, &RaidBooking{}, &RaidHelperUnknownSignup{},
		&AddonUploader{}, &AddonUpload{},
		&GuildSettings{},
		&BlizzardSettings{},
	}
}

// Ping checks the database answers within the context's deadline.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}
