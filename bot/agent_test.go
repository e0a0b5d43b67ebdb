package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/voting"
)

const announceChannel = "900000000000000500"

func queueAgentMessage(t *testing.T, db *gorm.DB, text string, channel *string) models.ContestAgentLog {
	t.Helper()
	now := time.Now().UTC()
	title := "🏆 Best transmog: the results"
	m := models.ContestAgentLog{EventType: voting.EventClosed, Message: text, Status: voting.MessagePending,
		QueuedAt: &now, EmbedTitle: &title, ChannelID: channel}
	require.NoError(t, db.Create(&m).Error)
	return m
}

func agentRow(t *testing.T, db *gorm.DB, id int) models.ContestAgentLog {
	t.Helper()
	var m models.ContestAgentLog
	require.NoError(t, db.Take(&m, id).Error)
	return m
}

// A post split over three Discord messages fails at its second part: the
// first part is recorded as sent, the retry (after the back-off) sends
// only parts two and three, and the row is marked sent with the first
// part's id. Nothing is posted twice.
func TestSplitAgentPostFailingPartwayIsResumedNotRepeated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		ctx := context.Background()
		var lines []string
		for i := 0; len(strings.Join(lines, "\n")) < 9000; i++ {
			lines = append(lines, fmt.Sprintf("%03d. An entry and its points, line by line.", i))
		}
		text := strings.Join(lines, "\n")
		m := queueAgentMessage(t, db, text, nil)
		route := "POST /channels/" + announceChannel + "/messages"
		fake.FailAfter(route, 1, 500, 0, "500: Internal Server Error")

		now := time.Now().UTC()
		err := voting.DeliverAgentMessages(ctx, db, b, now, announceChannel)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "HTTP 500")
		require.Len(t, fake.Messages(), 1, "the first part went out")
		first := fake.Messages()[0]
		got := agentRow(t, db, m.ID)
		assert.Equal(t, voting.MessagePending, got.Status)
		assert.Equal(t, 1, got.PartsSent)
		assert.Equal(t, 1, got.Attempts)
		require.NotNil(t, got.LastError)
		assert.Contains(t, *got.LastError, "HTTP 500")
		require.NotNil(t, got.DiscordMessageID)
		assert.Equal(t, first.ID, *got.DiscordMessageID)
		require.NotNil(t, got.ChannelID)
		assert.Equal(t, announceChannel, *got.ChannelID, "the rest follows the first part")

		// Not before the back-off.
		require.NoError(t, voting.DeliverAgentMessages(ctx, db, b, now, announceChannel))
		assert.Len(t, fake.Messages(), 1)

		require.NoError(t, voting.DeliverAgentMessages(ctx, db, b, now.Add(voting.AgentBackoff(1)), announceChannel))
		msgs := fake.Messages()
		require.Len(t, msgs, 3, "parts two and three, not part one again")
		var desc []string
		for i, msg := range msgs {
			require.Len(t, msg.Embeds, 1)
			desc = append(desc, msg.Embeds[0]["description"].(string))
			_, titled := msg.Embeds[0]["title"]
			assert.Equal(t, i == 0, titled, "the title on the first part only")
		}
		assert.Equal(t, text, strings.Join(desc, "\n"), "every line once, in order")
		got = agentRow(t, db, m.ID)
		assert.Equal(t, voting.MessageSent, got.Status)
		assert.Equal(t, 3, got.PartsSent)
		assert.Equal(t, first.ID, *got.DiscordMessageID)
		var ids []string
		require.NoError(t, json.Unmarshal([]byte(*got.PartMessageIDs), &ids))
		assert.Equal(t, []string{msgs[0].ID, msgs[1].ID, msgs[2].ID}, ids)
		assert.Nil(t, got.LastError)
		assert.NotNil(t, got.PostedAt)
		assert.Len(t, fake.CallsTo(route), 4, "three parts and the one refused")
	})
}

// Discord refusing a post for good (missing permission, unknown channel)
// marks it failed with Discord's error at once; it is never retried.
func TestRefusedAgentPostIsFailedWithDiscordsError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		setup(t, db)
		b := newBot(t, db, nil)
		ctx := context.Background()
		noPerm := queueAgentMessage(t, db, "Voting is open!", nil)
		gone := "900000000000000404"
		unknown := queueAgentMessage(t, db, "Voting is open elsewhere!", &gone)
		fake.FailNext("POST /channels/"+announceChannel+"/messages", 403, 50013, "Missing Permissions")

		now := time.Now().UTC()
		require.Error(t, voting.DeliverAgentMessages(ctx, db, b, now, announceChannel))
		assert.Empty(t, fake.Messages())
		for id, code := range map[int]string{noPerm.ID: "code 50013: Missing Permissions", unknown.ID: "code 10003: Unknown Channel"} {
			got := agentRow(t, db, id)
			assert.Equal(t, voting.MessageFailed, got.Status)
			require.NotNil(t, got.LastError)
			assert.Contains(t, *got.LastError, code)
			assert.Nil(t, got.DiscordMessageID)
		}
		calls := len(fake.Calls())
		require.NoError(t, voting.DeliverAgentMessages(ctx, db, b, now.Add(time.Hour), announceChannel))
		assert.Len(t, fake.Calls(), calls, "a failed post is never retried")
	})
}
