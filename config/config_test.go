package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c, err := Load(envOf(map[string]string{"PATT_DATA_DIR": dir}))
	require.NoError(t, err)
	require.Equal(t, ":8100", c.Addr)
	require.Equal(t, filepath.Join(dir, "patt.db"), c.DatabaseURL)
	require.Equal(t, "http://localhost:8100", c.BaseURL)
	require.Equal(t, Development, c.Env)
	require.Equal(t, "America/New_York", c.GuildTimezone.String())
	require.Equal(t, 30*24*time.Hour, c.SessionTTL)
	require.Equal(t, "Pull All The Things", c.Guild.Name)
	require.GreaterOrEqual(t, len(c.JWTSecret), 32)
	require.DirExists(t, dir)
}

func TestGeneratedSecretIsKept(t *testing.T) {
	dir := t.TempDir()
	env := envOf(map[string]string{"PATT_DATA_DIR": dir})
	first, err := Load(env)
	require.NoError(t, err)
	second, err := Load(env)
	require.NoError(t, err)
	require.Equal(t, first.JWTSecret, second.JWTSecret, "a restart must keep sessions valid")
	info, err := os.Stat(filepath.Join(dir, "jwt_secret"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func TestLoadRejectsWrongValues(t *testing.T) {
	cases := []struct {
		name, value string
	}{
		{"PATT_ENV", "staging"},
		{"PATT_ADDR", "8100"},
		{"PATT_ADDR", ":99999"},
		{"PATT_GUILD_TIMEZONE", "Mars/Olympus"},
		{"PATT_JWT_SECRET", "short"},
		{"PATT_BASE_URL", "example.com"},
		{"PATT_SESSION_DAYS", "0"},
		{"PATT_LOG_FORMAT", "xml"},
		{"DATABASE_URL", "postgres://"},
		{"PATT_BLIZZARD_API_URL", "ftp://x"},
	}
	for _, tc := range cases {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			_, err := Load(envOf(map[string]string{"PATT_DATA_DIR": t.TempDir(), tc.name: tc.value}))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.name, "the error must name the variable")
			var ce *Error
			require.ErrorAs(t, err, &ce)
		})
	}
}

func TestPostgresURLAndGuildOverrides(t *testing.T) {
	c, err := Load(envOf(map[string]string{
		"PATT_DATA_DIR":   t.TempDir(),
		"DATABASE_URL":    "postgres://patt:pw@127.0.0.1:5432/patt",
		"PATT_GUILD_NAME": "Other Guild",
		"PATT_ENV":        "production",
		"PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef",
	}))
	require.NoError(t, err)
	require.Equal(t, "postgres://patt:pw@127.0.0.1:5432/patt", c.DatabaseURL)
	require.Equal(t, "Other Guild", c.Guild.Name)
	require.True(t, c.Production())
	require.Empty(t, c.JWTSecretFile)
}

func TestGuildValuesFromEnvironment(t *testing.T) {
	env := map[string]string{"PATT_DATA_DIR": t.TempDir(), "PATT_GUILD_VALUES": "🍺|Fun|We laugh; 🛡️ | Safety | No toxicity "}
	c, err := Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []GuildValue{{"🍺", "Fun", "We laugh"}, {"🛡️", "Safety", "No toxicity"}}
	if len(c.Guild.Values) != 2 || c.Guild.Values[0] != want[0] || c.Guild.Values[1] != want[1] {
		t.Fatalf("values = %#v", c.Guild.Values)
	}
	env["PATT_GUILD_VALUES"] = "just text"
	if _, err := Load(func(k string) string { return env[k] }); err == nil {
		t.Fatal("a malformed PATT_GUILD_VALUES is refused")
	}
}

// PATT_FAKE_NOW sets the runtime's clock in development: it reads the
// instant given and runs on at the real pace; production refuses it with
// a message naming the variable, and a value that is not RFC 3339 too.
func TestFakeNow(t *testing.T) {
	c, err := Load(envOf(map[string]string{"PATT_DATA_DIR": t.TempDir()}))
	require.NoError(t, err)
	require.True(t, c.FakeNow.IsZero())
	require.WithinDuration(t, time.Now(), c.Clock()(), time.Minute, "unset: the real clock")

	c, err = Load(envOf(map[string]string{"PATT_DATA_DIR": t.TempDir(), "PATT_FAKE_NOW": "2027-03-14T02:30:00-05:00"}))
	require.NoError(t, err)
	want := time.Date(2027, 3, 14, 7, 30, 0, 0, time.UTC)
	require.Equal(t, want, c.FakeNow)
	clock := c.Clock()
	first := clock()
	require.Equal(t, time.UTC, first.Location())
	require.WithinDuration(t, want, first, time.Minute)
	require.False(t, clock().Before(first), "the fake clock runs forward")

	_, err = Load(envOf(map[string]string{"PATT_DATA_DIR": t.TempDir(), "PATT_FAKE_NOW": "2027-03-14T02:30:00Z",
		"PATT_ENV": "production", "PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef"}))
	require.ErrorContains(t, err, "PATT_FAKE_NOW")
	require.ErrorContains(t, err, "refused in production")

	_, err = Load(envOf(map[string]string{"PATT_DATA_DIR": t.TempDir(), "PATT_FAKE_NOW": "next tuesday"}))
	require.ErrorContains(t, err, `PATT_FAKE_NOW="next tuesday" is invalid: want an RFC 3339 instant`)
}

// On a Postgres database (shared by instances) the generated session key
// is kept in the database by the app, not in this instance's data
// directory (issue 10 item 14).
func TestPostgresKeepsNoSecretFile(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(envOf(map[string]string{"PATT_DATA_DIR": dir, "DATABASE_URL": "postgres://patt@127.0.0.1:5432/patt"}))
	require.NoError(t, err)
	require.Empty(t, c.JWTSecret, "the app loads it from the database")
	require.Empty(t, c.JWTSecretFile)
	require.NoFileExists(t, filepath.Join(dir, "jwt_secret"))
}
