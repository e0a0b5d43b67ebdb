// Package raidhelper is the client of the Raid-Helper web API
// (https://raid-helper.dev/api): create, update and delete events, read an
// event with its signups, add or edit a signup, list a server's events.
// Every server-scoped call carries the server's API key as the raw
// Authorization header (no "Bearer"), as Raid-Helper expects. Errors are
// fault errors: 429 is TooMany, 5xx and transport failures Unavailable
// (both Retryable), other refusals carry Raid-Helper's status and text.
//
// The wire format was checked (November 2026) against public clients of
// the real API, since Raid-Helper's own documentation page is not in
// reach here: a captured live event payload with its signups and
// advancedSettings (DerpDerpFailer/raid-helper-attendance,
// test/fixtures/sample-event.json and sample-server-events.json), a C#
// client's event and signup types (tipplermanuel/raid-helper-notificator),
// a TypeScript bot that reads advancedSettings.voice_channel and honours
// Retry-After on 429, and scripts that create events with date and time
// as unix timestamps and advancedSettings.duration in minutes. What they
// agree on:
//   - POST /v2/servers/{server}/channels/{channel}/event with leaderId,
//     templateId, title, description, date, time (unix timestamps, or
//     "D-M-YYYY"/"HH:MM" on the server's Raid-Helper clock) and
//     advancedSettings {duration (minutes), voice_channel (id)}; the
//     answer holds the event (its id is the Discord message id);
//   - GET /v2/events/{id} (public) returns startTime/endTime/closingTime
//     as unix seconds and signUps with a numeric id, userId, name,
//     className (a role or class, or a status class such as Absence),
//     specName, status ("primary"), entryTime (unix) and position;
//   - PATCH and DELETE /v2/events/{id}; POST /v2/events/{id}/signups with
//     userId, className, specName; PATCH /v2/events/{id}/signups/{signup};
//   - GET /v3/servers/{server}/events, paged by a Page header, answers
//     {pages, currentPage, postedEvents: [...]}.
package raidhelper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"patt/fault"
)

// DefaultTemplate is Raid-Helper's retail WoW template.
const DefaultTemplate = "wowretail2"

// Client talks to one Discord server's Raid-Helper.
type Client struct {
	BaseURL  string // e.g. https://raid-helper.dev/api (PATT_RAID_HELPER_API_URL)
	APIKey   string
	ServerID string
	HTTP     *http.Client
}

// New returns a client; hc nil means a client with a 15 s timeout.
func New(baseURL, apiKey, serverID string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, ServerID: serverID, HTTP: hc}
}

// APIError is a refusal from Raid-Helper.
type APIError struct {
	Status     int
	Body       string        // the first 200 characters
	RetryAfter time.Duration // from a 429's Retry-After
}

func (e *APIError) Error() string {
	return fmt.Sprintf("Raid-Helper API error %d: %s", e.Status, e.Body)
}

// Retryable reports whether trying again later can succeed: throttling,
// Raid-Helper's own failures, or no answer at all.
func Retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	k := fault.KindOf(err)
	return k == fault.KindUnavailable || k == fault.KindTooMany
}

// EventInput is what the site books. VoiceChannelID "" sends no voice
// channel.
type EventInput struct {
	ChannelID      string
	VoiceChannelID string
	LeaderID       string
	TemplateID     string
	Title          string
	Description    string
	Start          time.Time
	Duration       time.Duration
}

// advancedSettings are the event's duration in minutes and, when set, its
// voice channel.
func (in EventInput) advancedSettings() map[string]any {
	adv := map[string]any{"duration": int(in.Duration / time.Minute)}
	if in.VoiceChannelID != "" {
		adv["voice_channel"] = in.VoiceChannelID
	}
	return adv
}

// Event is a Raid-Helper event as read back.
type Event struct {
	ID               string         `json:"id"`
	ServerID         string         `json:"serverId"`
	ChannelID        string         `json:"channelId"`
	LeaderID         string         `json:"leaderId"`
	Title            string         `json:"title"`
	Description      string         `json:"description"`
	TemplateID       string         `json:"templateId"`
	StartTime        int64          `json:"startTime"`
	EndTime          int64          `json:"endTime"`
	AdvancedSettings map[string]any `json:"advancedSettings"`
	SignUps          []SignUp       `json:"signUps"`
}

