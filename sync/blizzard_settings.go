package sync

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"patt/config"
	"patt/fault"
	"patt/models"
	"patt/sync/blizzard"
	"patt/sync/realms"
)

// Where a run's Blizzard connection comes from.
const (
	SourceEnvironment = "environment" // BLIZZARD_CLIENT_ID/SECRET (they win)
	SourceSite        = "site"        // entered by an officer on /admin/sync
)

// Regions Blizzard serves guild rosters in.
var Regions = []string{"us", "eu", "kr", "tw"}

// Connection is the Blizzard connection a sync uses: the credentials, the
// guild's realm and name, and where they came from. The secret is never
// shown back: SecretHint is its last four characters.
type Connection struct {
	ClientID   string
	secret     string
	SecretHint string
	Region     string
	RealmName  string
	RealmSlug  string
	GuildName  string
	GuildSlug  string
	Source     string // SourceEnvironment, SourceSite, or "" when none
	// SavedOnSite is true when officers saved settings, even if the
	// environment's credentials win over them.
	SavedOnSite bool
	UpdatedAt   *time.Time
	UpdatedBy   string
	// Unreadable says why a saved secret cannot be used (the site's secret
	// key changed since it was sealed).
	Unreadable string
}

// Configured reports whether there are credentials to try.
func (c Connection) Configured() bool { return c.ClientID != "" && c.secret != "" }

// clientConfig is the client configuration of the connection.
func (c Connection) clientConfig(cfg *config.Config) blizzard.Config {
	return blizzard.Config{ClientID: c.ClientID, ClientSecret: c.secret, Region: c.Region,
		APIURL: cfg.BlizzardAPIURL, TokenURL: cfg.BlizzardOAuthURL}
}

// ErrSecretUnreadable means the saved secret was sealed under another site
// secret (PATT_JWT_SECRET or the data directory changed).
var ErrSecretUnreadable = errors.New("the saved Blizzard client secret cannot be read (the site's secret key changed); an officer must enter it again on /admin/sync")

// sealKey derives the key that seals the client secret from the site's own
// secret (PATT_JWT_SECRET or the one kept in the data directory), so a
// database dump alone does not give the secret away.
func sealKey(siteSecret []byte) []byte {
	h := sha256.Sum256(append([]byte("patt/blizzard-client-secret/v1\x00"), siteSecret...))
	return h[:]
}

func seal(key []byte, plain string) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return "v1:" + base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil)), nil
}

