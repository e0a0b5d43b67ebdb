package voting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/models"
	"patt/notify"
)

// agentColor is the embed colour of the agent's posts (the site's gold).
const agentColor = 0xD4A84B

const (
	// AgentMaxAge is how long a queued agent message may wait for its first
	// part to go out: "closes in one hour" a day late is worse than
	// nothing, so an older message is marked failed, never posted stale.
	AgentMaxAge = 6 * time.Hour
	// AgentMaxAttempts bounds the tries of a message Discord keeps failing
	// for a passing reason (an outage, a 5xx); a refusal retrying cannot
	// fix (missing permission, unknown channel) fails at the first.
	AgentMaxAttempts = 5
)

// AgentBackoff is the wait before retry n (1-based) of a failed post:
// 1, 2, 4, 8 minutes, at most 30.
func AgentBackoff(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt; i++ {
		d *= 2
	}
	return min(d, 30*time.Minute)
}

// AgentParts is how the agent's message is posted: an embed (title, text,
// the site's gold), split over several messages when the text is longer
// than one embed holds (notify.Parts).
func AgentParts(m models.ContestAgentLog) []notify.Message {
	return notify.Parts(notify.Message{Title: m.Title(), Description: m.Message, Color: agentColor})
}

// DeliverAgentMessages posts the contest agent's due pending messages
// through the Notifier, oldest first:
//   - a message goes to its campaign's channel, else fallbackChannel (the
//     guild's announcement channel); with neither it waits;
//   - with no bot configured nothing is posted and nothing is spent: the
//     messages wait for a bot (until AgentMaxAge);
//   - a message whose first part has not gone out AgentMaxAge after it was
//     queued is marked failed ("stale"), not posted;
//   - each part is recorded as it goes out (parts_sent, its message id),
//     so after a failure partway a retry sends only the rest;
//   - the row is marked sent only when Discord accepted every part;
//     failed with Discord's error at once when retrying cannot help, else
//     retried with AgentBackoff up to AgentMaxAttempts, then failed.
//
// It runs as one job (one instance at a time by the job's lock) and marks
// only rows still pending, so no message is posted twice.
func DeliverAgentMessages(ctx context.Context, db *gorm.DB, n notify.Notifier, now time.Time, fallbackChannel string) error {
	if n == nil || !n.Enabled() {
		return nil
	}
	db = db.WithContext(ctx)
	var pending []models.ContestAgentLog
	if err := db.Where("status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", MessagePending, now).
		Order("id").Limit(50).Find(&pending).Error; err != nil {
		return fmt.Errorf("list pending agent messages: %w", err)
	}
	var errs []error
	sent, failed, retry := 0, 0, 0
	for _, m := range pending {
		if ctx.Err() != nil {
			break
		}
		mark := func(fields map[string]any) bool {
			res := db.Model(&models.ContestAgentLog{}).Where("id = ? AND status = ?", m.ID, MessagePending).Updates(fields)
			if res.Error != nil {
				errs = append(errs, fmt.Errorf("agent message %d: %w", m.ID, res.Error))
				return false
			}
			return res.RowsAffected == 1
		}
		if m.PartsSent == 0 && m.QueuedAt != nil && now.Sub(*m.QueuedAt) > AgentMaxAge {
			if mark(map[string]any{"status": MessageFailed, "last_error": fmt.Sprintf(
				"not posted: still queued %s after it was queued (stale; the limit is %s)", now.Sub(*m.QueuedAt).Round(time.Minute), AgentMaxAge)}) {
				failed++
			}
			continue
		}
		channel := fallbackChannel
		if m.ChannelID != nil && *m.ChannelID != "" {
			channel = *m.ChannelID
		}
		if channel == "" {
			continue
		}
		var ids []string
		if m.PartMessageIDs != nil {
			_ = json.Unmarshal([]byte(*m.PartMessageIDs), &ids)
		}
		parts := AgentParts(m)
		var err error
		for i := m.PartsSent; i < len(parts); i++ {
			var id string
			if id, err = n.Post(ctx, channel, parts[i]); err != nil {
				break
			}
			ids = append(ids, id)
			js, _ := json.Marshal(ids)
			// The part is recorded before the next goes out; the channel is
			// pinned so the rest follows the first part.
			if !mark(map[string]any{"parts_sent": i + 1, "part_message_ids": string(js), "discord_message_id": ids[0], "channel_id": channel}) {
				err = fmt.Errorf("agent message %d changed while posting", m.ID)
				break
			}
		}
		switch {
		case err == nil:
			if mark(map[string]any{"status": MessageSent, "posted_at": now, "last_error": nil, "next_attempt_at": nil}) {
				sent++
			}
		case errors.Is(err, notify.ErrDisabled):
			// The bot went away meanwhile: wait, spending no attempt.
		default:
			attempts := m.Attempts + 1
			if notify.IsPermanent(err) || attempts >= AgentMaxAttempts {
				mark(map[string]any{"status": MessageFailed, "attempts": attempts, "last_error": err.Error(), "next_attempt_at": nil})
				failed++
			} else {
				mark(map[string]any{"attempts": attempts, "last_error": err.Error(), "next_attempt_at": now.Add(AgentBackoff(attempts))})
				retry++
			}
			errs = append(errs, fmt.Errorf("post agent message %d: %w", m.ID, err))
		}
	}
	if sent+failed+retry > 0 {
		jobs.Report(ctx, "contest agent: %d posted, %d failed, %d to retry", sent, failed, retry)
	}
	return errors.Join(errs...)
}
