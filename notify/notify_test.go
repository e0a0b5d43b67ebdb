package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/notify"
)

func TestNopSaysDisabled(t *testing.T) {
	var n notify.Notifier = notify.Nop{}
	assert.False(t, n.Enabled())
	_, err := n.Post(context.Background(), "1", notify.Message{Content: "hi"})
	assert.ErrorIs(t, err, notify.ErrDisabled)
	assert.ErrorIs(t, n.DM(context.Background(), "2", notify.Message{}), notify.ErrDisabled)
	assert.ErrorIs(t, n.SetRoles(context.Background(), "2", []string{"r"}, nil), notify.ErrDisabled)
}

func TestRecorderKeepsCallsInOrder(t *testing.T) {
	r := &notify.Recorder{}
	var n notify.Notifier = r
	id, err := n.Post(context.Background(), "chan", notify.Message{Title: "Vote!"})
	require.NoError(t, err)
	assert.Equal(t, "rec-1", id)
	require.NoError(t, n.DM(context.Background(), "user", notify.Message{Content: "code"}))
	require.NoError(t, n.SetRoles(context.Background(), "user", []string{"a"}, []string{"b"}))
	sent := r.Sent()
	require.Len(t, sent, 3)
	assert.Equal(t, "post", sent[0].Kind)
	assert.Equal(t, "Vote!", sent[0].Message.Title)
	assert.Equal(t, "dm", sent[1].Kind)
	assert.Equal(t, []string{"b"}, sent[2].Remove)

	r.Err = errors.New("discord down")
	assert.Error(t, n.DM(context.Background(), "user", notify.Message{}))
	assert.Len(t, r.Sent(), 3)
}