func unseal(key []byte, sealed string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil || !strings.HasPrefix(sealed, "v1:") {
		return "", ErrSecretUnreadable
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	if len(raw) < gcm.NonceSize() {
		return "", ErrSecretUnreadable
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", ErrSecretUnreadable
	}
	return string(plain), nil
}

func loadSettings(db *gorm.DB) (models.BlizzardSettings, error) {
	var row models.BlizzardSettings
	err := db.Where("id = ?", 1).Limit(1).Find(&row).Error
	return row, err
}

func deref0(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// LoadConnection is the connection a sync uses now. The environment's
// BLIZZARD_CLIENT_ID and BLIZZARD_CLIENT_SECRET win (with the guild from
// PATT_GUILD_REGION, PATT_GUILD_REALM(_SLUG) and PATT_GUILD_NAME_SLUG);
// otherwise the settings officers saved; otherwise none.
func LoadConnection(ctx context.Context, db *gorm.DB, cfg *config.Config) (Connection, error) {
	row, err := loadSettings(db.WithContext(ctx))
	if err != nil {
		return Connection{}, fmt.Errorf("read Blizzard settings: %w", err)
	}
	saved := row.ID != 0
	if cfg.BlizzardClientID != "" && cfg.BlizzardClientSecret != "" {
		return Connection{ClientID: cfg.BlizzardClientID, secret: cfg.BlizzardClientSecret,
			SecretHint: hint(cfg.BlizzardClientSecret), Region: strings.ToLower(cfg.Guild.Region),
			RealmName: cfg.Guild.Realm, RealmSlug: strings.ToLower(cfg.Guild.RealmSlug),
			GuildName: cfg.Guild.Name, GuildSlug: strings.ToLower(cfg.Guild.NameSlug),
			Source: SourceEnvironment, SavedOnSite: saved}, nil
	}
	conn := Connection{Region: strings.ToLower(cfg.Guild.Region), RealmName: cfg.Guild.Realm,
		RealmSlug: strings.ToLower(cfg.Guild.RealmSlug), GuildName: cfg.Guild.Name,
		GuildSlug: strings.ToLower(cfg.Guild.NameSlug)}
	if !saved {
		return conn, nil
	}
	conn.SavedOnSite, conn.ClientID, conn.Region = true, row.ClientID, row.Region
	conn.SecretHint, conn.UpdatedAt, conn.UpdatedBy = deref0(row.SecretHint), row.UpdatedAt, deref0(row.UpdatedBy)
	if row.RealmSlug != nil && *row.RealmSlug != "" {
		conn.RealmName, conn.RealmSlug = deref0(row.RealmName), *row.RealmSlug
	}
	if row.GuildSlug != nil && *row.GuildSlug != "" {
		conn.GuildName, conn.GuildSlug = deref0(row.GuildName), *row.GuildSlug
	}
	if row.SecretSealed != nil {
		secret, err := unseal(sealKey(cfg.JWTSecret), *row.SecretSealed)
		if err != nil {
			conn.Unreadable = err.Error()
		} else {
			conn.secret = secret
		}
	}
	if conn.ClientID != "" && conn.secret != "" {
		conn.Source = SourceSite
	}
	return conn, nil
}

func hint(secret string) string {
	r := []rune(secret)
	if len(r) <= 8 {
		return "…"
	}
	return "…" + string(r[len(r)-4:])
}

// SettingsInput is the settings form. An empty ClientSecret keeps the saved
// one (the page never shows it back).
type SettingsInput struct {
	ClientID, ClientSecret, Region, Realm, Guild string
}

func plainToken(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) < 0
}

// checkSettings validates the form; it returns the fields' errors.
func checkSettings(in *SettingsInput, secretSaved bool) map[string]string {
	errs := map[string]string{}
	in.ClientID, in.ClientSecret = strings.TrimSpace(in.ClientID), strings.TrimSpace(in.ClientSecret)
	in.Region = strings.ToLower(strings.TrimSpace(in.Region))
	in.Realm, in.Guild = strings.TrimSpace(in.Realm), strings.TrimSpace(in.Guild)
	switch {
	case in.ClientID == "":
		errs["client_id"] = "Enter the client ID from develop.battle.net."
	case len(in.ClientID) > 100 || !plainToken(in.ClientID):
		errs["client_id"] = "A client ID is up to 100 characters without spaces."
	}
	switch {
	case in.ClientSecret == "" && !secretSaved:
		errs["client_secret"] = "Enter the client secret from develop.battle.net."
	case len(in.ClientSecret) > 200 || !plainToken(in.ClientSecret):
		errs["client_secret"] = "A client secret is up to 200 characters without spaces."
	}
	ok := false
	for _, r := range Regions {
		ok = ok || r == in.Region
	}
	if !ok {
		errs["region"] = "Choose the region: us, eu, kr or tw."
	}
	switch {
	case in.Realm == "":
		errs["realm"] = "Enter the guild's realm, e.g. Sen'jin."
	case utf8.RuneCountInString(in.Realm) > 100 || realms.Slug(in.Realm) == "":
		errs["realm"] = "That is not a realm name."
	}
	switch {
	case in.Guild == "":
		errs["guild"] = "Enter the guild's name as it is in game."
	case utf8.RuneCountInString(in.Guild) > 100 || realms.GuildSlug(in.Guild) == "" || !plainTokenOrSpaces(in.Guild):
		errs["guild"] = "That is not a guild name."
	}
	return errs
}

func plainTokenOrSpaces(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// SaveSettings stores what an officer entered, in one transaction: the
// secret sealed (an empty one keeps the saved secret), the realm and guild
// with their slugs. Bad input is a KindInvalid fault naming the fields.
func SaveSettings(ctx context.Context, db *gorm.DB, cfg *config.Config, in SettingsInput, officer string, now time.Time) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := loadSettings(tx)
		if err != nil {
			return err
		}
		if errs := checkSettings(&in, row.SecretSealed != nil); len(errs) > 0 {
			return fault.InvalidFields("Check the Blizzard settings: "+firstOf(errs), errs)
		}
		if in.ClientSecret != "" {
			sealed, err := seal(sealKey(cfg.JWTSecret), in.ClientSecret)
			if err != nil {
				return fmt.Errorf("seal the client secret: %w", err)
			}
			h := hint(in.ClientSecret)
			row.SecretSealed, row.SecretHint = &sealed, &h
		}
		realmSlug, guildSlug := realms.Slug(in.Realm), realms.GuildSlug(in.Guild)
		realmName := in.Realm
		if n, known := realms.Name(realmSlug); known {
			realmName = n
		}
		row.ID, row.ClientID, row.Region = 1, in.ClientID, in.Region
		row.RealmName, row.RealmSlug, row.GuildName, row.GuildSlug = &realmName, &realmSlug, &in.Guild, &guildSlug
		row.UpdatedAt, row.UpdatedBy = &now, &officer
		return tx.Save(&row).Error
	})
}

