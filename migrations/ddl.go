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
	// kept names tables whose rows a later step's rollback set aside (see
	// keepRows) and that only make sense with this table's rows: they go
	// when this table goes.
	kept []string
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
				for _, k := range tables[i].kept {
					if err := exec(tx, "DROP TABLE IF EXISTS {{"+keptName(k)+"}}"); err != nil {
						return err
					}
				}
				if err := exec(tx, "DROP TABLE IF EXISTS {{"+tables[i].name+"}}"); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// A rollback that drops a table whose rows hang off rows that stay (a
// closed campaign's tally, say) would lose data that nothing can recompute.
// keepRows sets those rows aside in "<table>_kept", a plain copy without
// constraints, before the drop; restoreRows, in the step's next run, puts
// back the ones whose parents still exist and drops the copy. On a database
// that was never rolled back there is no copy and the step does what it
// always did.

// keptName is "schema.table_kept" for "schema.table".
func keptName(name string) string { return name + "_kept" }

// keepRows copies name's rows (or the given columns only) into its kept
// table, replacing an older copy.
func keepRows(tx *gorm.DB, name string, columns ...string) error {
	cols := "*"
	if len(columns) > 0 {
		cols = strings.Join(columns, ", ")
	}
	return exec(tx,
		"DROP TABLE IF EXISTS {{"+keptName(name)+"}}",
		"CREATE TABLE {{"+keptName(name)+"}} AS SELECT "+cols+" FROM {{"+name+"}}")
}

// hasKept tells whether a rollback left a kept copy of name.
func hasKept(tx *gorm.DB, name string) bool {
	schemaName, tableName, _ := strings.Cut(keptName(name), ".")
	return tx.Migrator().HasTable(models.NamerOf(tx).QualifiedName(schemaName, tableName))
}

// restoreRows inserts the kept rows of name that match where (SQL over the
// kept table's columns, placeholders allowed) back into name and drops the
// copy. Without a copy it does nothing.
func restoreRows(tx *gorm.DB, name string, columns []string, where string) error {
	if !hasKept(tx, name) {
		return nil
	}
	cols := strings.Join(columns, ", ")
	return exec(tx,
		"INSERT INTO {{"+name+"}} ("+cols+") SELECT "+cols+" FROM {{"+keptName(name)+"}} WHERE "+where,
		"DROP TABLE {{"+keptName(name)+"}}")
}