// Start is the event's start instant.
func (e Event) Start() time.Time { return time.Unix(e.StartTime, 0).UTC() }

// SignUp is one signup on a Raid-Helper event. ClassName is a class or
// role bucket (Tank, Healer, Melee, Ranged) or a status bucket (Tentative,
// Late, Bench, Absence).
type SignUp struct {
	ID        json.Number `json:"id"`
	UserID    string      `json:"userId"`
	Name      string      `json:"name"`
	ClassName string      `json:"className"`
	SpecName  string      `json:"specName"`
	Status    string      `json:"status"`
	EntryTime int64       `json:"entryTime"`
	Position  int         `json:"position"`
}

// Entry is when the signup was last made or changed.
func (s SignUp) Entry() time.Time { return time.Unix(s.EntryTime, 0).UTC() }

// SignupInput adds or edits a signup.
type SignupInput struct {
	UserID    string `json:"userId"`
	ClassName string `json:"className"`
	SpecName  string `json:"specName"`
	Notify    bool   `json:"notify"`
}

// createBody is the create-event request. The start goes as a unix
// timestamp in both date and time, which Raid-Helper accepts: a
// "D-M-YYYY"/"HH:MM" pair would be read on the server's Raid-Helper clock,
// and would be off by the zone (or by an hour across DST) from the guild's.
type createBody struct {
	LeaderID         string         `json:"leaderId"`
	TemplateID       string         `json:"templateId"`
	Date             string         `json:"date"`
	Time             string         `json:"time"`
	Title            string         `json:"title"`
	Description      string         `json:"description"`
	AdvancedSettings map[string]any `json:"advancedSettings"`
}

// Created is what CreateEvent returns: the event id (the Discord message
// id), its Discord link, and the request body sent (kept for debugging).
type Created struct {
	EventID string
	URL     string
	Payload []byte
}

// CreateEvent posts a new event in a channel.
func (c *Client) CreateEvent(ctx context.Context, in EventInput) (Created, error) {
	if err := c.configured(); err != nil {
		return Created{}, err
	}
	if in.ChannelID == "" {
		return Created{}, fault.Invalid("raid_channel_id", "No channel_id configured for event creation")
	}
	tmpl := in.TemplateID
	if tmpl == "" {
		tmpl = DefaultTemplate
	}
	ts := strconv.FormatInt(in.Start.Unix(), 10)
	body := createBody{LeaderID: in.LeaderID, TemplateID: tmpl, Date: ts, Time: ts, Title: in.Title,
		Description: in.Description, AdvancedSettings: in.advancedSettings()}
	payload, err := json.Marshal(body)
	if err != nil {
		return Created{}, err
	}
	var out struct {
		Event *struct {
			ID string `json:"id"`
		} `json:"event"`
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "/v2/servers/"+c.ServerID+"/channels/"+in.ChannelID+"/event", payload, &out); err != nil {
		return Created{Payload: payload}, err
	}
	id := out.ID
	if out.Event != nil && out.Event.ID != "" {
		id = out.Event.ID
	}
	if id == "" {
		return Created{Payload: payload}, fault.Unavailable("Raid-Helper answered without an event id")
	}
	return Created{EventID: id, URL: "https://discord.com/channels/" + c.ServerID + "/" + in.ChannelID + "/" + id, Payload: payload}, nil
}

// UpdateEvent changes an event's title, description, times, duration and
// voice channel.
func (c *Client) UpdateEvent(ctx context.Context, id string, in EventInput) error {
	if err := c.configured(); err != nil {
		return err
	}
	body := map[string]any{"title": in.Title, "description": in.Description,
		"startTime": in.Start.Unix(), "endTime": in.Start.Add(in.Duration).Unix(), "advancedSettings": in.advancedSettings()}
	if in.LeaderID != "" {
		body["leaderId"] = in.LeaderID
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPatch, "/v2/events/"+id, payload, nil)
}

