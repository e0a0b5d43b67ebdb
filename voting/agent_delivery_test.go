package voting

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/notify"
)

func TestDeliverAgentMessagesThroughTheNotifier(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := seedCampaign(t, db, nil, "A", "B", "C")
		_, err := Activate(db, t0, c.ID)
		require.NoError(t, err)
		now := t0.Add(3 * time.Hour)
		require.NoError(t, CheckerPass(context.Background(), db, now, &Agent{BaseURL: "https://patt.test", Pick: pickFirst}))
		require.Len(t, agentLog(t, db, c.ID), 1)

		// No bot: nothing is posted and the launch post waits.
		require.NoError(t, DeliverAgentMessages(context.Background(), db, notify.Nop{}, now, "chan-1"))
		assert.Equal(t, MessagePending, agentLog(t, db, c.ID)[0].Status)

		// Discord failing: still pending, the error is returned and kept,
		// the next try waits for the back-off.
		failing := &notify.Recorder{Err: errors.New("discord 503")}
		assert.Error(t, DeliverAgentMessages(context.Background(), db, failing, now, "chan-1"))
		m := agentLog(t, db, c.ID)[0]
		assert.Equal(t, MessagePending, m.Status)
		assert.Equal(t, 1, m.Attempts)
		require.NotNil(t, m.LastError)
		assert.Equal(t, "discord 503", *m.LastError)
		require.NotNil(t, m.NextAttemptAt)
		assert.WithinDuration(t, now.Add(AgentBackoff(1)), *m.NextAttemptAt, time.Second)

		rec := &notify.Recorder{}
		require.NoError(t, DeliverAgentMessages(context.Background(), db, rec, now, "chan-1"))
		assert.Empty(t, rec.Sent(), "not before the back-off")
		now = now.Add(AgentBackoff(1))
		require.NoError(t, DeliverAgentMessages(context.Background(), db, rec, now, "chan-1"))
		sent := rec.Sent()
		require.Len(t, sent, 1)
		assert.Equal(t, "chan-1", sent[0].ChannelID, "no campaign channel: the fallback")
		assert.NotEmpty(t, sent[0].Message.Title)
		msg := agentLog(t, db, c.ID)[0]
		assert.Equal(t, MessageSent, msg.Status)
		require.NotNil(t, msg.DiscordMessageID)
		assert.Equal(t, "rec-1", *msg.DiscordMessageID)

		// Delivered once only.
		require.NoError(t, DeliverAgentMessages(context.Background(), db, rec, now, "chan-1"))
		assert.Len(t, rec.Sent(), 1)
	})
}

// A message refused for good is failed at once with Discord's error; a
// message failing for passing reasons is failed after AgentMaxAttempts;
// a message still queued after AgentMaxAge is failed, never posted stale.
// Failed rows still count as the campaign's logged events.
func TestAgentDeliveryFailsForGoodWhenItMust(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := liveCampaign(t, db, nil, "A", "B", "C")
		now := t0.Add(3 * time.Hour)
		require.NoError(t, CheckerPass(ctx, db, now, &Agent{BaseURL: "https://patt.test", Pick: pickFirst}))
		refused := &notify.Recorder{Err: notify.Permanent(errors.New("discord: HTTP 403, code 50013: Missing Permissions"))}
		require.Error(t, DeliverAgentMessages(ctx, db, refused, now, "chan-1"))
		m := agentLog(t, db, c.ID)[0]
		assert.Equal(t, MessageFailed, m.Status)
		assert.Equal(t, 1, m.Attempts)
		assert.Contains(t, *m.LastError, "50013")
		assert.Nil(t, m.PostedAt)
		rec := &notify.Recorder{}
		require.NoError(t, DeliverAgentMessages(ctx, db, rec, now.Add(time.Hour), "chan-1"))
		assert.Empty(t, rec.Sent(), "a failed message is not retried")
		// The agent does not queue the event again.
		require.NoError(t, CheckerPass(ctx, db, now.Add(time.Minute), &Agent{BaseURL: "https://patt.test", Pick: pickFirst}))
		for _, l := range agentLog(t, db, c.ID)[1:] {
			assert.NotEqual(t, m.EventType, l.EventType)
		}

		// Bounded retries.
		require.NoError(t, db.Model(&m).Updates(map[string]any{"status": MessagePending, "attempts": 0, "last_error": nil}).Error)
		failing := &notify.Recorder{Err: errors.New("discord: HTTP 500, code 0: Internal Server Error")}
		at := now
		for i := 1; i <= AgentMaxAttempts; i++ {
			require.Error(t, DeliverAgentMessages(ctx, db, failing, at, "chan-1"))
			var got = agentLog(t, db, c.ID)[0]
			assert.Equal(t, i, got.Attempts)
			if i < AgentMaxAttempts {
				assert.Equal(t, MessagePending, got.Status, "try %d", i)
				at = at.Add(AgentBackoff(i))
			} else {
				assert.Equal(t, MessageFailed, got.Status)
				assert.Contains(t, *got.LastError, "500")
			}
		}

		// Stale: queued more than AgentMaxAge ago and never begun.
		queued := now.Add(-AgentMaxAge - time.Minute)
		require.NoError(t, db.Model(&m).Updates(map[string]any{"status": MessagePending, "attempts": 0, "last_error": nil,
			"next_attempt_at": nil, "queued_at": queued}).Error)
		require.NoError(t, DeliverAgentMessages(ctx, db, rec, now, "chan-1"))
		assert.Empty(t, rec.Sent(), "a stale message is not posted")
		m = agentLog(t, db, c.ID)[0]
		assert.Equal(t, MessageFailed, m.Status)
		assert.Contains(t, *m.LastError, "stale")
	})
}
