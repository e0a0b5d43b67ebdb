// Package settings is the domain side of the bot-settings page and API:
// the DM switches, the outbox as officers see it, and the bot's last known
// state and sync results. It does not import discordgo, so handlers may use
// it; the bot writes what it reads (common.bot_status).
package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/bot/outbox"
	"patt/fault"
	"patt/models"
	"patt/notify"
)

// Flag keys, as in the JSON API (spec discord_bot §2.3).
const (
	FlagMaster     = "bot_dm_enabled"
	FlagInvite     = "feature_invite_dm"
	FlagOnboarding = "feature_onboarding_dm"
)

// Names of the bot's jobs that the page runs by hand ("sync now").
const (
	JobMemberSync = "discord-member-sync"
	JobRoleSync   = "discord-role-sync"
)

// FlagKeys are the only keys PATCH honours; any other key is ignored.
var FlagKeys = []string{FlagMaster, FlagInvite, FlagOnboarding}

// Flags are the three DM switches.
type Flags struct {
	BotDMEnabled        bool `json:"bot_dm_enabled"`
	FeatureInviteDM     bool `json:"feature_invite_dm"`
	FeatureOnboardingDM bool `json:"feature_onboarding_dm"`
}

// View is GET /api/v1/admin/bot-settings; with no config row the flags
// are off, the interval 24 and the guild id null.
type View struct {
	Flags
	RoleSyncIntervalHours int     `json:"role_sync_interval_hours"`
	GuildDiscordID        *string `json:"guild_discord_id"`
	// The role sync's safeguards, set on the page only (the API keeps the
	// shape of spec §2.3).
	RoleSyncDryRun     bool `json:"-"`
	RoleSyncMaxChanges int  `json:"-"`
	// AnnounceChannelID is where channel posts without a channel of their
	// own go (the contest agent's, for a campaign without one).
	AnnounceChannelID string `json:"-"`
}

func first(db *gorm.DB) (models.DiscordConfig, error) {
	var cfg models.DiscordConfig
	err := db.Order("id").Limit(1).Find(&cfg).Error
	return cfg, err
}

// Get reads the settings.
func Get(ctx context.Context, db *gorm.DB) (View, error) {
	cfg, err := first(db.WithContext(ctx))
	if err != nil {
		return View{}, fmt.Errorf("read bot settings: %w", err)
	}
	if cfg.ID == 0 {
		return View{RoleSyncIntervalHours: 24, RoleSyncMaxChanges: DefaultRoleCap}, nil
	}
	gid := cfg.GuildDiscordID
	max := cfg.RoleSyncMaxChanges
	if max <= 0 {
		max = DefaultRoleCap
	}
	return View{Flags: Flags{cfg.BotDMEnabled, cfg.FeatureInviteDM, cfg.FeatureOnboardingDM},
		RoleSyncIntervalHours: cfg.RoleSyncIntervalHours, GuildDiscordID: &gid,
		RoleSyncDryRun: cfg.RoleSyncDryRun, RoleSyncMaxChanges: max, AnnounceChannelID: deref(cfg.DefaultAnnouncementChannelID)}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ParseFlags reads the flag keys of a JSON object; each present one must
// be a JSON boolean (the string "false" is refused, not read as true).
func ParseFlags(body []byte) (map[string]bool, error) {
	var raw map[string]json.RawMessage
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]bool{}, nil
	}
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, fault.Malformed("The body must be a JSON object.")
	}
	out := map[string]bool{}
	for _, k := range FlagKeys {
		v, ok := raw[k]
		if !ok {
			continue
		}
		switch string(bytes.TrimSpace(v)) {
		case "true":
			out[k] = true
		case "false":
			out[k] = false
		default:
			return nil, fault.Malformed(k + " must be true or false (a JSON boolean).")
		}
	}
	return out, nil
}

