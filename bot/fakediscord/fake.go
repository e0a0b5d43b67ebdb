// Package fakediscord is a local Discord for tests: an HTTP server speaking
// REST v10 (the routes the bot uses) and a websocket gateway (HELLO,
// IDENTIFY, READY, GUILD_CREATE, dispatches, heartbeat ACK, RESUME). It is
// as strict as Discord where our code could go wrong: the bot token is
// required, message and embed limits are enforced with Discord's 50035
// body, unknown ids answer Discord's error codes, rate limits answer 429
// with the real body and X-RateLimit-* headers. It keeps guild members,
// roles and channels in memory and records every REST call and every
// gateway event, so tests assert on what Discord would have seen.
package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Discord's JSON error codes used by the fake.
const (
	CodeUnknownChannel     = 10003
	CodeUnknownGuild       = 10004
	CodeUnknownMember      = 10007
	CodeUnknownRole        = 10011
	CodeUnknownUser        = 10013
	CodeCannotDM           = 50007
	CodeMissingPermissions = 50013
	CodeEmptyMessage       = 50006
	CodeInvalidFormBody    = 50035
)

// BotRoleID is the bot's own role; PermManageRoles is its permission bit
// field (Manage Roles, 1<<28).
const (
	BotRoleID       = "900000000000000098"
	PermManageRoles = "268435456"
)

// Gateway intents (bit flags) the fake checks.
const (
	IntentGuilds         = 1 << 0
	IntentGuildMembers   = 1 << 1 // privileged
	IntentDirectMessages = 1 << 12
)

// User is a Discord user.
type User struct {
	ID         string  `json:"id"`
	Username   string  `json:"username"`
	GlobalName *string `json:"global_name"`
	Bot        bool    `json:"bot,omitempty"`
	// ClosedDMs makes every DM to this user fail with 50007.
	ClosedDMs bool `json:"-"`
}

// Member is a user's membership of the guild.
type Member struct {
	User     *User     `json:"user"`
	Nick     *string   `json:"nick"`
	Roles    []string  `json:"roles"`
	JoinedAt time.Time `json:"joined_at"`
}

// Role is a guild role; a higher Position is above in the hierarchy.
type Role struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
	// Permissions as Discord's string bit field.
	Permissions string `json:"permissions"`
}

// Channel is a guild text channel or a DM channel.
type Channel struct {
	ID         string  `json:"id"`
	Type       int     `json:"type"` // 0 guild text, 1 DM
	GuildID    string  `json:"guild_id,omitempty"`
	Name       string  `json:"name,omitempty"`
	Recipients []*User `json:"recipients,omitempty"`
}

// Message is a message the fake accepted.
type Message struct {
	ID        string           `json:"id"`
	ChannelID string           `json:"channel_id"`
	Content   string           `json:"content"`
	Embeds    []map[string]any `json:"embeds"`
	// Components are the message's action rows (buttons, select menus).
	Components []map[string]any `json:"components"`
	// RecipientID is set for a DM (the user the DM channel belongs to).
	RecipientID string `json:"-"`
	// AuthorID is who wrote it (the bot unless a user typed it);
	// Ephemeral marks an interaction answer only the clicker saw.
	AuthorID  string `json:"-"`
	Ephemeral bool   `json:"-"`
}

// Call is one REST request the fake received.
type Call struct {
	Method string
	Path   string // without the /api/v10 prefix, with the query
	Status int
	Reason string // X-Audit-Log-Reason, unescaped
	Body   string
}

