// Package config reads the platform's settings from environment variables,
// validates them once at start, and fills in the zero-configuration defaults
// (an SQLite file and a generated JWT secret under the data directory).
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Env is the deployment mode.
type Env string

const (
	Development Env = "development"
	Production  Env = "production"
)

// Guild holds the public identity of the guild, so another guild can run the
// same binary. Defaults are Pull All The Things'.
type Guild struct {
	Name          string
	Tagline       string
	Realm         string
	RealmSlug     string
	NameSlug      string
	Region        string
	Faction       string
	DiscordInvite string
	RecruitingURL string
	Values        []GuildValue
}

// GuildValue is one of the value tiles on the landing page.
type GuildValue struct {
	Icon, Name, Text string
}

// defaultValues are Pull All The Things' own words.
var defaultValues = []GuildValue{
	{"🏠", "Real-Life First", "Family, work and health come before any boss. Miss a night? No drama."},
	{"🤝", "Inclusive", "Everyone is welcome, whatever their background, experience or play style."},
	{"💚", "Community", "We chat, help each other gear up, and hang out well beyond raid nights."},
	{"✨", "Zero Toxicity", "No blame, no flaming, no elitism. We wipe together and laugh about it."},
}

// Config is every setting the platform reads.
type Config struct {
	DatabaseURL   string
	Addr          string
	DataDir       string
	BaseURL       string
	Env           Env
	JWTSecret     []byte
	JWTSecretFile string // where a generated secret is kept; empty when set by env or kept in a Postgres database
	SessionTTL    time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (PATT_TRUSTED_PROXIES, comma-separated CIDRs or addresses;
	// loopback when unset). Anyone else is judged by the connection.
	TrustedProxies []netip.Prefix
	GuildTimezone  *time.Location
	LogFormat      string // "json" or "text"; empty = json unless a terminal
	Guild          Guild

	// Discord bot (bot/): the bot starts only when a token is set.
	DiscordToken   string
	DiscordGuildID string
	DiscordAPIURL  string
	AuditChannelID string
	// Blizzard API (sync/).
	BlizzardClientID     string
	BlizzardClientSecret string
	BlizzardAPIURL       string
	BlizzardOAuthURL     string
	// BattleNetAuthorizeURL is where members sign in with Battle.net to
	// prove their characters (same application as the roster sync).
	BattleNetAuthorizeURL string
	// Raid-Helper API (schedule/).
	RaidHelperAPIURL string
	// Shared secret for addon uploads from the companion app.
	AddonAPIKey string
	// FakeNow, when set (PATT_FAKE_NOW, development only), is the instant
	// the site believes it is at start; the clock runs on from there. It
	// lets the demo and tests show a chosen week, e.g. one with a DST
	// change, through every page and API (issue 18).
	FakeNow time.Time
}

// Production reports whether cookies must be Secure and errors terse.
func (c *Config) Production() bool { return c.Env == Production }

// Clock is the runtime's clock, in UTC: the real one, or with FakeNow one
// that reads FakeNow when Clock is called and runs on at the real pace from
// there (sessions, jobs and "updated at" still move).
func (c *Config) Clock() func() time.Time {
	if c.FakeNow.IsZero() {
		return func() time.Time { return time.Now().UTC() }
	}
	offset := c.FakeNow.Sub(time.Now())
	return func() time.Time { return time.Now().Add(offset).UTC() }
}

// Error names the variable that has a wrong value.
type Error struct {
	Var, Value, Want string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s=%q is invalid: %s", e.Var, e.Value, e.Want)
}

// Load reads the environment through getenv (os.Getenv in production, a map
// in tests) and returns the validated configuration. It creates the data
// directory and, when no secret is configured, the secret file in it.
func Load(getenv func(string) string) (*Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		Addr:                  get("PATT_ADDR", ":8100"),
		DataDir:               get("PATT_DATA_DIR", "./data"),
		Env:                   Env(get("PATT_ENV", string(Development))),
		LogFormat:             get("PATT_LOG_FORMAT", ""),
		DiscordToken:          get("PATT_DISCORD_TOKEN", get("DISCORD_BOT_TOKEN", "")),
		DiscordGuildID:        get("PATT_DISCORD_GUILD_ID", get("DISCORD_GUILD_ID", "")),
		DiscordAPIURL:         get("PATT_DISCORD_API_URL", ""),
		AuditChannelID:        get("PATT_AUDIT_CHANNEL_ID", ""),
		BlizzardClientID:      get("BLIZZARD_CLIENT_ID", ""),
		BlizzardClientSecret:  get("BLIZZARD_CLIENT_SECRET", ""),
		BlizzardAPIURL:        get("PATT_BLIZZARD_API_URL", "https://us.api.blizzard.com"),
		BlizzardOAuthURL:      get("PATT_BLIZZARD_OAUTH_URL", "https://oauth.battle.net/token"),
		BattleNetAuthorizeURL: get("PATT_BATTLENET_AUTHORIZE_URL", "https://oauth.battle.net/authorize"),
		RaidHelperAPIURL:      get("PATT_RAID_HELPER_API_URL", "https://raid-helper.dev/api"),
		AddonAPIKey:           get("PATT_API_KEY", ""),
		Guild: Guild{
			Name:          get("PATT_GUILD_NAME", "Pull All The Things"),
			Tagline:       get("PATT_GUILD_TAGLINE", "Casual heroic raiding with a real-life-first philosophy, zero toxicity and great vibes."),
			Realm:         get("PATT_GUILD_REALM", "Sen'jin"),
			RealmSlug:     get("PATT_GUILD_REALM_SLUG", "senjin"),
			NameSlug:      get("PATT_GUILD_NAME_SLUG", "pull-all-the-things"),
			Region:        get("PATT_GUILD_REGION", "us"),
			Faction:       get("PATT_GUILD_FACTION", "Horde"),
			DiscordInvite: get("PATT_DISCORD_INVITE_URL", "https://discord.gg/jgSSRBvjHM"),
			RecruitingURL: get("PATT_RECRUITING_URL", "https://us.forums.blizzard.com/en/wow/c/guild-recruitment/"),
			Values:        defaultValues,
		},
	}
	if raw := get("PATT_GUILD_VALUES", ""); raw != "" {
		values, err := parseGuildValues(raw)
		if err != nil {
			return nil, &Error{"PATT_GUILD_VALUES", raw, err.Error()}
		}
		c.Guild.Values = values
	}

	if c.Env != Development && c.Env != Production {
		return nil, &Error{"PATT_ENV", string(c.Env), "want development or production"}
	}
	if raw := get("PATT_FAKE_NOW", ""); raw != "" {
		if c.Env == Production {
			return nil, &Error{"PATT_FAKE_NOW", raw, "a fake clock is refused in production (unset it or PATT_ENV)"}
		}
		at, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return nil, &Error{"PATT_FAKE_NOW", raw, "want an RFC 3339 instant such as 2027-03-10T18:00:00Z or 2027-03-10T13:00:00-05:00"}
		}
		c.FakeNow = at.UTC()
	}
	if err := checkAddr(c.Addr); err != nil {
		return nil, &Error{"PATT_ADDR", c.Addr, err.Error()}
	}
	switch c.LogFormat {
	case "", "json", "text":
	default:
		return nil, &Error{"PATT_LOG_FORMAT", c.LogFormat, "want json or text"}
	}

	tzName := get("PATT_GUILD_TIMEZONE", "America/New_York")
	loc, err := time.LoadLocation(tzName)
	if err != nil || tzName == "Local" {
		return nil, &Error{"PATT_GUILD_TIMEZONE", tzName, "want an IANA time zone such as America/New_York"}
	}
	c.GuildTimezone = loc

	ttl := get("PATT_SESSION_DAYS", "30")
	days, err := strconv.Atoi(ttl)
	if err != nil || days < 1 || days > 365 {
		return nil, &Error{"PATT_SESSION_DAYS", ttl, "want a whole number of days from 1 to 365"}
	}
	c.SessionTTL = time.Duration(days) * 24 * time.Hour

	proxies := get("PATT_TRUSTED_PROXIES", "127.0.0.0/8,::1/128")
	if c.TrustedProxies, err = ParseProxies(proxies); err != nil {
		return nil, &Error{"PATT_TRUSTED_PROXIES", proxies, "want comma-separated CIDRs or addresses, e.g. 10.0.0.0/8,172.16.0.0/12"}
	}

	for _, u := range []struct{ name, value string }{
		{"PATT_BLIZZARD_API_URL", c.BlizzardAPIURL},
		{"PATT_BLIZZARD_OAUTH_URL", c.BlizzardOAuthURL},
		{"PATT_RAID_HELPER_API_URL", c.RaidHelperAPIURL},
		{"PATT_DISCORD_INVITE_URL", c.Guild.DiscordInvite},
		{"PATT_RECRUITING_URL", c.Guild.RecruitingURL},
	} {
		if err := checkHTTPURL(u.value); err != nil {
			return nil, &Error{u.name, u.value, err.Error()}
		}
	}
	if c.DiscordAPIURL != "" {
		if err := checkHTTPURL(c.DiscordAPIURL); err != nil {
			return nil, &Error{"PATT_DISCORD_API_URL", c.DiscordAPIURL, err.Error()}
		}
	}

	c.BaseURL = strings.TrimRight(get("PATT_BASE_URL", defaultBaseURL(c.Addr)), "/")
	if err := checkHTTPURL(c.BaseURL); err != nil {
		return nil, &Error{"PATT_BASE_URL", c.BaseURL, err.Error()}
	}

	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, &Error{"PATT_DATA_DIR", c.DataDir, "cannot create it (" + pathProblem(err) + ")"}
	}

	c.DatabaseURL = get("DATABASE_URL", filepath.Join(c.DataDir, "patt.db"))
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return nil, err
	}

	if secret := getenv("PATT_JWT_SECRET"); secret != "" {
		if len(secret) < 32 {
			return nil, &Error{"PATT_JWT_SECRET", "(hidden)", "want at least 32 bytes"}
		}
		c.JWTSecret = []byte(secret)
	} else if c.SharedDatabase() {
		// Instances on one Postgres database must sign sessions with one
		// key: the app keeps the generated key in the database once it is
		// open (models.SharedSecret); JWTSecret stays empty until then.
	} else {
		c.JWTSecretFile = filepath.Join(c.DataDir, "jwt_secret")
		secret, err := loadOrCreateSecret(c.JWTSecretFile)
		if err != nil {
			return nil, &Error{"PATT_DATA_DIR", c.DataDir, "the generated session secret cannot be kept in " + c.JWTSecretFile +
				" (" + pathProblem(err) + "); make the directory writable, or set PATT_JWT_SECRET"}
		}
		c.JWTSecret = secret
	}
	return c, nil
}