// SetFlags changes the named switches in one transaction, creating the
// config row first when there is none (guild id from envGuildID, else
// "0"), and logs which officer changed what. Feature switches keep their
// values when the master switch flips.
func SetFlags(ctx context.Context, db *gorm.DB, now time.Time, set map[string]bool, envGuildID, officer string, log *slog.Logger) (Flags, error) {
	var out Flags
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cfg, err := first(tx)
		if err != nil {
			return err
		}
		if cfg.ID == 0 && len(set) > 0 {
			if cfg, err = ensureRow(tx, now, envGuildID); err != nil {
				return err
			}
		}
		if len(set) > 0 {
			fields := map[string]any{"updated_at": now}
			for k, v := range set {
				fields[k] = v
			}
			if err := tx.Model(&models.DiscordConfig{}).Where("id = ?", cfg.ID).Updates(fields).Error; err != nil {
				return err
			}
			if cfg, err = first(tx); err != nil {
				return err
			}
		}
		out = Flags{cfg.BotDMEnabled, cfg.FeatureInviteDM, cfg.FeatureOnboardingDM}
		return nil
	})
	if err != nil {
		return Flags{}, fmt.Errorf("save bot settings: %w", err)
	}
	if len(set) > 0 && log != nil {
		args := []any{"officer", officer}
		for k, v := range set {
			args = append(args, k, v)
		}
		log.Info("bot DM switches changed", args...)
	}
	return out, nil
}

// RankRole is one line of the role mapping check.
type RankRole struct {
	Rank       string `json:"rank"`
	Level      int    `json:"level"`
	RoleID     string `json:"role_id"`
	RoleName   string `json:"role_name"`
	Exists     bool   `json:"exists"`
	Manageable bool   `json:"manageable"`
	Holders    int    `json:"holders"`
}

// RoleFailure is one role edit of a member: one Discord refused (missing
// role, missing permission, member gone), one the bot did not make by rule
// (an officer role's removal, over the per-run cap) or, in dry run, one
// it would make.
type RoleFailure struct {
	DiscordID string `json:"discord_id"`
	Player    string `json:"player"`
	RoleID    string `json:"role_id"`
	Rank      string `json:"rank,omitempty"` // the rank the role stands for
	Action    string `json:"action"`         // add or remove
	Error     string `json:"error,omitempty"`
}

// RoleReport is the result of a role run (the frequent push or the full
// sync), kept in bot_status.
type RoleReport struct {
	Mapping  []RankRole    `json:"mapping,omitempty"`
	Changed  int           `json:"changed"`
	Failures []RoleFailure `json:"failures"`
	// Skipped are edits not made by rule: removing an Officer or Guild
	// Leader role (left for a human) or over the per-run cap.
	Skipped []RoleFailure `json:"skipped,omitempty"`
	// Planned is what a dry run would have done.
	Planned []RoleFailure `json:"planned,omitempty"`
	DryRun  bool          `json:"dry_run"`
	Cap     int           `json:"cap"`
	OverCap int           `json:"over_cap"` // members left for a later run by the cap
}

// Role sync safeguard bounds.
const (
	DefaultRoleCap = 10  // members changed per run on a fresh install
	MaxRoleCap     = 500 // the most an officer may allow
)

// RoleRules are the role sync's safeguards as the bot applies them.
type RoleRules struct {
	DryRun bool
	Cap    int
}

// LoadRoleRules reads the safeguards; without a config row: no dry run,
// DefaultRoleCap.
func LoadRoleRules(ctx context.Context, db *gorm.DB) (RoleRules, error) {
	cfg, err := first(db.WithContext(ctx))
	if err != nil {
		return RoleRules{}, fmt.Errorf("read role sync settings: %w", err)
	}
	r := RoleRules{DryRun: cfg.RoleSyncDryRun, Cap: cfg.RoleSyncMaxChanges}
	if cfg.ID == 0 || r.Cap <= 0 {
		r.Cap = DefaultRoleCap
	}
	return r, nil
}

// ParseRoleRules reads the page's role sync form: dry_run (a checkbox:
// present and "on" or "true" means on) and max_changes (1..MaxRoleCap).
func ParseRoleRules(dryRun, maxChanges string) (RoleRules, error) {
	r := RoleRules{DryRun: dryRun == "on" || dryRun == "true"}
	if dryRun != "" && !r.DryRun && dryRun != "false" {
		return r, fault.Invalid("dry_run", "Dry run must be on or off.")
	}
	n, err := strconv.Atoi(strings.TrimSpace(maxChanges))
	if err != nil || n < 1 || n > MaxRoleCap {
		return r, fault.Invalid("max_changes", fmt.Sprintf("Members changed per run must be a whole number from 1 to %d.", MaxRoleCap))
	}
	r.Cap = n
	return r, nil
}