// Server is the fake Discord. Create it with New; its fields are knobs
// to set before the bot connects (or under Lock for later changes).
type Server struct {
	Token   string
	GuildID string
	Bot     *User
	// BotRolePosition is the position of the bot's highest role: roles at
	// or above it cannot be managed (50013).
	BotRolePosition int
	// HeartbeatInterval is what HELLO tells the client (Discord: 41250ms).
	HeartbeatInterval time.Duration
	// AllowMembersIntent is the "Server Members Intent" toggle of the
	// developer portal; IDENTIFY asking for it while off is closed 4014.
	AllowMembersIntent bool
	// Latency delays every REST answer.
	Latency time.Duration

	mu        sync.Mutex
	guildName string
	members   map[string]*Member
	order     []string // member ids in join order
	users     map[string]*User
	roles     map[string]*Role
	channels  map[string]*Channel
	messages  []Message
	calls     []Call
	events    []string
	fail      map[string][]injected
	nextID    int64
	sessions  map[string]*session
	conns     map[*gwConn]bool
	rest      *httptest.Server
	wsUp      websocket.Upgrader
	connected chan struct{}
	// refuseGateway counts gateway connections still to refuse.
	refuseGateway int
	// InteractionTimeout is how long an interaction's token may be
	// answered (Discord: 3 seconds).
	InteractionTimeout time.Duration
	interactions       map[string]*Interaction
	commands           []Command
	ignoreVisibility   bool
}

type injected struct {
	skip   int // matching requests to let through first
	status int
	body   any
	header map[string]string
}

// New starts a fake with one guild and the bot user, token "test-token".
func New() *Server {
	s := &Server{
		Token: "test-token", GuildID: "900000000000000001",
		Bot:                &User{ID: "900000000000000099", Username: "PATT-Bot", Bot: true},
		BotRolePosition:    10,
		HeartbeatInterval:  41250 * time.Millisecond,
		AllowMembersIntent: true,
		guildName:          "Pull All The Things",
		members:            map[string]*Member{}, users: map[string]*User{},
		roles: map[string]*Role{}, channels: map[string]*Channel{},
		fail: map[string][]injected{}, sessions: map[string]*session{}, conns: map[*gwConn]bool{},
		nextID:       1000,
		connected:    make(chan struct{}, 64),
		interactions: map[string]*Interaction{}, InteractionTimeout: 3 * time.Second,
	}
	s.roles[s.GuildID] = &Role{ID: s.GuildID, Name: "@everyone", Position: 0, Permissions: "0"}
	// The bot's own managed role, with Manage Roles, at BotRolePosition.
	s.roles[BotRoleID] = &Role{ID: BotRoleID, Name: "PATT-Bot", Position: s.BotRolePosition, Permissions: PermManageRoles}
	s.addMemberLocked(s.Bot, "", []string{BotRoleID})
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway-ws", s.serveGateway)
	mux.HandleFunc("/gateway-ws/", s.serveGateway)
	mux.HandleFunc("/api/v10/", s.serveREST)
	s.rest = httptest.NewServer(mux)
	return s
}

// URL is the REST base to give the bot (PATT_DISCORD_API_URL).
func (s *Server) URL() string { return s.rest.URL + "/api/v10/" }

// Close stops the servers and drops every gateway connection.
func (s *Server) Close() {
	s.DropConnections()
	s.rest.Close()
}

func (s *Server) id() string {
	s.nextID++
	return strconv.FormatInt(900000000000100000+s.nextID, 10)
}

// AddRole creates a guild role and returns it.
func (s *Server) AddRole(id, name string, position int) *Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &Role{ID: id, Name: name, Position: position, Permissions: "0"}
	s.roles[id] = r
	return r
}

// AddChannel creates a guild text channel.
func (s *Server) AddChannel(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[id] = &Channel{ID: id, Type: 0, GuildID: s.GuildID, Name: name}
}

// AddUser registers a user who is not (yet) a member.
func (s *Server) AddUser(u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// SetGuildName renames the guild.
func (s *Server) SetGuildName(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guildName = name
}

// AddMember makes a user a member (without a gateway event; use Join for
// a live join).
func (s *Server) AddMember(u *User, nick string, roles ...string) *Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMemberLocked(u, nick, roles)
}

func (s *Server) addMemberLocked(u *User, nick string, roles []string) *Member {
	s.users[u.ID] = u
	m := &Member{User: u, Roles: append([]string{}, roles...), JoinedAt: time.Now().UTC().Truncate(time.Second)}
	if nick != "" {
		m.Nick = &nick
	}
	if _, ok := s.members[u.ID]; !ok {
		s.order = append(s.order, u.ID)
	}
	s.members[u.ID] = m
	return m
}

