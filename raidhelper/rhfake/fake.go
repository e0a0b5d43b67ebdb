// Package rhfake is a local Raid-Helper for tests: an httptest server that
// speaks Raid-Helper's wire format as strictly as the real service —
// the server's API key as the raw Authorization header (only reading one
// event is public), JSON bodies with the required fields (leaderId, title,
// description, date, time to create; userId, className, specName to sign
// up), a start given as a unix timestamp or as "D-M-YYYY" + "HH:MM" on the
// server's clock, advancedSettings (duration in minutes, voice_channel),
// signups checked against the template's classes and specs (wowretail2:
// role classes with their spec names, status classes without), the event
// list paged by the Page header, {"status":"failed","reason":…} refusals
// and 429 with Retry-After — and records every call. Knobs add latency,
// fail the next calls with a status, or rate-limit.
//
// The format was checked against public clients of the real API and a
// captured event payload (see the raidhelper package comment).
package rhfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Call is one request the fake received.
type Call struct {
	Method, Path, Authorization string
	Body                        []byte
}

// SignUp is a signup as the fake stores it.
type SignUp struct {
	ID        int64  `json:"id"`
	UserID    string `json:"userId"`
	Name      string `json:"name"`
	ClassName string `json:"className"`
	SpecName  string `json:"specName"`
	Status    string `json:"status"`
	EntryTime int64  `json:"entryTime"`
	Position  int    `json:"position"`
}

// Event is an event as the fake stores it.
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
	ClosingTime      int64          `json:"closingTime"`
	LastUpdated      int64          `json:"lastUpdated"`
	AdvancedSettings map[string]any `json:"advancedSettings,omitempty"`
	SignUps          []SignUp       `json:"signUps"`
}

// VoiceChannel is the event's advancedSettings.voice_channel ("" if none).
func (e Event) VoiceChannel() string {
	v, _ := e.AdvancedSettings["voice_channel"].(string)
	return v
}

// templates are the classes (and each class's specs) of the templates the
// fake knows; a signup in an event of another template is not checked.
// wowretail2 is Raid-Helper's "WoW combat roles" template.
var templates = map[string]map[string][]string{
	"wowretail2": {
		"Tank":      {"Protection", "Protection1", "Blood", "Vengeance", "Brewmaster", "Guardian"},
		"Healer":    {"Holy", "Holy1", "Restoration", "Restoration1", "Mistweaver", "Preservation", "Discipline"},
		"Melee":     {"Arms", "Fury", "Assassination", "Outlaw", "Subtlety", "Frost1", "Unholy", "Havoc", "Windwalker", "Feral", "Survival", "Retribution", "Enhancement"},
		"Ranged":    {"Arcane", "Fire", "Frost", "Affliction", "Demonology", "Destruction", "Beastmastery", "Marksmanship", "Balance", "Shadow", "Elemental", "Devastation", "Augmentation", "Devourer"},
		"Late":      nil,
		"Bench":     nil,
		"Tentative": nil,
		"Absence":   nil,
	},
}

// Server is the fake Raid-Helper.
type Server struct {
	*httptest.Server
	APIKey   string
	ServerID string
	// Channels are the server's channels; an event in another is refused.
	Channels map[string]bool
	// Zone is the server's Raid-Helper clock, used for a "D-M-YYYY" +
	// "HH:MM" date (a unix timestamp needs none).
	Zone *time.Location

	mu        sync.Mutex
	calls     []Call
	events    map[string]*Event
	nextID    int64
	nextSign  int64
	latency   time.Duration
	failNext  []int
	rateLimit int // calls allowed before 429s; <0 = unlimited
	now       func() time.Time
	// PageSize is how many events one page of the server's event list
	// holds (Raid-Helper: 1000).
	PageSize int
}