// SetRoleRules saves the safeguards in one transaction (creating the
// config row like SetFlags) and logs which officer changed them.
func SetRoleRules(ctx context.Context, db *gorm.DB, now time.Time, r RoleRules, envGuildID, officer string, log *slog.Logger) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cfg, err := ensureRow(tx, now, envGuildID)
		if err != nil {
			return err
		}
		return tx.Model(&models.DiscordConfig{}).Where("id = ?", cfg.ID).
			Updates(map[string]any{"role_sync_dry_run": r.DryRun, "role_sync_max_changes": r.Cap, "updated_at": now}).Error
	})
	if err != nil {
		return fmt.Errorf("save role sync settings: %w", err)
	}
	if log != nil {
		log.Info("role sync safeguards changed", "officer", officer, "dry_run", r.DryRun, "max_changes", r.Cap)
	}
	return nil
}

// SetAnnounceChannel saves the default announcement channel (a Discord
// channel id, 17 to 20 digits; empty clears it) in one transaction.
func SetAnnounceChannel(ctx context.Context, db *gorm.DB, now time.Time, channelID, envGuildID, officer string, log *slog.Logger) error {
	channelID = strings.TrimSpace(channelID)
	if channelID != "" && !snowflake(channelID) {
		return fault.Invalid("channel_id", "The announcement channel must be a Discord channel id: 17 to 20 digits (Developer Mode → right-click the channel → Copy Channel ID).")
	}
	var value any
	if channelID != "" {
		value = channelID
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cfg, err := ensureRow(tx, now, envGuildID)
		if err != nil {
			return err
		}
		return tx.Model(&models.DiscordConfig{}).Where("id = ?", cfg.ID).
			Updates(map[string]any{"default_announcement_channel_id": value, "updated_at": now}).Error
	})
	if err != nil {
		return fmt.Errorf("save announcement channel: %w", err)
	}
	if log != nil {
		log.Info("announcement channel changed", "officer", officer, "channel_id", channelID)
	}
	return nil
}

func snowflake(s string) bool {
	if len(s) < 17 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ensureRow returns the config row, creating it when there is none (guild
// id from envGuildID, else "0").
func ensureRow(tx *gorm.DB, now time.Time, envGuildID string) (models.DiscordConfig, error) {
	cfg, err := first(tx)
	if err != nil || cfg.ID != 0 {
		return cfg, err
	}
	gid := envGuildID
	if gid == "" {
		gid = "0"
	}
	cfg = models.DiscordConfig{GuildDiscordID: gid, RoleSyncIntervalHours: 24, RaidDefaultTemplateID: "wowretail2",
		RoleSyncMaxChanges: DefaultRoleCap, CreatedAt: now, UpdatedAt: now}
	return cfg, tx.Create(&cfg).Error
}

// MemberSync is the result of a full member sync.
type MemberSync struct {
	Found    int `json:"found"`
	Updated  int `json:"updated"`
	New      int `json:"new"`
	Departed int `json:"departed"`
}

// DM is one outbox row as the page shows it.
type DM struct {
	models.DMOutbox
	Recipient string // the member's display name, else the Discord id
	Preview   string
}

// Page is everything the bot-settings page shows.
type Page struct {
	Configured bool // PATT_DISCORD_TOKEN is set on this instance
	Status     *models.BotStatus
	View       View
	Held       []DM
	Recent     []DM
	Counts     map[string]int
	Roles      *RoleReport // the last full role sync (the mapping check)
	RoleRun    *RoleReport // the latest role run, push or sync
	RoleRunAt  *time.Time
	Members    *MemberSync
}

// Load reads the page.
func Load(ctx context.Context, db *gorm.DB, configured bool) (*Page, error) {
	db = db.WithContext(ctx)
	p := &Page{Configured: configured}
	var err error
	if p.View, err = Get(ctx, db); err != nil {
		return nil, err
	}
	var st models.BotStatus
	if err := db.Order("id").Limit(1).Find(&st).Error; err != nil {
		return nil, err
	}
	if st.ID != 0 {
		p.Status = &st
		if st.LastRoleSync != nil {
			p.Roles = &RoleReport{}
			if json.Unmarshal([]byte(*st.LastRoleSync), p.Roles) != nil {
				p.Roles = nil
			}
		}
		if st.LastRoleRun != nil {
			p.RoleRun, p.RoleRunAt = &RoleReport{}, st.LastRoleRunAt
			if json.Unmarshal([]byte(*st.LastRoleRun), p.RoleRun) != nil {
				p.RoleRun = nil
			}
		}
		if p.RoleRun == nil && p.Roles != nil {
			p.RoleRun, p.RoleRunAt = p.Roles, st.LastRoleSyncAt
		}
		if st.LastMemberSync != nil {
			p.Members = &MemberSync{}
			if json.Unmarshal([]byte(*st.LastMemberSync), p.Members) != nil {
				p.Members = nil
			}
		}
	}
	held, err := outbox.List(ctx, db, 50, outbox.StatusHeld)
	if err != nil {
		return nil, err
	}
	recent, err := outbox.List(ctx, db, 20, outbox.StatusPending, outbox.StatusSending, outbox.StatusSent, outbox.StatusFailed, outbox.StatusDiscarded)
	if err != nil {
		return nil, err
	}
	if p.Held, err = describe(db, held); err != nil {
		return nil, err
	}
	if p.Recent, err = describe(db, recent); err != nil {
		return nil, err
	}
	if p.Counts, err = outbox.Counts(ctx, db); err != nil {
		return nil, err
	}
	return p, nil
}

func describe(db *gorm.DB, rows []models.DMOutbox) ([]DM, error) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.RecipientDiscordID)
	}
	names := map[string]string{}
	if len(ids) > 0 {
		var us []models.DiscordUser
		if err := db.Where("discord_id IN ?", ids).Find(&us).Error; err != nil {
			return nil, err
		}
		for _, u := range us {
			names[u.DiscordID] = u.Username
			if u.DisplayName != nil && *u.DisplayName != "" {
				names[u.DiscordID] = *u.DisplayName
			}
		}
	}
	out := make([]DM, 0, len(rows))
	for _, r := range rows {
		d := DM{DMOutbox: r, Recipient: r.RecipientDiscordID}
		if n, ok := names[r.RecipientDiscordID]; ok {
			d.Recipient = n
		}
		if m, err := outbox.Message(r); err == nil {
			d.Preview = preview(m)
		}
		out = append(out, d)
	}
	return out, nil
}

