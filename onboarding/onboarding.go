// Package onboarding walks a new Discord member from joining the server to
// a linked website account (spec discord_bot §8, §12, §13). It is a state
// machine persisted in guild_identity.onboarding_sessions: no goroutine
// waits on a member, every step is one transaction that moves the session
// from the state it expects (UPDATE … WHERE state = …), so a double click,
// a replayed event or a second instance cannot take a step twice. What the
// bot says is queued in the DM outbox (bot/outbox) inside the same
// transaction, or is the answer to the member's own click; when the session
// next needs attention is a timestamp (next_action_at) that the checker
// job looks at. The package knows nothing of Discord: the bot (bot/)
// turns gateway events and interactions into calls of Service and renders
// the notify.Message values it returns.
package onboarding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/bot/outbox"
	"patt/models"
	"patt/notify"
)

// States of a session. The conversation states wait for the member; the
// terminal ones end it.
const (
	StateAwaitingDM   = "awaiting_dm"          // joined; the welcome DM is not out yet (DM switch off)
	StateAskedInGuild = "asked_in_guild"       // welcome sent: "are you in the guild?"
	StateAskedMain    = "asked_main"           // waiting for the main's name (typed), then its pick
	StateAskedAlts    = "asked_alts"           // main picked; alts or "no alts"
	StatePending      = "pending_verification" // answers in; being verified, or waiting for officers
	StateProvisioned  = "provisioned"          // player linked, role given, invite queued
	StateResolved     = "manually_resolved"    // an officer provisioned it by hand (approve / resolve)
	StateDismissed    = "dismissed"            // an officer closed it without provisioning
	StateRejected     = "rejected"             // an officer rejected the escalation (who and why kept)
	StateDeclined     = "declined"             // the member cannot be DMed (DMs closed)
	StateTimedOut     = "timed_out"            // the member stopped answering
	StateClosed       = "closed"               // the member left the server
)

// Terminal is the set of states a session never leaves except by a
// re-join.
var Terminal = []string{StateProvisioned, StateResolved, StateDismissed, StateRejected, StateDeclined, StateTimedOut, StateClosed}

// Conversation is the states in which the member is expected to answer.
var Conversation = []string{StateAskedInGuild, StateAskedMain, StateAskedAlts}

// IsTerminal reports whether state ends a session.
func IsTerminal(state string) bool {
	for _, s := range Terminal {
		if s == state {
			return true
		}
	}
	return false
}

// Outbox kinds: the welcome, nudges and the invite DM are the onboarding
// feature's own DMs (gated by its switch); answers to what the member
// typed are only gated by the master switch, so a conversation a member
// started is not cut off half-way by the feature switch.
const (
	KindDM    = outbox.KindOnboarding
	KindReply = "onboarding_reply"
)

// Link sources of player_characters rows made here.
const (
	LinkSourceOnboarding = "onboarding" // the member picked it from the roster
	LinkSourceOfficer    = "officer"    // an officer approved the member's pick
)

// Config is what a guild may tune.
type Config struct {
	GuildName string // in the texts
	BaseURL   string // the site, for the register link
	// QuietFor is how long a member may be silent before a nudge (1 h).
	QuietFor time.Duration
	// GiveUpAfter is how long a conversation may stall before it times
	// out (7 days).
	GiveUpAfter time.Duration
	// VerifyDeadline is how long verification may keep failing before
	// officers are asked (24 h).
	VerifyDeadline time.Duration
	// RetryEvery spaces verification retries (6 h; the roster syncs a few
	// times a day).
	RetryEvery time.Duration
	// InviteTTL is the life of the website invite code (7 days).
	InviteTTL time.Duration
	// AuditChannelID is where escalations are posted.
	AuditChannelID string
}