// SharedDatabase reports whether the database may be shared by several
// instances (Postgres), so what they generate must live in it, not in one
// instance's data directory.
func (c *Config) SharedDatabase() bool { return isPostgresURL(c.DatabaseURL) }

// isPostgresURL is models.DialectFor's rule (config cannot import models).
func isPostgresURL(dsn string) bool {
	lower := strings.ToLower(strings.TrimSpace(dsn))
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") || strings.Contains(lower, "host=")
}

// pathProblem is an *os.PathError's reason without the repeated path.
func pathProblem(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parseGuildValues reads the landing page's value tiles from
// PATT_GUILD_VALUES: tiles separated by ";", each "icon|name|text", e.g.
// "🏠|Real-Life First|Family comes first;🤝|Inclusive|Everyone is welcome".
func parseGuildValues(raw string) ([]GuildValue, error) {
	var out []GuildValue
	for _, tile := range strings.Split(raw, ";") {
		if strings.TrimSpace(tile) == "" {
			continue
		}
		parts := strings.Split(tile, "|")
		if len(parts) != 3 || strings.TrimSpace(parts[1]) == "" {
			return nil, errors.New(`want tiles "icon|name|text" separated by ";"`)
		}
		out = append(out, GuildValue{Icon: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Text: strings.TrimSpace(parts[2])})
	}
	if len(out) == 0 {
		return nil, errors.New(`want at least one tile "icon|name|text"`)
	}
	return out, nil
}

func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want host:port or :port, e.g. :8100")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return errors.New("port must be a number from 0 to 65535")
	}
	_ = host
	return nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http(s):// URL")
	}
	return nil
}

