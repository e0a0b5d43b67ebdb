package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 10 item 11: the password never appears in an error, whether the
// URL parses or not, and a URL of any other scheme is refused instead of
// becoming an SQLite file named after it.
func TestDatabaseURLIsCheckedAndRedacted(t *testing.T) {
	load := func(dsn string) error {
		_, err := Load(func(k string) string {
			switch k {
			case "PATT_DATA_DIR":
				return t.TempDir()
			case "DATABASE_URL":
				return dsn
			}
			return ""
		})
		return err
	}
	for _, dsn := range []string{
		"postgres://postgres:S3cret%zz@db.example:5432/patt",
		"postgres://postgres:S3cret@/patt",
		"postgress://postgres:S3cret@db.example/patt",
		"mysql://root:S3cret@db.example/patt",
		"POSTGRESQL://u:S3cret@",
	} {
		err := load(dsn)
		require.Error(t, err, dsn)
		require.NotContains(t, err.Error(), "S3cret", dsn)
		require.Contains(t, err.Error(), "DATABASE_URL", dsn)
		require.Contains(t, err.Error(), "xxxxx", "the value is shown, redacted: %v", err)
	}
	require.Contains(t, load("mysql://root:S3cret@db.example/patt").Error(), `unknown scheme "mysql"`)
	for _, ok := range []string{"postgres://u:p@localhost:5432/patt", "postgresql://localhost/patt", "/var/lib/patt/patt.db", "host=db user=u password=S3cret dbname=patt"} {
		require.NoError(t, load(ok), ok)
	}
	require.Equal(t, "host=db password=xxxxx", redact("host=db password=S3cret"))
}