func preview(m notify.Message) string {
	s := m.Title
	if s == "" {
		s = m.Content
	}
	if s == "" {
		s = m.Description
	}
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

// Health values of the bot on /healthz.
const (
	HealthConnected    = "connected"
	HealthDisconnected = "disconnected"
	HealthOff          = "off"
)

// StatusFresh is how long the gateway holder's status row stays believed:
// the holder rewrites it every 30 s (the discord-gateway job), so an older
// "connected" is an instance that died without saying so.
const StatusFresh = 2 * time.Minute

// Health is the bot's part of /healthz and /api/health. It never makes the
// health check fail: a bot that is off or reconnecting is a degraded
// integration, not a dead site.
type Health struct {
	Bot         string     `json:"bot"`       // connected, disconnected or off
	State       string     `json:"bot_state"` // the detailed state (bad_token, intent_disabled, standby, …)
	LastReadyAt *time.Time `json:"bot_last_ready_at,omitempty"`
	MemberCount *int       `json:"guild_member_count,omitempty"`
}

// LoadHealth reads the bot's health: off when this instance has no token,
// else what the gateway holder last wrote, "disconnected" when that is
// older than StatusFresh.
func LoadHealth(ctx context.Context, db *gorm.DB, configured bool, now time.Time) (Health, error) {
	if !configured {
		return Health{Bot: HealthOff, State: HealthOff}, nil
	}
	var st models.BotStatus
	if err := db.WithContext(ctx).Order("id").Limit(1).Find(&st).Error; err != nil {
		return Health{}, fmt.Errorf("read bot status: %w", err)
	}
	if st.ID == 0 {
		return Health{Bot: HealthDisconnected, State: "connecting"}, nil
	}
	h := Health{Bot: HealthDisconnected, State: st.State, LastReadyAt: st.LastReadyAt, MemberCount: st.MemberCount}
	if st.Connected {
		if now.Sub(st.UpdatedAt) <= StatusFresh {
			h.Bot = HealthConnected
		} else {
			h.State = "stale"
		}
	}
	return h, nil
}
