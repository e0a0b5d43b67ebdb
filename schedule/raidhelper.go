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
)

// RaidHelperSettings are the Raid-Helper settings as officers see them: the
// key itself is never shown again after saving, only whether one is set.
type RaidHelperSettings struct {
	KeySet         bool
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

var snowflake = regexp.MustCompile(`^[0-9]{1,25}$`)

// SaveRaidHelperSettings validates and stores the settings (creating the
// config row if there is none), in one transaction.
func SaveRaidHelperSettings(db *gorm.DB, in RaidHelperSettingsInput, now time.Time) error {
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
	if len(in.APIKey) > 200 {
		fields["raid_helper_api_key"] = "must be at most 200 characters"
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
		case in.APIKey != "":
			up["raid_helper_api_key"] = in.APIKey
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
	return raidhelper.New(r.BaseURL, deref(cfg.RaidHelperAPIKey), deref(cfg.RaidHelperServerID), r.HTTP), cfg, nil
}

// IsRaidHelperError reports whether err is Raid-Helper refusing a call
// (shown to officers as is).
func IsRaidHelperError(err error) bool {
	var ae *raidhelper.APIError
	return errors.As(err, &ae)
}
