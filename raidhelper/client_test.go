package raidhelper_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/fault"
	"patt/raidhelper"
	"patt/raidhelper/rhfake"
)

func newPair(t *testing.T) (*rhfake.Server, *raidhelper.Client) {
	t.Helper()
	f := rhfake.New("secret-key", "111", "222")
	t.Cleanup(f.Close)
	return f, raidhelper.New(f.BaseURL(), "secret-key", "111", nil)
}

// Spec §10.3: a Friday 21:00 in New York in winter, after spring forward
// and after fall back; the start goes as an instant, so the fake (on New
// York's clock) stores the right one whatever its own zone.
func TestCreateEventWireFormat(t *testing.T) {
	f, c := newPair(t)
	ny, _ := time.LoadLocation("America/New_York")
	for _, local := range []string{"2025-01-17 21:00", "2025-03-14 21:00", "2025-11-07 21:00"} {
		start, _ := time.ParseInLocation("2006-01-02 15:04", local, ny)
		got, err := c.CreateEvent(context.Background(), raidhelper.EventInput{ChannelID: "222", LeaderID: "333",
			Title: "Heroic", Description: "Auto-scheduled raid. Sign up below!", Start: start, Duration: 2 * time.Hour})
		require.NoError(t, err)
		require.NotEmpty(t, got.EventID)
		require.Equal(t, "https://discord.com/channels/111/222/"+got.EventID, got.URL)
		ev, ok := f.Event(got.EventID)
		require.True(t, ok)
		require.Equal(t, start.Unix(), ev.StartTime, local)
		require.Equal(t, start.Add(2*time.Hour).Unix(), ev.EndTime)
		require.Equal(t, "wowretail2", ev.TemplateID)
		var body map[string]any
		require.NoError(t, json.Unmarshal(got.Payload, &body))
		require.Equal(t, "333", body["leaderId"])
		require.Equal(t, map[string]any{"duration": float64(120)}, body["advancedSettings"])
	}
	calls := f.Calls()
	require.Len(t, calls, 3)
	require.Equal(t, "POST", calls[0].Method)
	require.Equal(t, "/api/v2/servers/111/channels/222/event", calls[0].Path)
	require.Equal(t, "secret-key", calls[0].Authorization, "the raw key, no Bearer")
}

func TestErrorsAreClassified(t *testing.T) {
	f, c := newPair(t)
	ctx := context.Background()
	in := raidhelper.EventInput{ChannelID: "222", LeaderID: "333", Title: "T", Start: time.Now(), Duration: time.Hour}

	bad := raidhelper.New(f.BaseURL(), "wrong", "111", nil)
	_, err := bad.CreateEvent(ctx, in)
	require.Equal(t, "Raid-Helper API error 401: Unauthorized", fault.MessageOf(err))
	require.False(t, raidhelper.Retryable(err))

	_, err = c.CreateEvent(ctx, raidhelper.EventInput{ChannelID: "999", Title: "T", Start: time.Now(), Duration: time.Hour})
	require.Equal(t, fault.KindNotFound, fault.KindOf(err))
	require.Contains(t, err.Error(), "Channel not found")

	f.RateLimit(0)
	_, err = c.CreateEvent(ctx, in)
	require.Equal(t, fault.KindTooMany, fault.KindOf(err))
	require.True(t, raidhelper.Retryable(err))
	var ae *raidhelper.APIError
	require.True(t, errors.As(err, &ae))
	require.Equal(t, 2*time.Second, ae.RetryAfter)
	require.Contains(t, ae.Body, "rate limited")
	f.RateLimit(-1)

	f.FailNext(http.StatusBadGateway, 1)
	_, err = c.CreateEvent(ctx, in)
	require.Equal(t, fault.KindUnavailable, fault.KindOf(err))
	require.True(t, raidhelper.Retryable(err))

	// Slow answers: the caller's deadline ends it as "unavailable".
	f.SetLatency(time.Second)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.CreateEvent(short, in)
	require.Equal(t, fault.KindUnavailable, fault.KindOf(err))
	require.True(t, raidhelper.Retryable(err))
	f.SetLatency(0)

	none := raidhelper.New(f.BaseURL(), "", "", nil)
	_, err = none.CreateEvent(ctx, in)
	require.EqualError(t, err, "Raid-Helper is not configured (missing server_id or api_key)")
	_, err = c.CreateEvent(ctx, raidhelper.EventInput{Title: "T"})
	require.EqualError(t, err, "No channel_id configured for event creation")
	before := len(f.Calls())
	require.Equal(t, before, len(f.Calls()), "refused before any call")

	// Missing required fields are refused by the fake as by Raid-Helper.
	req, _ := http.NewRequest("POST", f.BaseURL()+"/v2/servers/111/channels/222/event", nil)
	req.Header.Set("Authorization", "secret-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestUpdateDeleteAndSignups(t *testing.T) {
	f, c := newPair(t)
	ctx := context.Background()
	start := time.Date(2025, 1, 18, 2, 0, 0, 0, time.UTC)
	got, err := c.CreateEvent(ctx, raidhelper.EventInput{ChannelID: "222", LeaderID: "333", Title: "Heroic", Start: start, Duration: 2 * time.Hour})
	require.NoError(t, err)

	require.NoError(t, c.UpdateEvent(ctx, got.EventID, raidhelper.EventInput{Title: "Heroic (moved)", Start: start.Add(time.Hour), Duration: 3 * time.Hour}))
	ev, _ := f.Event(got.EventID)
	require.Equal(t, "Heroic (moved)", ev.Title)
	require.Equal(t, start.Add(time.Hour).Unix(), ev.StartTime)
	require.Equal(t, start.Add(4*time.Hour).Unix(), ev.EndTime)

	f.SignUpAs(got.EventID, "555", "Roo", "Tentative", "Tentative", start.Add(-24*time.Hour))
	added, err := c.AddSignup(ctx, got.EventID, raidhelper.SignupInput{UserID: "777", ClassName: "Tank", SpecName: "Protection1"})
	require.NoError(t, err)
	id := added.ID.String()
	require.NotEmpty(t, id)
	require.NotZero(t, added.EntryTime)
	_, err = c.AddSignup(ctx, got.EventID, raidhelper.SignupInput{UserID: "777", ClassName: "Tank", SpecName: "Protection1"})
	require.Error(t, err, "a second add for the same user is refused")
	edited, err := c.EditSignup(ctx, got.EventID, id, raidhelper.SignupInput{UserID: "777", ClassName: "Absence", SpecName: "Absence"})
	require.NoError(t, err)
	require.Equal(t, "Absence", edited.ClassName)

	read, err := c.GetEvent(ctx, got.EventID)
	require.NoError(t, err)
	require.Len(t, read.SignUps, 2)
	require.Equal(t, "555", read.SignUps[0].UserID)
	require.Equal(t, "Tentative", read.SignUps[0].ClassName)
	require.Equal(t, start.Add(-24*time.Hour), read.SignUps[0].Entry())
	require.Equal(t, "Absence", read.SignUps[1].ClassName)
	require.Equal(t, start, read.Start().Add(-time.Hour))

	list, err := c.ServerEvents(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)

	require.NoError(t, c.DeleteEvent(ctx, got.EventID))
	_, err = c.GetEvent(ctx, got.EventID)
	require.Equal(t, fault.KindNotFound, fault.KindOf(err))
	require.Equal(t, 1, f.CallsTo("DELETE /api/v2/events/"))
}