// DeleteEvent removes an event (and its Discord post).
func (c *Client) DeleteEvent(ctx context.Context, id string) error {
	if err := c.configured(); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, "/v2/events/"+id, nil, nil)
}

// GetEvent reads an event with its signups.
func (c *Client) GetEvent(ctx context.Context, id string) (Event, error) {
	var e Event
	err := c.do(ctx, http.MethodGet, "/v2/events/"+id, nil, &e)
	return e, err
}

// AddSignup signs a Discord user up and returns the signup as Raid-Helper
// stored it (its id and entry time; zero when the answer has none).
func (c *Client) AddSignup(ctx context.Context, eventID string, in SignupInput) (SignUp, error) {
	return c.signup(ctx, http.MethodPost, "/v2/events/"+eventID+"/signups", in)
}

// EditSignup changes an existing signup (by its id).
func (c *Client) EditSignup(ctx context.Context, eventID, signupID string, in SignupInput) (SignUp, error) {
	return c.signup(ctx, http.MethodPatch, "/v2/events/"+eventID+"/signups/"+signupID, in)
}

func (c *Client) signup(ctx context.Context, method, path string, in SignupInput) (SignUp, error) {
	if err := c.configured(); err != nil {
		return SignUp{}, err
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return SignUp{}, err
	}
	var out struct {
		SignUp *SignUp `json:"signUp"`
	}
	if err := c.do(ctx, method, path, payload, &out); err != nil {
		return SignUp{}, err
	}
	if out.SignUp == nil {
		return SignUp{}, nil
	}
	return *out.SignUp, nil
}

// maxPages bounds the event list read (Raid-Helper pages hold 1000).
const maxPages = 20

// ServerEvents lists the server's posted events, every page (the
// connection test, and the search for an event booked before a crash).
func (c *Client) ServerEvents(ctx context.Context) ([]Event, error) {
	if err := c.configured(); err != nil {
		return nil, err
	}
	var all []Event
	for page := 1; page <= maxPages; page++ {
		var out struct {
			Pages        int     `json:"pages"`
			PostedEvents []Event `json:"postedEvents"`
		}
		hdr := http.Header{"Page": {strconv.Itoa(page)}}
		if err := c.doH(ctx, http.MethodGet, "/v3/servers/"+c.ServerID+"/events", hdr, nil, &out); err != nil {
			return nil, err
		}
		all = append(all, out.PostedEvents...)
		if page >= out.Pages {
			break
		}
	}
	return all, nil
}

func (c *Client) configured() error {
	if c.APIKey == "" || c.ServerID == "" {
		return fault.Invalid("raid_helper", "Raid-Helper is not configured (missing server_id or api_key)")
	}
	return nil
}

// do sends one request and decodes a 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	return c.doH(ctx, method, path, nil, body, out)
}

func (c *Client) doH(ctx context.Context, method, path string, hdr http.Header, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("raid-helper request: %w", err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if c.APIKey != "" {
		req.Header.Set("Authorization", c.APIKey)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fault.Wrap(fault.KindUnavailable, "Raid-Helper did not answer", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fault.Wrap(fault.KindUnavailable, "Raid-Helper answer was cut off", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		text := strings.TrimSpace(string(raw))
		if r := []rune(text); len(r) > 200 {
			text = string(r[:200])
		}
		ae := &APIError{Status: resp.StatusCode, Body: text}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			ae.RetryAfter = time.Duration(s) * time.Second
		}
		kind := fault.KindInvalid
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			kind = fault.KindTooMany
		case resp.StatusCode >= 500:
			kind = fault.KindUnavailable
		case resp.StatusCode == http.StatusNotFound:
			kind = fault.KindNotFound
		}
		return fault.Wrap(kind, ae.Error(), ae)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fault.Wrap(fault.KindUnavailable, "Raid-Helper answered something that is not JSON", err)
	}
	return nil
}
