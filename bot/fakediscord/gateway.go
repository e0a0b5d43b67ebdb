package fakediscord

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// session is a gateway session: what RESUME needs to replay.
type session struct {
	id     string
	seq    int64
	sent   []payload // dispatches with their sequence, for replay
	intent int
}

type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

type gwConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex
	sess *session
}

func (c *gwConn) write(p payload) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(p)
}

func (s *Server) wsURL() string {
	return "ws" + strings.TrimPrefix(s.rest.URL, "http") + "/gateway-ws"
}

func (s *Server) event(e string) {
	s.events = append(s.events, e)
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// serveGateway runs one gateway connection: HELLO, then IDENTIFY (→ READY
// and GUILD_CREATE) or RESUME (→ replay and RESUMED, or op 9 when the
// session is unknown), heartbeats (→ op 11), REQUEST_GUILD_MEMBERS (op 8 →
// GUILD_MEMBERS_CHUNK).
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("v") != "10" || r.URL.Query().Get("encoding") != "json" {
		http.Error(w, "bad gateway version or encoding", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	refuse := s.refuseGateway > 0
	if refuse {
		s.refuseGateway--
		s.event("refuse gateway")
	}
	s.mu.Unlock()
	if refuse {
		http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	ws, err := s.wsUp.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	s.conns[c] = true
	hb := s.HeartbeatInterval
	s.event("send HELLO")
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		ws.Close()
	}()
	if c.write(payload{Op: 10, D: raw(map[string]any{"heartbeat_interval": hb.Milliseconds()})}) != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p payload
		if json.Unmarshal(data, &p) != nil {
			s.closeWith(c, 4002, "Error while decoding payload.")
			return
		}
		switch p.Op {
		case 1:
			s.mu.Lock()
			s.event("recv HEARTBEAT")
			s.mu.Unlock()
			c.write(payload{Op: 11})
		case 2:
			if !s.identify(c, p.D) {
				return
			}
		case 6:
			if !s.resume(c, p.D) {
				return
			}
		case 8:
			s.chunk(c, p.D)
		default:
			s.closeWith(c, 4001, "Unknown opcode.")
			return
		}
	}
}

func (s *Server) closeWith(c *gwConn, code int, text string) {
	s.mu.Lock()
	s.event("close " + strconv.Itoa(code))
	s.mu.Unlock()
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
}

func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	var in struct {
		Token   string `json:"token"`
		Intents *int   `json:"intents"`
	}
	json.Unmarshal(d, &in)
	s.mu.Lock()
	s.event("recv IDENTIFY")
	token, allow := s.Token, s.AllowMembersIntent
	s.mu.Unlock()
	if strings.TrimPrefix(in.Token, "Bot ") != token {
		s.closeWith(c, 4004, "Authentication failed.")
		return false
	}
	if in.Intents == nil || *in.Intents < 0 || *in.Intents >= 1<<26 {
		s.closeWith(c, 4013, "Invalid intent(s).")
		return false
	}
	if *in.Intents&IntentGuildMembers != 0 && !allow {
		s.closeWith(c, 4014, "Disallowed intent(s).")
		return false
	}
	s.mu.Lock()
	sess := &session{id: s.id(), intent: *in.Intents}
	s.sessions[sess.id] = sess
	c.sess = sess
	ready := map[string]any{
		"v": 10, "user": s.Bot, "session_id": sess.id, "resume_gateway_url": s.wsURL(),
		"guilds":      []map[string]any{{"id": s.GuildID, "unavailable": true}},
		"application": map[string]any{"id": s.Bot.ID, "flags": 0},
	}
	guild := s.guildJSON(true)
	s.mu.Unlock()
	if s.dispatchTo(c, "READY", ready) != nil {
		return false
	}
	select {
	case s.connected <- struct{}{}:
	default:
	}
	if *in.Intents&IntentGuilds != 0 {
		s.dispatchTo(c, "GUILD_CREATE", guild)
	}
	return true
}

