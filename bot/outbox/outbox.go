// Package outbox is the one way a direct message leaves the platform:
// every DM is first a row of common.dm_outbox, gated by the guild's DM
// switches (discord_config), then delivered by a job that respects
// Discord's limits. It knows nothing of Discord itself: the bot hands
// Deliver a send function and marks errors that must not be retried with
// Permanent.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/fault"
	"patt/models"
	"patt/notify"
)

// Statuses of an outbox row.
const (
	StatusHeld      = "held"
	StatusPending   = "pending"
	StatusSending   = "sending"
	StatusSent      = "sent"
	StatusFailed    = "failed"
	StatusDiscarded = "discarded"
)

// Kinds with a feature switch of their own.
const (
	KindInvite     = "invite"
	KindOnboarding = "onboarding"
	KindGeneral    = "general"
)

const (
	// MaxAttempts is how often a transient failure is retried before the
	// row is marked failed.
	MaxAttempts = 5
	// PerUserPerHour caps DMs sent to one member in an hour; the rest wait.
	PerUserPerHour = 5
	// batch is how many rows one delivery run sends at most.
	batch = 25
)

// Gates are the DM switches of common.discord_config. With no config row
// every gate is closed: a fresh install never DMs anyone.
type Gates struct {
	Master     bool // "All bot DMs" (bot_dm_enabled)
	Invite     bool // feature_invite_dm
	Onboarding bool // feature_onboarding_dm
}

// LoadGates reads the switches from the single config row.
func LoadGates(db *gorm.DB) (Gates, error) {
	var cfg models.DiscordConfig
	if err := db.Order("id").Limit(1).Find(&cfg).Error; err != nil {
		return Gates{}, fmt.Errorf("read DM switches: %w", err)
	}
	if cfg.ID == 0 {
		return Gates{}, nil
	}
	return Gates{Master: cfg.BotDMEnabled, Invite: cfg.FeatureInviteDM, Onboarding: cfg.FeatureOnboardingDM}, nil
}

// InviteDM is whether invite DMs may go out (master and invite switch).
func (g Gates) InviteDM() bool { return g.Master && g.Invite }

// OnboardingDM is whether onboarding DMs may go out.
func (g Gates) OnboardingDM() bool { return g.Master && g.Onboarding }

// Allows says whether a DM of this kind may go out without an officer.
func (g Gates) Allows(kind string) bool {
	switch kind {
	case KindInvite:
		return g.InviteDM()
	case KindOnboarding:
		return g.OnboardingDM()
	default:
		return g.Master
	}
}

// Enqueue stores a DM: pending when its gates are open, held otherwise.
// It never sends; the delivery job does.
func Enqueue(ctx context.Context, db *gorm.DB, now time.Time, recipient, kind string, m notify.Message) (models.DMOutbox, error) {
	if recipient == "" {
		return models.DMOutbox{}, fault.Invalid("recipient", "A DM needs the member's Discord id.")
	}
	if kind == "" {
		kind = KindGeneral
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return models.DMOutbox{}, err
	}
	db = db.WithContext(ctx)
	gates, err := LoadGates(db)
	if err != nil {
		return models.DMOutbox{}, err
	}
	row := models.DMOutbox{RecipientDiscordID: recipient, Kind: kind, Payload: string(payload),
		Status: StatusHeld, CreatedAt: now, UpdatedAt: now}
	if gates.Allows(kind) {
		row.Status = StatusPending
		row.NextAttemptAt = &now
	}
	if err := db.Create(&row).Error; err != nil {
		return models.DMOutbox{}, fmt.Errorf("queue DM: %w", err)
	}
	return row, nil
}

// Release lets a held DM go out although its switch is off (an officer's
// decision, kept on the row).
func Release(ctx context.Context, db *gorm.DB, now time.Time, id, officerPlayerID int) error {
	res := db.WithContext(ctx).Model(&models.DMOutbox{}).Where("id = ? AND status = ?", id, StatusHeld).
		Updates(map[string]any{"status": StatusPending, "next_attempt_at": now, "released_by_player_id": officerPlayerID, "updated_at": now})
	return decided(db, ctx, id, res)
}

// Discard drops a held DM for good.
func Discard(ctx context.Context, db *gorm.DB, now time.Time, id int) error {
	res := db.WithContext(ctx).Model(&models.DMOutbox{}).Where("id = ? AND status = ?", id, StatusHeld).
		Updates(map[string]any{"status": StatusDiscarded, "updated_at": now})
	return decided(db, ctx, id, res)
}

