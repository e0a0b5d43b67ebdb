package schedule

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
	"patt/raidhelper"
	"patt/seal"
)

// RaidHelperSettings are the Raid-Helper settings as officers see them: the
// key itself is never shown again after saving, only whether one is set
// (and, read through RaidHelper.LoadSettings, whether it can be opened).
type RaidHelperSettings struct {
	KeySet bool
	// KeyUnreadable: a key is saved but sealed with another app secret.
	KeyUnreadable  bool
	ServerID       string
	CreatorID      string
	ChannelID      string
	VoiceChannelID string
	TemplateID     string
}

// Configured reports whether booking can work at all.
func (s RaidHelperSettings) Configured() bool { return s.KeySet && s.ServerID != "" }

// RaidHelperSettingsInput is the officer's form. APIKey "" keeps the saved
// key; ClearKey removes it (Raid-Helper is then off).
type RaidHelperSettingsInput struct {
	APIKey         string
	ClearKey       bool
	ServerID       string
	CreatorID      string
	ChannelID      string
	VoiceChannelID string
	TemplateID     string
}

func loadDiscordConfig(db *gorm.DB) (models.DiscordConfig, bool, error) {
	var cfg models.DiscordConfig
	r := db.Order("id").Limit(1).Find(&cfg)
	if r.Error != nil {
		return cfg, false, fmt.Errorf("discord config: %w", r.Error)
	}
	return cfg, r.RowsAffected > 0, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// LoadRaidHelperSettings reads the settings (all empty when no row exists).
func LoadRaidHelperSettings(db *gorm.DB) (RaidHelperSettings, error) {
	cfg, _, err := loadDiscordConfig(db)
	if err != nil {
		return RaidHelperSettings{}, err
	}
	out := RaidHelperSettings{KeySet: deref(cfg.RaidHelperAPIKey) != "", ServerID: deref(cfg.RaidHelperServerID),
		CreatorID: deref(cfg.RaidCreatorDiscordID), ChannelID: deref(cfg.RaidChannelID), VoiceChannelID: deref(cfg.RaidVoiceChannelID),
		TemplateID: cfg.RaidDefaultTemplateID}
	if out.TemplateID == "" {
		out.TemplateID = raidhelper.DefaultTemplate
	}
	return out, nil
}

// LoadSettings reads the settings and says whether the saved key can be
// opened with this app's secret.
func (r RaidHelper) LoadSettings(db *gorm.DB) (RaidHelperSettings, error) {
	st, err := LoadRaidHelperSettings(db)
	if err != nil || !st.KeySet {
		return st, err
	}
	if _, err := r.apiKey(db); err != nil {
		st.KeyUnreadable = true
	}
	return st, nil
}

var snowflake = regexp.MustCompile(`^[0-9]{1,25}$`)

// maxKeyLen bounds the pasted key so that, sealed, it fits the column
// (raid_helper_api_key VARCHAR(200)); Raid-Helper's keys are about 40.
const maxKeyLen = 100

// errNoKeyBox: the RaidHelper was built without the app's secret.
var errNoKeyBox = errors.New("raid-helper: no key box (the app's secret) to seal the API key with")

// SaveSettings validates and stores the settings (creating the config row
// if there is none), in one transaction; a new API key is sealed with the
// app's secret before it is written (spec §8.1 fix: encrypted at rest).
func (r RaidHelper) SaveSettings(db *gorm.DB, in RaidHelperSettingsInput, now time.Time) error {
	fields := map[string]string{}
	ids := map[string]*string{"raid_helper_server_id": &in.ServerID, "raid_creator_discord_id": &in.CreatorID,
		"raid_channel_id": &in.ChannelID, "raid_voice_channel_id": &in.VoiceChannelID}
	for name, v := range ids {
		*v = strings.TrimSpace(*v)
		if *v != "" && !snowflake.MatchString(*v) {
			fields[name] = "must be a Discord id (digits only)"
		}
	}
	in.TemplateID = strings.TrimSpace(in.TemplateID)
	if len(in.TemplateID) > 50 {
		fields["raid_default_template_id"] = "must be at most 50 characters"
	}
	in.APIKey = strings.TrimSpace(in.APIKey)
	if len(in.APIKey) > maxKeyLen {
		fields["raid_helper_api_key"] = fmt.Sprintf("must be at most %d characters", maxKeyLen)
	}
	if len(fields) > 0 {
		return fault.InvalidFields("Some Raid-Helper settings are not valid", fields)
	}
	if in.TemplateID == "" {
		in.TemplateID = raidhelper.DefaultTemplate
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	sealedKey := ""
	if in.APIKey != "" && !in.ClearKey {
		if r.Keys == nil {
			return errNoKeyBox
		}
		var err error
		if sealedKey, err = r.Keys.Seal(in.APIKey); err != nil {
			return err
		}
	}
	return db.Transaction(func(tx *gorm.DB) error {
		cfg, found, err := loadDiscordConfig(tx)
		if err != nil {
			return err
		}
		if !found {
			cfg = models.DiscordConfig{GuildDiscordID: "0", CreatedAt: now, UpdatedAt: now, RaidDefaultTemplateID: in.TemplateID}
			if err := tx.Create(&cfg).Error; err != nil {
				return fmt.Errorf("create discord config: %w", err)
			}
		}
		up := map[string]any{"raid_helper_server_id": opt(in.ServerID), "raid_creator_discord_id": opt(in.CreatorID),
			"raid_channel_id": opt(in.ChannelID), "raid_voice_channel_id": opt(in.VoiceChannelID),
			"raid_default_template_id": in.TemplateID, "updated_at": now}
		switch {
		case in.ClearKey:
			up["raid_helper_api_key"] = nil
		case sealedKey != "":
			up["raid_helper_api_key"] = sealedKey
		}
		return tx.Model(&models.DiscordConfig{}).Where("id = ?", cfg.ID).Updates(up).Error
	})
}

// RaidHelper is the site's connection to Raid-Helper: the API's base URL
// (PATT_RAID_HELPER_API_URL) and an HTTP client; the key and ids are read
// from common.discord_config on every use, so settings saved by an officer
// apply at once without a restart.
type RaidHelper struct {
	BaseURL string
	HTTP    *http.Client
	// SiteURL is the site's address, for the "answer on the site" link in
	// a Raid-Helper post ("" = no link).
	SiteURL string
	// Keys seals the API key at rest (built from the app's secret).
	Keys *seal.Box
}

// KeyBoxPurpose names the Raid-Helper API key's seal.
const KeyBoxPurpose = "common.discord_config.raid_helper_api_key"

// errKeyUnreadable is what officers and the job log see when the saved key
// was sealed with another app secret.
var errKeyUnreadable = fault.Conflict("The saved Raid-Helper API key cannot be decrypted: the app's secret (PATT_JWT_SECRET, or the generated secret in the data directory) changed since it was saved. Paste the key again on the Raid-Helper page.")

// apiKey opens the saved key ("" when none is saved).
func (r RaidHelper) apiKey(db *gorm.DB) (string, error) {
	cfg, _, err := loadDiscordConfig(db)
	if err != nil {
		return "", err
	}
	return r.openKey(cfg)
}

func (r RaidHelper) openKey(cfg models.DiscordConfig) (string, error) {
	stored := deref(cfg.RaidHelperAPIKey)
	if stored == "" || !seal.IsSealed(stored) {
		return stored, nil // none, or a plaintext from before sealing (sealed at the next start)
	}
	if r.Keys == nil {
		return "", errKeyUnreadable
	}
	key, err := r.Keys.Open(stored)
	if err != nil {
		return "", errKeyUnreadable
	}
	return key, nil
}

// SealStoredKey seals a key saved in plain text before sealing existed;
// run at start-up. It reports whether it sealed one. A key already sealed
// (with whatever secret) is left alone.
func (r RaidHelper) SealStoredKey(db *gorm.DB) (bool, error) {
	if r.Keys == nil {
		return false, errNoKeyBox
	}
	cfg, found, err := loadDiscordConfig(db)
	if err != nil || !found {
		return false, err
	}
	stored := deref(cfg.RaidHelperAPIKey)
	if stored == "" || seal.IsSealed(stored) {
		return false, nil
	}
	sealed, err := r.Keys.Seal(stored)
	if err != nil {
		return false, err
	}
	// Only if it is still that plaintext: an officer may have just saved.
	res := db.Model(&models.DiscordConfig{}).Where("id = ? AND raid_helper_api_key = ?", cfg.ID, stored).
		Update("raid_helper_api_key", sealed)
	if res.Error != nil {
		return false, fmt.Errorf("seal the Raid-Helper key: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ErrRaidHelperOff: no key or server id is saved.
var ErrRaidHelperOff = errors.New("raid-helper is not configured")

// client builds a client from the saved settings.
func (r RaidHelper) client(db *gorm.DB) (*raidhelper.Client, models.DiscordConfig, error) {
	cfg, _, err := loadDiscordConfig(db)
	if err != nil {
		return nil, cfg, err
	}
	if deref(cfg.RaidHelperAPIKey) == "" || deref(cfg.RaidHelperServerID) == "" {
		return nil, cfg, ErrRaidHelperOff
	}
	key, err := r.openKey(cfg)
	if err != nil {
		return nil, cfg, err
	}
	return raidhelper.New(r.BaseURL, key, deref(cfg.RaidHelperServerID), r.HTTP), cfg, nil
}

// IsRaidHelperError reports whether err is Raid-Helper refusing a call
// (shown to officers as is).
func IsRaidHelperError(err error) bool {
	var ae *raidhelper.APIError
	return errors.As(err, &ae)
}
