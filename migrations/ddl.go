package migrations

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// DDL is written in Postgres syntax with table names as placeholders,
// {{guild_identity.players}}, which render turns into the dialect's name
// through models.Namer. On SQLite it also swaps the few types and defaults
// SQLite spells differently. Everything else (VARCHAR(n), NUMERIC, TIME,
// CHECK, partial and expression indexes, ON CONFLICT) is common to both.

var placeholder = regexp.MustCompile(`\{\{(\w+)\.(\w+)\}\}`)

var sqliteSpelling = []struct {
	pg     *regexp.Regexp
	sqlite string
}{
	{regexp.MustCompile(`\bSERIAL PRIMARY KEY\b`), "INTEGER PRIMARY KEY AUTOINCREMENT"},
	// DATETIME is also what makes the SQLite driver hand back time.Time.
	{regexp.MustCompile(`\bTIMESTAMPTZ\b`), "DATETIME"},
	{regexp.MustCompile(`\bNOW\(\)`), "CURRENT_TIMESTAMP"},
	{regexp.MustCompile(`\bJSONB\b`), "JSON"},
}

// render turns placeholder DDL or DML into this database's SQL.
func render(db *gorm.DB, sql string) string {
	namer := models.NamerOf(db)
	out := placeholder.ReplaceAllStringFunc(sql, func(m string) string {
		parts := placeholder.FindStringSubmatch(m)
		return namer.QualifiedName(parts[1], parts[2])
	})
	if models.DialectOf(db) == models.SQLite {
		for _, s := range sqliteSpelling {
			out = s.pg.ReplaceAllString(out, s.sqlite)
		}
	}
	return out
}

// exec renders and runs statements in order, naming the failing one.
func exec(tx *gorm.DB, statements ...string) error {
	for _, stmt := range statements {
		sql := render(tx, stmt)
		if err := tx.Exec(sql).Error; err != nil {
			return fmt.Errorf("%s: %w", firstLine(sql), err)
		}
	}
	return nil
}

func firstLine(sql string) string {
	sql = strings.TrimSpace(sql)
	if i := strings.IndexByte(sql, '\n'); i >= 0 {
		return strings.TrimSpace(sql[:i])
	}
	return sql
}

// table is one CREATE TABLE and the indexes that belong to it.
type table struct {
	name    string // "schema.table", as written in placeholders
	create  string
	indexes []string
}

// createTables is a step that creates tables in the order given (parents
// first) and whose rollback drops them in reverse; their indexes go with them.
func createTables(id string, tables ...table) *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: id,
		Migrate: func(tx *gorm.DB) error {
			for _, t := range tables {
				if err := exec(tx, t.create); err != nil {
					return err
				}
				if err := exec(tx, t.indexes...); err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for i := len(tables) - 1; i >= 0; i-- {
				if err := exec(tx, "DROP TABLE IF EXISTS {{"+tables[i].name+"}}"); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