// New starts a fake for server serverID with API key key and the given
// channels.
func New(key, serverID string, channels ...string) *Server {
	f := &Server{APIKey: key, ServerID: serverID, Channels: map[string]bool{}, events: map[string]*Event{},
		nextID: 1300000000000000000, nextSign: 1, rateLimit: -1, now: time.Now, PageSize: 1000}
	f.Zone, _ = time.LoadLocation("America/New_York")
	for _, c := range channels {
		f.Channels[c] = true
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the base to give the client (like https://raid-helper.dev/api).
func (f *Server) BaseURL() string { return f.Server.URL + "/api" }

// SetLatency delays every answer.
func (f *Server) SetLatency(d time.Duration) { f.mu.Lock(); f.latency = d; f.mu.Unlock() }

// FailNext makes the next n calls answer status (500, 502, 401, …).
func (f *Server) FailNext(status, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		f.failNext = append(f.failNext, status)
	}
}

// RateLimit lets n more calls through, then answers 429 until reset with
// RateLimit(-1).
func (f *Server) RateLimit(n int) { f.mu.Lock(); f.rateLimit = n; f.mu.Unlock() }

// Calls returns the calls so far.
func (f *Server) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// CallsTo counts calls whose "METHOD path" starts with prefix.
func (f *Server) CallsTo(prefix string) int {
	n := 0
	for _, c := range f.Calls() {
		if strings.HasPrefix(c.Method+" "+c.Path, prefix) {
			n++
		}
	}
	return n
}

// Events returns a copy of the stored events, by start.
func (f *Server) Events() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Event, 0, len(f.events))
	for _, e := range f.events {
		c := *e
		c.SignUps = append([]SignUp(nil), e.SignUps...)
		c.AdvancedSettings = map[string]any{}
		for k, v := range e.AdvancedSettings {
			c.AdvancedSettings[k] = v
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].StartTime < out[j].StartTime || (out[i].StartTime == out[j].StartTime && out[i].ID < out[j].ID)
	})
	return out
}

// Event returns one stored event.
func (f *Server) Event(id string) (Event, bool) {
	for _, e := range f.Events() {
		if e.ID == id {
			return e, true
		}
	}
	return Event{}, false
}

// SignUpAs is a Discord user signing up (or changing) in Discord at entry.
func (f *Server) SignUpAs(eventID, userID, name, className, specName string, entry time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events[eventID]
	if e == nil {
		panic("rhfake: no event " + eventID)
	}
	for i := range e.SignUps {
		if e.SignUps[i].UserID == userID {
			e.SignUps[i].ClassName, e.SignUps[i].SpecName, e.SignUps[i].EntryTime = className, specName, entry.Unix()
			return
		}
	}
	e.SignUps = append(e.SignUps, SignUp{ID: f.nextSign, UserID: userID, Name: name, ClassName: className, SpecName: specName,
		Status: "primary", EntryTime: entry.Unix(), Position: len(e.SignUps) + 1})
	f.nextSign++
}

// RemoveSignUp is a Discord user taking their signup back in Discord.
func (f *Server) RemoveSignUp(eventID, userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events[eventID]
	if e == nil {
		panic("rhfake: no event " + eventID)
	}
	kept := e.SignUps[:0]
	for _, s := range e.SignUps {
		if s.UserID != userID {
			kept = append(kept, s)
		}
	}
	e.SignUps = kept
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func failed(w http.ResponseWriter, status int, reason string) {
	writeJSON(w, status, map[string]any{"status": "failed", "reason": reason})
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls = append(f.calls, Call{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), Body: body})
	latency := f.latency
	var fail int
	if len(f.failNext) > 0 {
		fail, f.failNext = f.failNext[0], f.failNext[1:]
	}
	limited := false
	if f.rateLimit == 0 {
		limited = true
	} else if f.rateLimit > 0 {
		f.rateLimit--
	}
	f.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if limited {
		w.Header().Set("Retry-After", "2")
		failed(w, http.StatusTooManyRequests, "You are being rate limited.")
		return
	}
	if fail != 0 {
		if fail == http.StatusUnauthorized {
			http.Error(w, "Unauthorized", fail)
			return
		}
		failed(w, fail, http.StatusText(fail))
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	route := r.Method + " " + strings.Join(pattern(parts), "/")
	// Only reading one event is public; everything else needs the key.
	if route != "GET v2/events/:id" && r.Header.Get("Authorization") != f.APIKey {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		failed(w, http.StatusBadRequest, "Content-Type must be application/json")
		return
	}
	switch route {
	case "POST v2/servers/:id/channels/:id/event":
		f.create(w, parts[2], parts[4], body)
	case "GET v3/servers/:id/events":
		f.list(w, r, parts[2])
	case "GET v2/events/:id":
		f.get(w, parts[2])
	case "PATCH v2/events/:id":
		f.patch(w, parts[2], body)
	case "DELETE v2/events/:id":
		f.delete(w, parts[2])
	case "POST v2/events/:id/signups":
		f.addSignup(w, parts[2], body)
	case "PATCH v2/events/:id/signups/:id":
		f.editSignup(w, parts[2], parts[4], body)
	default:
		failed(w, http.StatusNotFound, "Unknown endpoint")
	}
}

// pattern replaces ids (digits) in a path with ":id".
func pattern(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 64); err == nil && p != "" && i > 0 {
			out[i] = ":id"
		} else {
			out[i] = p
		}
	}
	return out
}