// Join adds a member and dispatches GUILD_MEMBER_ADD.
func (s *Server) Join(u *User, nick string, roles ...string) {
	s.mu.Lock()
	m := s.addMemberLocked(u, nick, roles)
	d := s.memberJSON(m)
	d["guild_id"] = s.GuildID
	s.mu.Unlock()
	s.Dispatch("GUILD_MEMBER_ADD", d)
}

// Leave removes a member and dispatches GUILD_MEMBER_REMOVE.
func (s *Server) Leave(userID string) {
	s.mu.Lock()
	m := s.members[userID]
	delete(s.members, userID)
	for i, id := range s.order {
		if id == userID {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if m != nil {
		s.Dispatch("GUILD_MEMBER_REMOVE", map[string]any{"guild_id": s.GuildID, "user": m.User})
	}
}

// UpdateMember changes a member's nick and roles (as a server admin
// would in the Discord client) and dispatches GUILD_MEMBER_UPDATE.
func (s *Server) UpdateMember(userID string, nick *string, roles []string) {
	s.mu.Lock()
	m := s.members[userID]
	if m == nil {
		s.mu.Unlock()
		return
	}
	m.Nick = nick
	m.Roles = append([]string{}, roles...)
	d := s.memberJSON(m)
	d["guild_id"] = s.GuildID
	s.mu.Unlock()
	s.Dispatch("GUILD_MEMBER_UPDATE", d)
}

// MemberRoles is a member's current role ids (nil when not a member).
func (s *Server) MemberRoles(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.members[userID]; m != nil {
		return append([]string{}, m.Roles...)
	}
	return nil
}

// Messages is every message accepted, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Calls is every REST call received, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo is the calls whose "METHOD path" starts with prefix.
func (s *Server) CallsTo(prefix string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if strings.HasPrefix(c.Method+" "+c.Path, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// Events is every gateway event seen, in order: what the fake sent
// ("send READY") and what the client sent ("recv IDENTIFY").
func (s *Server) Events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// Connected receives once per READY or RESUMED sent.
func (s *Server) Connected() <-chan struct{} { return s.connected }

// FailNext makes the next request whose "METHOD path" (path without the
// /api/v10 prefix and query) starts with route answer status and body.
func (s *Server) FailNext(route string, status int, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[route] = append(s.fail[route], injected{status: status, body: map[string]any{"message": message, "code": code}})
}

// FailAfter lets the next n requests to route through and makes the one
// after answer status with Discord's error body (code, message): a post
// split over several messages failing partway.
func (s *Server) FailAfter(route string, n, status, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[route] = append(s.fail[route], injected{skip: n, status: status, body: map[string]any{"message": message, "code": code}})
}

// RateLimitNext makes the next request to route answer 429 with Discord's
// body and headers, asking to retry after retryAfter.
func (s *Server) RateLimitNext(route string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secs := retryAfter.Seconds()
	s.fail[route] = append(s.fail[route], injected{status: http.StatusTooManyRequests,
		body: map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false},
		header: map[string]string{
			"Retry-After":             strconv.Itoa(int(secs + 0.999)),
			"X-RateLimit-Limit":       "5",
			"X-RateLimit-Remaining":   "0",
			"X-RateLimit-Reset-After": strconv.FormatFloat(secs, 'f', 3, 64),
			"X-RateLimit-Reset":       strconv.FormatFloat(float64(time.Now().Add(retryAfter).UnixMilli())/1000, 'f', 3, 64),
			"X-RateLimit-Bucket":      "fake-bucket",
			"X-RateLimit-Scope":       "user",
		}})
}

func (s *Server) memberJSON(m *Member) map[string]any {
	return map[string]any{
		"user": m.User, "nick": m.Nick, "roles": m.Roles,
		"joined_at": m.JoinedAt.Format(time.RFC3339), "deaf": false, "mute": false, "flags": 0,
	}
}

func (s *Server) guildJSON(withMembers bool) map[string]any {
	roles := make([]*Role, 0, len(s.roles))
	for _, r := range s.roles {
		roles = append(roles, r)
	}
	g := map[string]any{
		"id": s.GuildID, "name": s.guildName, "owner_id": "900000000000000002",
		"roles": roles, "member_count": len(s.members), "approximate_member_count": len(s.members),
	}
	if withMembers {
		chans := []*Channel{}
		for _, c := range s.channels {
			if c.Type == 0 {
				chans = append(chans, c)
			}
		}
		g["channels"] = chans
		g["members"] = []any{}
		g["large"] = true
		g["joined_at"] = time.Now().UTC().Format(time.RFC3339)
	}
	return g
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

func errBody(code int, message string) map[string]any {
	return map[string]any{"message": message, "code": code}
}

// formError is Discord's 50035 Invalid Form Body with one field error.
func formError(field, code, message string) map[string]any {
	var errs any = map[string]any{"_errors": []map[string]string{{"code": code, "message": message}}}
	parts := strings.Split(field, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		errs = map[string]any{parts[i]: errs}
	}
	return map[string]any{"code": CodeInvalidFormBody, "errors": errs, "message": "Invalid Form Body"}
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v10")
	var body []byte
	if r.Body != nil {
		body, _ = readAll(r)
	}
	rec := &recorder{ResponseWriter: w, status: 200}
	defer func() {
		s.mu.Lock()
		full := path
		if r.URL.RawQuery != "" {
			full += "?" + r.URL.RawQuery
		}
		reason := r.Header.Get("X-Audit-Log-Reason")
		if u, err := urlUnescape(reason); err == nil {
			reason = u
		}
		s.calls = append(s.calls, Call{Method: r.Method, Path: full, Status: rec.status, Reason: reason, Body: string(body)})
		s.mu.Unlock()
	}()
	s.mu.Lock()
	latency, token := s.Latency, s.Token
	s.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}
	// GET /gateway needs no token on Discord; everything else does.
	if !(r.Method == http.MethodGet && path == "/gateway") {
		if r.Header.Get("Authorization") != "Bot "+token {
			writeJSON(rec, http.StatusUnauthorized, errBody(0, "401: Unauthorized"))
			return
		}
	}
	s.mu.Lock()
	key := r.Method + " " + path
	for route, list := range s.fail {
		if len(list) > 0 && strings.HasPrefix(key, route) {
			f := list[0]
			if f.skip > 0 {
				list[0].skip--
				break
			}
			s.fail[route] = list[1:]
			s.mu.Unlock()
			for k, v := range f.header {
				rec.Header().Set(k, v)
			}
			writeJSON(rec, f.status, f.body)
			return
		}
	}
	s.mu.Unlock()
	s.route(rec, r, path, body)
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	m := r.Method
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case m == "GET" && path == "/gateway":
		writeJSON(w, 200, map[string]any{"url": s.wsURL()})
	case m == "GET" && path == "/gateway/bot":
		writeJSON(w, 200, map[string]any{"url": s.wsURL(), "shards": 1,
			"session_start_limit": map[string]int{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}})
	case m == "GET" && len(seg) == 2 && seg[0] == "users":
		id := seg[1]
		if id == "@me" {
			id = s.Bot.ID
		}
		if u := s.users[id]; u != nil {
			writeJSON(w, 200, u)
			return
		}
		writeJSON(w, 404, errBody(CodeUnknownUser, "Unknown User"))
	case m == "POST" && path == "/users/@me/channels":
		var in struct {
			RecipientID string `json:"recipient_id"`
		}
		if json.Unmarshal(body, &in) != nil || in.RecipientID == "" {
			writeJSON(w, 400, formError("recipient_id", "BASE_TYPE_REQUIRED", "This field is required"))
			return
		}
		u := s.users[in.RecipientID]
		if u == nil {
			writeJSON(w, 400, formError("recipient_id", "USER_NOT_FOUND", "Unknown User"))
			return
		}
		for _, c := range s.channels {
			if c.Type == 1 && c.Recipients[0].ID == u.ID {
				writeJSON(w, 200, c)
				return
			}
		}
		c := &Channel{ID: s.id(), Type: 1, Recipients: []*User{u}}
		s.channels[c.ID] = c
		writeJSON(w, 200, c)
	case len(seg) >= 2 && seg[0] == "guilds":
		s.routeGuild(w, r, seg, body)
	case m == "PUT" && len(seg) == 5 && seg[0] == "applications" && seg[2] == "guilds" && seg[4] == "commands":
		s.bulkOverwrite(w, seg[1], seg[3], body)
	case m == "POST" && len(seg) == 4 && seg[0] == "interactions" && seg[3] == "callback":
		s.interactionCallback(w, seg[1], seg[2], body)
	case len(seg) >= 2 && seg[0] == "channels":
		c := s.channels[seg[1]]
		if c == nil {
			writeJSON(w, 404, errBody(CodeUnknownChannel, "Unknown Channel"))
			return
		}
		switch {
		case m == "GET" && len(seg) == 2:
			writeJSON(w, 200, c)
		case m == "POST" && len(seg) == 3 && seg[2] == "messages":
			s.createMessage(w, c, body)
		default:
			writeJSON(w, 404, errBody(0, "404: Not Found"))
		}
	default:
		writeJSON(w, 404, errBody(0, "404: Not Found"))
	}
}

func (s *Server) routeGuild(w http.ResponseWriter, r *http.Request, seg []string, body []byte) {
	if seg[1] != s.GuildID {
		writeJSON(w, 404, errBody(CodeUnknownGuild, "Unknown Guild"))
		return
	}
	m := r.Method
	switch {
	case m == "GET" && len(seg) == 2:
		writeJSON(w, 200, s.guildJSON(false))
	case m == "GET" && len(seg) == 3 && seg[2] == "roles":
		roles := []*Role{}
		for _, r := range s.roles {
			roles = append(roles, r)
		}
		writeJSON(w, 200, roles)
	case m == "GET" && len(seg) == 3 && seg[2] == "channels":
		chans := []*Channel{}
		for _, c := range s.channels {
			if c.Type == 0 {
				chans = append(chans, c)
			}
		}
		writeJSON(w, 200, chans)
	case m == "GET" && len(seg) == 3 && seg[2] == "members":
		q := r.URL.Query()
		limit := 1
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				writeJSON(w, 400, formError("limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to 1000."))
				return
			}
			limit = n
		}
		after, _ := strconv.ParseUint(q.Get("after"), 10, 64)
		// Discord pages by user id (snowflake order).
		ids := append([]string(nil), s.order...)
		sortSnowflakes(ids)
		out := []any{}
		for _, id := range ids {
			n, _ := strconv.ParseUint(id, 10, 64)
			if n <= after {
				continue
			}
			if len(out) == limit {
				break
			}
			out = append(out, s.memberJSON(s.members[id]))
		}
		writeJSON(w, 200, out)
	case len(seg) >= 4 && seg[2] == "members":
		mem := s.members[seg[3]]
		if mem == nil {
			writeJSON(w, 404, errBody(CodeUnknownMember, "Unknown Member"))
			return
		}
		if m == "GET" && len(seg) == 4 {
			writeJSON(w, 200, s.memberJSON(mem))
			return
		}
		if len(seg) == 6 && seg[4] == "roles" && (m == "PUT" || m == "DELETE") {
			role := s.roles[seg[5]]
			if role == nil {
				writeJSON(w, 404, errBody(CodeUnknownRole, "Unknown Role"))
				return
			}
			if role.Position >= s.BotRolePosition {
				writeJSON(w, 403, errBody(CodeMissingPermissions, "Missing Permissions"))
				return
			}
			has := -1
			for i, id := range mem.Roles {
				if id == role.ID {
					has = i
				}
			}
			if m == "PUT" && has < 0 {
				mem.Roles = append(mem.Roles, role.ID)
			}
			if m == "DELETE" && has >= 0 {
				mem.Roles = append(mem.Roles[:has:has], mem.Roles[has+1:]...)
			}
			w.WriteHeader(http.StatusNoContent)
			d := s.memberJSON(mem)
			d["guild_id"] = s.GuildID
			go s.Dispatch("GUILD_MEMBER_UPDATE", d)
			return
		}
		writeJSON(w, 405, errBody(0, "405: Method Not Allowed"))
	default:
		writeJSON(w, 404, errBody(0, "404: Not Found"))
	}
}