func defaultBaseURL(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// redact hides a password inside a database URL before it is shown.
func redact(raw string) string {
	// Never parse first: a value that fails to parse is exactly the one
	// whose password would otherwise be printed as typed.
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		end := len(rest)
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			end = j
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			user := rest[:at]
			if k := strings.IndexByte(user, ':'); k >= 0 {
				user = user[:k] + ":xxxxx"
			}
			return raw[:i+3] + user + rest[at:]
		}
		return raw
	}
	// key=value DSN: password=secret
	fields := strings.Fields(raw)
	for i, f := range fields {
		if k, _, ok := strings.Cut(f, "="); ok && strings.EqualFold(k, "password") {
			fields[i] = k + "=xxxxx"
		}
	}
	return strings.Join(fields, " ")
}

// checkDatabaseURL accepts a postgres:// (or postgresql://) URL with a
// host, a key=value Postgres DSN, or an SQLite file path. Anything that
// looks like a URL of another scheme — "postgress://", "mysql://" — is an
// error, never silently an SQLite file named after it.
func checkDatabaseURL(raw string) error {
	const want = "want postgres://user:pass@host:port/dbname or an SQLite file path"
	scheme, _, isURL := strings.Cut(raw, "://")
	if !isURL {
		return nil
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if u, err := url.Parse(raw); err != nil || u.Host == "" {
			return &Error{"DATABASE_URL", redact(raw), want}
		}
		return nil
	}
	return &Error{"DATABASE_URL", redact(raw), "unknown scheme " + strconv.Quote(scheme) + ": " + want}
}

// loadOrCreateSecret keeps one random secret per data directory, so sessions
// survive restarts without any configuration.
func loadOrCreateSecret(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) >= 32 {
			return []byte(s), nil
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// ParseProxies reads a comma-separated list of CIDRs or single addresses.
// "none" (or an empty list) trusts no proxy.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" || strings.EqualFold(part, "none") {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