func (c Config) withDefaults() Config {
	if c.GuildName == "" {
		c.GuildName = "Pull All The Things"
	}
	if c.QuietFor <= 0 {
		c.QuietFor = time.Hour
	}
	if c.GiveUpAfter <= 0 {
		c.GiveUpAfter = 7 * 24 * time.Hour
	}
	if c.VerifyDeadline <= 0 {
		c.VerifyDeadline = 24 * time.Hour
	}
	if c.RetryEvery <= 0 {
		c.RetryEvery = 6 * time.Hour
	}
	if c.InviteTTL <= 0 {
		c.InviteTTL = 7 * 24 * time.Hour
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c
}

// Service runs onboarding. Notifier gives Discord roles and posts
// escalations; it may be notify.Nop (the site without a bot).
type Service struct {
	DB       *gorm.DB
	Now      func() time.Time
	Log      *slog.Logger
	Notifier func() notify.Notifier
	cfg      Config
}

// New builds the service.
func New(db *gorm.DB, cfg Config, log *slog.Logger, now func() time.Time, n func() notify.Notifier) *Service {
	if log == nil {
		log = slog.Default()
	}
	if n == nil {
		n = func() notify.Notifier { return notify.Nop{} }
	}
	return &Service{DB: db, Now: func() time.Time { return now().UTC() }, Log: log.With("feature", "onboarding"), Notifier: n, cfg: cfg.withDefaults()}
}

// Config is the service's configuration (with defaults filled in).
func (s *Service) Config() Config { return s.cfg }

// ErrStale says a step did not apply because the session was no longer in
// the state the step expects (a double click, a replayed event, another
// instance was first). The caller shows the session as it now is.
var ErrStale = errors.New("onboarding: the session moved on")

// move is the one way a session changes state: inside tx, from the state
// it must be in, with the other fields. It answers ErrStale when the
// session is not (any more) in from.
func move(tx *gorm.DB, id int, from []string, to string, now time.Time, fields map[string]any) error {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["state"] = to
	fields["updated_at"] = now
	res := tx.Model(&models.OnboardingSession{}).Where("id = ? AND state IN ?", id, from).Updates(fields)
	if res.Error != nil {
		return fmt.Errorf("onboarding session %d → %s: %w", id, to, res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrStale
	}
	return nil
}

func load(tx *gorm.DB, id int) (models.OnboardingSession, error) {
	var s models.OnboardingSession
	err := tx.Where("id = ?", id).Take(&s).Error
	return s, err
}

// ByDiscordID is the member's session (found=false when none).
func (s *Service) ByDiscordID(ctx context.Context, discordID string) (models.OnboardingSession, bool, error) {
	var sess models.OnboardingSession
	err := s.DB.WithContext(ctx).Where("discord_id = ?", discordID).Limit(1).Find(&sess).Error
	return sess, sess.ID != 0, err
}

// Session is one session by id.
func (s *Service) Session(ctx context.Context, id int) (models.OnboardingSession, error) {
	return load(s.DB.WithContext(ctx), id)
}

func ids(raw []byte) []int {
	var out []int
	_ = json.Unmarshal(raw, &out)
	return out
}

func idsJSON(v []int) []byte {
	if v == nil {
		v = []int{}
	}
	b, _ := json.Marshal(v)
	return b
}

func names(raw []byte) []string {
	var out []string
	_ = json.Unmarshal(raw, &out)
	return out
}

func namesJSON(v []string) []byte {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return b
}

// Component ids: "onb:<action>:<session id>", well under Discord's 100.
const idPrefix = "onb:"

// Actions carried in component ids.
const (
	ActYes       = "yes"
	ActNo        = "no"
	ActMain      = "main"      // the select of roster characters
	ActAskOffice = "officer"   // "I can't find my character"
	ActAlts      = "alts"      // opens the alts form
	ActNoAlts    = "noalts"    // no alts
	ActAltsForm  = "altsform"  // the alts form itself (modal)
	ActApprove   = "approve"   // officers, on the audit post
	ActReject    = "reject"    // officers, on the audit post
	ActRejectWhy = "rejectwhy" // the reject form (modal)
)

// ComponentID builds a component id.
func ComponentID(action string, sessionID int) string {
	return idPrefix + action + ":" + strconv.Itoa(sessionID)
}

// ParseComponentID splits a component id; ok is false for ids that are
// not onboarding's.
func ParseComponentID(id string) (action string, sessionID int, ok bool) {
	rest, found := strings.CutPrefix(id, idPrefix)
	if !found {
		return "", 0, false
	}
	action, num, found := strings.Cut(rest, ":")
	if !found {
		return "", 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return action, n, true
}