func requiredStrings(m map[string]any, keys ...string) string {
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			return "Missing required field: " + k
		}
		if _, ok := v.(string); !ok {
			return "Field " + k + " must be a string"
		}
	}
	return ""
}

// when reads date and time: both a unix timestamp (a number or a string
// of digits), or "D-M-YYYY" and "HH:MM" on the server's clock.
func (f *Server) when(dateV, clockV any) (time.Time, error) {
	str := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case float64:
			if x == float64(int64(x)) {
				return strconv.FormatInt(int64(x), 10), true
			}
		}
		return "", false
	}
	date, ok1 := str(dateV)
	clock, ok2 := str(clockV)
	if !ok1 || !ok2 {
		return time.Time{}, fmt.Errorf("Invalid date or time")
	}
	if n, err := strconv.ParseInt(clock, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	t, err := time.ParseInLocation("2-1-2006 15:04", date+" "+clock, f.Zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("Invalid date or time")
	}
	return t.UTC(), nil
}

func (f *Server) create(w http.ResponseWriter, server, channel string, body []byte) {
	if server != f.ServerID {
		failed(w, http.StatusForbidden, "The API key does not belong to this server")
		return
	}
	if !f.Channels[channel] {
		failed(w, http.StatusNotFound, "Channel not found")
		return
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		failed(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	if msg := requiredStrings(m, "leaderId", "title", "description"); msg != "" {
		failed(w, http.StatusBadRequest, msg)
		return
	}
	if m["date"] == nil || m["time"] == nil {
		failed(w, http.StatusBadRequest, "Missing required field: date and time")
		return
	}
	start, err := f.when(m["date"], m["time"])
	if err != nil {
		failed(w, http.StatusBadRequest, err.Error())
		return
	}
	adv, msg := advanced(m)
	if msg != "" {
		failed(w, http.StatusBadRequest, msg)
		return
	}
	minutes := 120
	if d, ok := adv["duration"].(float64); ok {
		minutes = int(d)
	}
	tmpl, _ := m["templateId"].(string)
	f.mu.Lock()
	f.nextID++
	e := &Event{ID: strconv.FormatInt(f.nextID, 10), ServerID: server, ChannelID: channel, LeaderID: m["leaderId"].(string),
		Title: m["title"].(string), Description: m["description"].(string), TemplateID: tmpl,
		StartTime: start.Unix(), EndTime: start.Add(time.Duration(minutes) * time.Minute).Unix(), ClosingTime: start.Unix(),
		LastUpdated: f.now().Unix(), AdvancedSettings: adv, SignUps: []SignUp{}}
	f.events[e.ID] = e
	out := *e
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "event": out})
}

// advanced reads a body's advancedSettings: duration a whole number of
// minutes, voice_channel a channel id; other settings are kept as sent.
func advanced(m map[string]any) (map[string]any, string) {
	out := map[string]any{}
	raw, ok := m["advancedSettings"]
	if !ok {
		return out, ""
	}
	adv, ok := raw.(map[string]any)
	if !ok {
		return nil, "Field advancedSettings must be an object"
	}
	for k, v := range adv {
		switch k {
		case "duration":
			d, ok := v.(float64)
			if !ok || d != float64(int(d)) || d <= 0 {
				return nil, "advancedSettings.duration must be a number of minutes"
			}
		case "voice_channel":
			s, ok := v.(string)
			if _, err := strconv.ParseUint(s, 10, 64); !ok || err != nil {
				return nil, "advancedSettings.voice_channel must be a channel id"
			}
		}
		out[k] = v
	}
	return out, ""
}

// list answers the server's event list, one page (Page header, from 1)
// of PageSize events; IncludeSignUps "true" keeps the signups.
func (f *Server) list(w http.ResponseWriter, r *http.Request, server string) {
	if server != f.ServerID {
		failed(w, http.StatusForbidden, "The API key does not belong to this server")
		return
	}
	page := 1
	if p := r.Header.Get("Page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			failed(w, http.StatusBadRequest, "Page must be a positive number")
			return
		}
		page = n
	}
	evs := f.Events()
	if !strings.EqualFold(r.Header.Get("IncludeSignUps"), "true") {
		for i := range evs {
			evs[i].SignUps = nil
		}
	}
	size := f.PageSize
	pages := (len(evs) + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	from := min((page-1)*size, len(evs))
	to := min(from+size, len(evs))
	writeJSON(w, http.StatusOK, map[string]any{"pages": pages, "currentPage": page, "eventCountOverall": len(evs),
		"eventCountTransmitted": to - from, "postedEvents": evs[from:to]})
}