func (s *Server) resume(c *gwConn, d json.RawMessage) bool {
	var in struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	json.Unmarshal(d, &in)
	s.mu.Lock()
	s.event("recv RESUME")
	sess := s.sessions[in.SessionID]
	token := s.Token
	s.mu.Unlock()
	if strings.TrimPrefix(in.Token, "Bot ") != token {
		s.closeWith(c, 4004, "Authentication failed.")
		return false
	}
	if sess == nil {
		s.mu.Lock()
		s.event("send INVALID_SESSION")
		s.mu.Unlock()
		return c.write(payload{Op: 9, D: raw(false)}) == nil
	}
	s.mu.Lock()
	c.sess = sess
	var replay []payload
	for _, p := range sess.sent {
		if *p.S > in.Seq {
			replay = append(replay, p)
		}
	}
	s.mu.Unlock()
	for _, p := range replay {
		if c.write(p) != nil {
			return false
		}
	}
	if s.dispatchTo(c, "RESUMED", map[string]any{}) != nil {
		return false
	}
	select {
	case s.connected <- struct{}{}:
	default:
	}
	return true
}

func (s *Server) chunk(c *gwConn, d json.RawMessage) {
	// discordgo sends guild_id as an array; Discord takes one id.
	var in struct {
		Nonce string `json:"nonce"`
	}
	json.Unmarshal(d, &in)
	s.mu.Lock()
	s.event("recv REQUEST_GUILD_MEMBERS")
	members := []any{}
	for _, id := range s.order {
		members = append(members, s.memberJSON(s.members[id]))
	}
	s.mu.Unlock()
	s.dispatchTo(c, "GUILD_MEMBERS_CHUNK", map[string]any{"guild_id": s.GuildID, "members": members,
		"chunk_index": 0, "chunk_count": 1, "nonce": in.Nonce})
}

// dispatchTo sends one dispatch (op 0) on a connection with the session's
// next sequence number.
func (s *Server) dispatchTo(c *gwConn, t string, d any) error {
	s.mu.Lock()
	if c.sess == nil {
		s.mu.Unlock()
		return nil
	}
	c.sess.seq++
	seq := c.sess.seq
	p := payload{Op: 0, D: raw(d), S: &seq, T: &t}
	c.sess.sent = append(c.sess.sent, p)
	s.event("send " + t)
	s.mu.Unlock()
	return c.write(p)
}

// Dispatch sends an event to every identified connection whose intents
// include the event's intent (member events need GUILD_MEMBERS).
func (s *Server) Dispatch(t string, d any) {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.conns {
		if c.sess == nil {
			continue
		}
		if strings.HasPrefix(t, "GUILD_MEMBER") && c.sess.intent&IntentGuildMembers == 0 {
			continue
		}
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		s.dispatchTo(c, t, d)
	}
}

// DropConnections closes every gateway socket abruptly (no close frame),
// as a network failure would; sessions stay resumable.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.event("drop connections")
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.UnderlyingConn().Close()
	}
}

// ForgetSessions makes every later RESUME fail with op 9 (the client must
// IDENTIFY again), as after a long outage.
func (s *Server) ForgetSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]*session{}
}

// Connections is the number of identified gateway connections.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if c.sess != nil {
			n++
		}
	}
	return n
}

func readAll(r *http.Request) ([]byte, error) { return io.ReadAll(io.LimitReader(r.Body, 1<<20)) }

func urlUnescape(s string) (string, error) { return url.PathUnescape(s) }

func sortSnowflakes(ids []string) {
	sort.Slice(ids, func(i, j int) bool {
		a, _ := strconv.ParseUint(ids[i], 10, 64)
		b, _ := strconv.ParseUint(ids[j], 10, 64)
		return a < b
	})
}

// RefuseGateway makes the next n gateway connections fail (503 before the
// websocket upgrade), as during a Discord outage.
func (s *Server) RefuseGateway(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseGateway = n
}