func firstOf(errs map[string]string) string {
	for _, k := range []string{"client_id", "client_secret", "region", "realm", "guild"} {
		if m, ok := errs[k]; ok {
			return m
		}
	}
	return ""
}

// TestResult is what a connection test found.
type TestResult struct {
	Members   int
	GuildName string
	RealmName string
}

// TestConnection fetches a token and the guild's roster with conn, so an
// officer sees at once whether the credentials and the guild are right.
// Refused credentials and an unknown guild are KindInvalid faults saying
// so; Blizzard being down is KindUnavailable.
func TestConnection(ctx context.Context, cfg *config.Config, conn Connection) (TestResult, error) {
	if conn.Unreadable != "" {
		return TestResult{}, fault.Invalid("client_secret", conn.Unreadable)
	}
	if !conn.Configured() {
		return TestResult{}, fault.Invalid("client_id", "Enter the client ID and secret first.")
	}
	client, err := blizzard.New(conn.clientConfig(cfg))
	if err != nil {
		return TestResult{}, fault.Unavailable("The Blizzard API address is wrong: " + err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := client.CheckCredentials(ctx); err != nil {
		if errors.Is(err, blizzard.ErrCredentials) {
			return TestResult{}, fault.Invalid("client_secret", "Blizzard refused the client ID or secret. Copy both again from develop.battle.net.")
		}
		return TestResult{}, fault.Unavailable("Blizzard's login service did not answer: " + err.Error())
	}
	roster, err := client.Roster(ctx, conn.RealmSlug, conn.GuildSlug)
	if err != nil {
		if errors.Is(err, blizzard.ErrNotFound) {
			return TestResult{}, fault.Invalid("guild", fmt.Sprintf("The credentials work, but Blizzard knows no guild %q on %s (%s-%s). Check the realm, the guild name and the region.",
				conn.GuildName, conn.RealmName, strings.ToUpper(conn.Region), conn.RealmSlug))
		}
		return TestResult{}, fault.Unavailable("The credentials work, but the roster did not load: " + err.Error())
	}
	res := TestResult{Members: len(roster.Members), GuildName: roster.Guild.Name, RealmName: roster.Guild.Realm.Name}
	if res.GuildName == "" {
		res.GuildName = conn.GuildName
	}
	if res.RealmName == "" {
		res.RealmName = conn.RealmName
	}
	return res, nil
}

// ConnectionFromForm is the connection the settings form describes, for a
// test before saving: an empty secret means the saved one. Bad input is a
// KindInvalid fault naming the fields, as for SaveSettings.
func ConnectionFromForm(ctx context.Context, db *gorm.DB, cfg *config.Config, in SettingsInput) (Connection, error) {
	row, err := loadSettings(db.WithContext(ctx))
	if err != nil {
		return Connection{}, fmt.Errorf("read Blizzard settings: %w", err)
	}
	if errs := checkSettings(&in, row.SecretSealed != nil); len(errs) > 0 {
		return Connection{}, fault.InvalidFields("Check the Blizzard settings: "+firstOf(errs), errs)
	}
	conn := Connection{ClientID: in.ClientID, secret: in.ClientSecret, Region: in.Region, RealmName: in.Realm,
		RealmSlug: realms.Slug(in.Realm), GuildName: in.Guild, GuildSlug: realms.GuildSlug(in.Guild), Source: SourceSite}
	if conn.secret == "" {
		conn.secret, err = unseal(sealKey(cfg.JWTSecret), deref0(row.SecretSealed))
		if err != nil {
			conn.Unreadable = err.Error()
		}
	}
	return conn, nil
}