func decided(db *gorm.DB, ctx context.Context, id int, res *gorm.DB) error {
	if res.Error != nil {
		return fmt.Errorf("outbox %d: %w", id, res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var n int64
	if err := db.WithContext(ctx).Model(&models.DMOutbox{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return fault.NotFound("DM not found.")
	}
	return fault.Conflict("This DM is no longer held.")
}

// Message decodes a row's payload.
func Message(row models.DMOutbox) (notify.Message, error) {
	var m notify.Message
	err := json.Unmarshal([]byte(row.Payload), &m)
	return m, err
}

// List returns the newest rows, optionally of some statuses only.
func List(ctx context.Context, db *gorm.DB, limit int, statuses ...string) ([]models.DMOutbox, error) {
	q := db.WithContext(ctx).Order("id DESC").Limit(limit)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	var rows []models.DMOutbox
	return rows, q.Find(&rows).Error
}

// Counts is the number of rows per status.
func Counts(ctx context.Context, db *gorm.DB) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := db.WithContext(ctx).Model(&models.DMOutbox{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}

// Permanent wraps an error so Deliver fails the row at once (Discord's
// 50007 "Cannot send messages to this user", an unknown user, a message
// Discord refuses as invalid). It is notify.Permanent.
func Permanent(err error) error { return notify.Permanent(err) }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return notify.IsPermanent(err) }

// Sender sends one DM now.
type Sender func(ctx context.Context, userID string, m notify.Message) error

// Backoff is the wait before retry n (1-based) of a transient failure.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt; i++ {
		d *= 4
	}
	return min(d, time.Hour)
}

// Result is what one delivery run did.
type Result struct {
	Sent, Failed, Retry, Held, Deferred int
}

// Deliver sends due pending rows, oldest first. It runs as a job (one
// instance at a time, by the job's lock): rows left "sending" by a crashed
// run are therefore orphans and go back to pending. A row whose switch was
// turned off after it was queued (and no officer released it) goes back to
// held. Each member gets at most PerUserPerHour DMs an hour; the rest wait.
// Transient errors retry with Backoff up to MaxAttempts; permanent ones
// fail at once. Message content is never logged (it may hold an invite
// code).
func Deliver(ctx context.Context, db *gorm.DB, now time.Time, send Sender) (Result, error) {
	var res Result
	db = db.WithContext(ctx)
	if err := db.Model(&models.DMOutbox{}).Where("status = ?", StatusSending).
		Updates(map[string]any{"status": StatusPending, "updated_at": now}).Error; err != nil {
		return res, fmt.Errorf("recover interrupted DMs: %w", err)
	}
	gates, err := LoadGates(db)
	if err != nil {
		return res, err
	}
	var due []models.DMOutbox
	if err := db.Where("status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", StatusPending, now).
		Order("id").Limit(batch).Find(&due).Error; err != nil {
		return res, fmt.Errorf("list due DMs: %w", err)
	}
	var errs []error
	for _, row := range due {
		if ctx.Err() != nil {
			break
		}
		set := func(fields map[string]any) {
			fields["updated_at"] = now
			if err := db.Model(&models.DMOutbox{}).Where("id = ?", row.ID).Updates(fields).Error; err != nil {
				errs = append(errs, fmt.Errorf("outbox %d: %w", row.ID, err))
			}
		}
		if row.ReleasedByPlayerID == nil && !gates.Allows(row.Kind) {
			set(map[string]any{"status": StatusHeld, "next_attempt_at": nil})
			res.Held++
			continue
		}
		var recent int64
		if err := db.Model(&models.DMOutbox{}).Where("recipient_discord_id = ? AND status = ? AND sent_at > ?",
			row.RecipientDiscordID, StatusSent, now.Add(-time.Hour)).Count(&recent).Error; err != nil {
			errs = append(errs, err)
			continue
		}
		if recent >= PerUserPerHour {
			set(map[string]any{"next_attempt_at": now.Add(10 * time.Minute)})
			res.Deferred++
			continue
		}
		claim := db.Model(&models.DMOutbox{}).Where("id = ? AND status = ?", row.ID, StatusPending).
			Updates(map[string]any{"status": StatusSending, "updated_at": now})
		if claim.Error != nil || claim.RowsAffected != 1 {
			continue
		}
		m, err := Message(row)
		if err == nil {
			err = send(ctx, row.RecipientDiscordID, m)
			if err != nil && errors.Is(err, notify.ErrDisabled) {
				// No bot: leave it for later without spending an attempt.
				set(map[string]any{"status": StatusPending})
				continue
			}
		} else {
			err = Permanent(fmt.Errorf("unreadable payload: %w", err))
		}
		attempts := row.Attempts + 1
		switch {
		case err == nil:
			set(map[string]any{"status": StatusSent, "attempts": attempts, "sent_at": now, "last_error": nil})
			res.Sent++
		case IsPermanent(err) || attempts >= MaxAttempts:
			set(map[string]any{"status": StatusFailed, "attempts": attempts, "last_error": err.Error()})
			res.Failed++
		default:
			set(map[string]any{"status": StatusPending, "attempts": attempts, "last_error": err.Error(),
				"next_attempt_at": now.Add(Backoff(attempts))})
			res.Retry++
		}
	}
	if res != (Result{}) {
		jobs.Report(ctx, "DMs: %d sent, %d failed, %d to retry, %d held, %d deferred", res.Sent, res.Failed, res.Retry, res.Held, res.Deferred)
	}
	return res, errors.Join(errs...)
}

// InviteMessage is the registration-code DM (spec discord_bot §6): plain
// text, the code in bold, the link, when it expires.
func InviteMessage(guildName, code, url string, validFor time.Duration) notify.Message {
	hours := int(validFor.Round(time.Hour).Hours())
	return notify.Message{Kind: KindInvite, Content: fmt.Sprintf(
		"You've been invited to register on the %s guild platform!\n\nYour registration code: **%s**\nRegister here: %s\n\nThe code expires in %d hours. Ask an officer if you have any questions.",
		guildName, code, url, hours)}
}

// QueueInvite puts an invite DM in the outbox for a player's Discord
// account: pending when Invite DMs are allowed, held for an officer
// otherwise. The code is in the payload only, never in a log line.
func QueueInvite(ctx context.Context, db *gorm.DB, now time.Time, discordID, guildName, code, url string, expires time.Time) (models.DMOutbox, error) {
	return Enqueue(ctx, db, now, discordID, KindInvite, InviteMessage(guildName, code, url, expires.Sub(now)))
}
