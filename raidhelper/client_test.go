package raidhelper_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
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

// The voice channel goes as advancedSettings.voice_channel (the key a live
// event carries it under), on create and on update; without one the key is
// absent.
func TestVoiceChannelIsSent(t *testing.T) {
	f, c := newPair(t)
	ctx := context.Background()
	start := time.Date(2025, 1, 18, 2, 0, 0, 0, time.UTC)
	got, err := c.CreateEvent(ctx, raidhelper.EventInput{ChannelID: "222", VoiceChannelID: "444", LeaderID: "333", Title: "Heroic", Start: start, Duration: 90 * time.Minute})
	require.NoError(t, err)
	ev, _ := f.Event(got.EventID)
	require.Equal(t, "444", ev.VoiceChannel())
	require.Equal(t, start.Add(90*time.Minute).Unix(), ev.EndTime)
	var body map[string]any
	require.NoError(t, json.Unmarshal(got.Payload, &body))
	require.Equal(t, map[string]any{"duration": float64(90), "voice_channel": "444"}, body["advancedSettings"])

	require.NoError(t, c.UpdateEvent(ctx, got.EventID, raidhelper.EventInput{Title: "Heroic", VoiceChannelID: "445", Start: start, Duration: time.Hour}))
	ev, _ = f.Event(got.EventID)
	require.Equal(t, "445", ev.VoiceChannel())
	read, err := c.GetEvent(ctx, got.EventID)
	require.NoError(t, err)
	require.Equal(t, "445", read.AdvancedSettings["voice_channel"])

	plain, err := c.CreateEvent(ctx, raidhelper.EventInput{ChannelID: "222", LeaderID: "333", Title: "No voice", Start: start, Duration: time.Hour})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(plain.Payload, &body))
	require.NotContains(t, body["advancedSettings"], "voice_channel")
}

// The fake is as strict as Raid-Helper: signups must use the template's
// classes and specs, a voice channel must be an id, and the start may come
// as unix numbers or as "D-M-YYYY" + "HH:MM" on the server's clock.
func TestFakeIsStrict(t *testing.T) {
	f, c := newPair(t)
	ctx := context.Background()
	start := time.Date(2025, 1, 18, 2, 0, 0, 0, time.UTC)
	got, err := c.CreateEvent(ctx, raidhelper.EventInput{ChannelID: "222", LeaderID: "333", Title: "Heroic", Start: start, Duration: time.Hour})
	require.NoError(t, err)
	for _, bad := range []raidhelper.SignupInput{
		{UserID: "1", ClassName: "Paladin", SpecName: "Holy"},  // a WoW class, not the template's role class
		{UserID: "1", ClassName: "Healer", SpecName: "Holy2"},  // no such spec
		{UserID: "1", ClassName: "Tank", SpecName: "Frost1"},   // spec of another class
		{UserID: "1", ClassName: "Ranged", SpecName: "Ranged"}, // the bucket is not a spec
	} {
		_, err := c.AddSignup(ctx, got.EventID, bad)
		require.Error(t, err, "%+v", bad)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
	}
	_, err = c.AddSignup(ctx, got.EventID, raidhelper.SignupInput{UserID: "1", ClassName: "Healer", SpecName: "Holy1"})
	require.NoError(t, err)
	_, err = c.AddSignup(ctx, got.EventID, raidhelper.SignupInput{UserID: "2", ClassName: "Absence", SpecName: "Holy1"})
	require.NoError(t, err, "a status class takes any spec")

	post := func(body string) int {
		req, _ := http.NewRequest("POST", f.BaseURL()+"/v2/servers/111/channels/222/event", strings.NewReader(body))
		req.Header.Set("Authorization", "secret-key")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, post(`{"leaderId":"3","title":"T","description":"","date":1737165600,"time":1737165600}`))
	require.Equal(t, http.StatusOK, post(`{"leaderId":"3","title":"T2","description":"","date":"17-1-2025","time":"21:00"}`))
	require.Equal(t, http.StatusBadRequest, post(`{"leaderId":"3","title":"T","description":"","date":"17-1-2025","time":"21:00","advancedSettings":{"voice_channel":"general"}}`))
	require.Equal(t, http.StatusBadRequest, post(`{"leaderId":"3","title":"T","description":"","date":"2025-01-17","time":"9pm"}`))
	require.Equal(t, http.StatusBadRequest, post(`{"leaderId":"3","title":"T","date":"17-1-2025","time":"21:00"}`), "description is required")
	var t2 rhfake.Event
	for _, e := range f.Events() {
		if e.Title == "T2" {
			t2 = e
		}
	}
	require.Equal(t, time.Date(2025, 1, 18, 2, 0, 0, 0, time.UTC).Unix(), t2.StartTime, "21:00 on the server's New York clock")
}

// The server's event list is read page by page (Page header).
func TestServerEventsReadsEveryPage(t *testing.T) {
	f, c := newPair(t)
	f.PageSize = 2
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		_, err := c.CreateEvent(ctx, raidhelper.EventInput{ChannelID: "222", LeaderID: "333", Title: "Raid", Start: time.Unix(int64(1737165600+i*86400), 0), Duration: time.Hour})
		require.NoError(t, err)
	}
	list, err := c.ServerEvents(ctx)
	require.NoError(t, err)
	require.Len(t, list, 5)
	require.Equal(t, 3, f.CallsTo("GET /api/v3/servers/111/events"))
}

// Spec §8.3: the template's names tell duplicate specs apart; every one of
// the 39 retail specs has a distinct template name and reads back to itself.
func TestWowRetail2Names(t *testing.T) {
	cases := []struct{ class, spec, role, name string }{
		{"Death Knight", "Frost", "Melee", "Frost1"}, {"Mage", "Frost", "Ranged", "Frost"},
		{"Paladin", "Holy", "Healer", "Holy1"}, {"Priest", "Holy", "Healer", "Holy"},
		{"Paladin", "Protection", "Tank", "Protection1"}, {"Warrior", "Protection", "Tank", "Protection"},
		{"Shaman", "Restoration", "Healer", "Restoration1"}, {"Druid", "Restoration", "Healer", "Restoration"},
		{"Hunter", "Beast Mastery", "Ranged", "Beastmastery"}, {"Evoker", "Augmentation", "Ranged", "Augmentation"},
	}
	for _, tc := range cases {
		role, name, ok := raidhelper.TemplateSpec(tc.class, tc.spec)
		require.True(t, ok, tc.class+" "+tc.spec)
		require.Equal(t, tc.role, role)
		require.Equal(t, tc.name, name)
		back, ok := raidhelper.WowSpecOf(name)
		require.True(t, ok)
		require.Equal(t, raidhelper.WowSpec{Class: tc.class, Spec: tc.spec}, back)
	}
	_, _, ok := raidhelper.TemplateSpec("Paladin", "Frost")
	require.False(t, ok)
	n := 0
	for _, r := range raidhelper.RoleClasses {
		n += len(raidhelper.TemplateSpecs(r))
	}
	require.Equal(t, 40, n, "39 retail specs and Devourer")
}