func (s *Server) createMessage(w http.ResponseWriter, c *Channel, body []byte) {
	var in struct {
		Content    string           `json:"content"`
		Embeds     []map[string]any `json:"embeds"`
		Embed      map[string]any   `json:"embed"`
		Components []map[string]any `json:"components"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, 400, errBody(CodeInvalidFormBody, "Invalid Form Body"))
		return
	}
	if in.Embed != nil {
		in.Embeds = append(in.Embeds, in.Embed)
	}
	if n := len([]rune(in.Content)); n > 2000 {
		writeJSON(w, 400, formError("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."))
		return
	}
	if len(in.Embeds) > 10 {
		writeJSON(w, 400, formError("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
		return
	}
	total := 0
	for i, e := range in.Embeds {
		for _, f := range []struct {
			key string
			max int
		}{{"title", 256}, {"description", 4096}} {
			v, _ := e[f.key].(string)
			n := len([]rune(v))
			total += n
			if n > f.max {
				writeJSON(w, 400, formError(fmt.Sprintf("embeds.%d.%s", i, f.key), "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", f.max)))
				return
			}
		}
		if ft, ok := e["footer"].(map[string]any); ok {
			v, _ := ft["text"].(string)
			total += len([]rune(v))
			if len([]rune(v)) > 2048 {
				writeJSON(w, 400, formError(fmt.Sprintf("embeds.%d.footer.text", i), "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length."))
				return
			}
		}
	}
	if total > 6000 {
		writeJSON(w, 400, formError("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
		return
	}
	if strings.TrimSpace(in.Content) == "" && len(in.Embeds) == 0 {
		writeJSON(w, 400, errBody(CodeEmptyMessage, "Cannot send an empty message"))
		return
	}
	if bad := checkComponents(in.Components); bad != nil {
		writeJSON(w, 400, bad)
		return
	}
	msg := Message{ID: s.id(), ChannelID: c.ID, Content: in.Content, Embeds: in.Embeds, Components: in.Components, AuthorID: s.Bot.ID}
	if c.Type == 1 {
		u := c.Recipients[0]
		if u.ClosedDMs || s.members[u.ID] == nil {
			writeJSON(w, 403, errBody(CodeCannotDM, "Cannot send messages to this user"))
			return
		}
		msg.RecipientID = u.ID
	}
	s.messages = append(s.messages, msg)
	writeJSON(w, 200, map[string]any{"id": msg.ID, "channel_id": c.ID, "content": msg.Content, "embeds": msg.Embeds,
		"author": s.Bot, "timestamp": time.Now().UTC().Format(time.RFC3339), "type": 0})
}

// Reset drops every connection and forgets members, roles, channels,
// messages, calls, events, injected failures and sessions, back to a guild
// holding only the bot (tests share one fake because discordgo's endpoints
// are process-wide).
func (s *Server) Reset() {
	s.DropConnections()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Token, s.AllowMembersIntent, s.Latency = "test-token", true, 0
	s.guildName = "Pull All The Things"
	s.members, s.order, s.users = map[string]*Member{}, nil, map[string]*User{}
	s.roles, s.channels = map[string]*Role{}, map[string]*Channel{}
	s.messages, s.calls, s.events = nil, nil, nil
	s.fail, s.sessions = map[string][]injected{}, map[string]*session{}
	s.refuseGateway = 0
	s.interactions = map[string]*Interaction{}
	s.InteractionTimeout = 3 * time.Second
	s.commands, s.ignoreVisibility = nil, false
	s.roles[s.GuildID] = &Role{ID: s.GuildID, Name: "@everyone", Position: 0, Permissions: "0"}
	s.roles[BotRoleID] = &Role{ID: BotRoleID, Name: "PATT-Bot", Position: s.BotRolePosition, Permissions: PermManageRoles}
	s.addMemberLocked(s.Bot, "", []string{BotRoleID})
	for len(s.connected) > 0 {
		<-s.connected
	}
}

// SetToken changes the token the fake accepts.
func (s *Server) SetToken(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Token = t
}

// SetMembersIntent flips the developer portal's "Server Members Intent"
// toggle: while off, an IDENTIFY asking for GUILD_MEMBERS is closed 4014.
func (s *Server) SetMembersIntent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.AllowMembersIntent = on
}
