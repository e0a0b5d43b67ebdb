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

		// Discord failing: still pending, the error is returned.
		failing := &notify.Recorder{Err: errors.New("discord 503")}
		assert.Error(t, DeliverAgentMessages(context.Background(), db, failing, now, "chan-1"))
		assert.Equal(t, MessagePending, agentLog(t, db, c.ID)[0].Status)

		rec := &notify.Recorder{}
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