func (f *Server) get(w http.ResponseWriter, id string) {
	e, ok := f.Event(id)
	if !ok {
		failed(w, http.StatusNotFound, "Event not found")
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (f *Server) patch(w http.ResponseWriter, id string, body []byte) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		failed(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events[id]
	if e == nil {
		failed(w, http.StatusNotFound, "Event not found")
		return
	}
	for k, v := range m {
		switch k {
		case "title", "description", "leaderId":
			s, ok := v.(string)
			if !ok {
				failed(w, http.StatusBadRequest, "Field "+k+" must be a string")
				return
			}
			switch k {
			case "title":
				e.Title = s
			case "description":
				e.Description = s
			default:
				e.LeaderID = s
			}
		case "advancedSettings":
			adv, msg := advanced(map[string]any{k: v})
			if msg != "" {
				failed(w, http.StatusBadRequest, msg)
				return
			}
			if e.AdvancedSettings == nil {
				e.AdvancedSettings = map[string]any{}
			}
			for ak, av := range adv {
				e.AdvancedSettings[ak] = av
			}
		case "startTime", "endTime":
			n, ok := v.(float64)
			if !ok {
				failed(w, http.StatusBadRequest, "Field "+k+" must be a unix timestamp")
				return
			}
			if k == "startTime" {
				e.StartTime = int64(n)
			} else {
				e.EndTime = int64(n)
			}
		default:
			failed(w, http.StatusBadRequest, "Field "+k+" cannot be edited")
			return
		}
	}
	e.LastUpdated = f.now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "event": *e})
}

func (f *Server) delete(w http.ResponseWriter, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.events[id] == nil {
		failed(w, http.StatusNotFound, "Event not found")
		return
	}
	delete(f.events, id)
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

func (f *Server) addSignup(w http.ResponseWriter, id string, body []byte) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		failed(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	if msg := requiredStrings(m, "userId", "className", "specName"); msg != "" {
		failed(w, http.StatusBadRequest, msg)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events[id]
	if e == nil {
		failed(w, http.StatusNotFound, "Event not found")
		return
	}
	if msg := checkClass(e.TemplateID, m["className"].(string), m["specName"].(string)); msg != "" {
		failed(w, http.StatusBadRequest, msg)
		return
	}
	for _, s := range e.SignUps {
		if s.UserID == m["userId"] {
			failed(w, http.StatusBadRequest, "That user is already signed up to this event")
			return
		}
	}
	s := SignUp{ID: f.nextSign, UserID: m["userId"].(string), Name: m["userId"].(string), ClassName: m["className"].(string),
		SpecName: m["specName"].(string), Status: "primary", EntryTime: f.now().Unix(), Position: len(e.SignUps) + 1}
	f.nextSign++
	e.SignUps = append(e.SignUps, s)
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "signUp": s})
}

func (f *Server) editSignup(w http.ResponseWriter, id, signup string, body []byte) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		failed(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events[id]
	if e == nil {
		failed(w, http.StatusNotFound, "Event not found")
		return
	}
	for i := range e.SignUps {
		if strconv.FormatInt(e.SignUps[i].ID, 10) != signup {
			continue
		}
		class, spec := e.SignUps[i].ClassName, e.SignUps[i].SpecName
		if v, ok := m["className"].(string); ok {
			class = v
		}
		if v, ok := m["specName"].(string); ok {
			spec = v
		}
		if msg := checkClass(e.TemplateID, class, spec); msg != "" {
			failed(w, http.StatusBadRequest, msg)
			return
		}
		e.SignUps[i].ClassName, e.SignUps[i].SpecName = class, spec
		e.SignUps[i].EntryTime = f.now().Unix()
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "signUp": e.SignUps[i]})
		return
	}
	failed(w, http.StatusNotFound, "Sign-up not found")
}

// checkClass refuses a class or spec the event's template does not have,
// as Raid-Helper does ("invalid className" / "invalid specName"). A status
// class (no specs) takes any spec name.
func checkClass(template, class, spec string) string {
	classes, known := templates[template]
	if !known {
		return ""
	}
	specs, ok := classes[class]
	if !ok {
		return "invalid className"
	}
	if len(specs) == 0 {
		return ""
	}
	for _, s := range specs {
		if s == spec {
			return ""
		}
	}
	return "invalid specName"
}

// SetClock sets the fake's clock for entry times of signups it creates.
func (f *Server) SetClock(now func() time.Time) { f.mu.Lock(); f.now = now; f.mu.Unlock() }
