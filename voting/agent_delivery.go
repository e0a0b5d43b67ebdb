package voting

import (
	"context"
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

// DeliverAgentMessages posts the contest agent's pending messages through
// the Notifier, oldest first, and marks each sent with Discord's message
// id. A message without a channel goes to fallbackChannel (the guild's
// announcement channel); with neither it stays pending. With no bot
// configured nothing is posted and everything stays pending, to go out once
// a bot is set up. One failed post is logged in the run and the rest still
// go out.
func DeliverAgentMessages(ctx context.Context, db *gorm.DB, n notify.Notifier, now time.Time, fallbackChannel string) error {
	if n == nil || !n.Enabled() {
		return nil
	}
	db = db.WithContext(ctx)
	var pending []models.ContestAgentLog
	if err := db.Where("status = ?", MessagePending).Order("id").Limit(50).Find(&pending).Error; err != nil {
		return fmt.Errorf("list pending agent messages: %w", err)
	}
	var errs []error
	sent := 0
	for _, m := range pending {
		channel := fallbackChannel
		if m.ChannelID != nil && *m.ChannelID != "" {
			channel = *m.ChannelID
		}
		if channel == "" {
			continue
		}
		id, err := n.Post(ctx, channel, notify.Message{Title: m.Title(), Description: m.Message, Color: agentColor})
		if err != nil {
			errs = append(errs, fmt.Errorf("post agent message %d: %w", m.ID, err))
			continue
		}
		// Only a pending row is marked, so a second instance's delivery (or
		// a retry) never flips a row twice.
		if err := db.Model(&models.ContestAgentLog{}).Where("id = ? AND status = ?", m.ID, MessagePending).
			Updates(map[string]any{"status": MessageSent, "posted_at": now, "discord_message_id": id}).Error; err != nil {
			errs = append(errs, fmt.Errorf("mark agent message %d sent: %w", m.ID, err))
			continue
		}
		sent++
	}
	if sent > 0 {
		jobs.Report(ctx, "posted %d contest agent message(s)", sent)
	}
	return errors.Join(errs...)
}
