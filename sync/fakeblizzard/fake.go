// Package fakeblizzard is a local Battle.net API for tests: the OAuth token
// endpoint and the World of Warcraft Game Data / Profile endpoints the guild
// sync uses, speaking Blizzard's wire format and as strict as the real
// service (Basic client auth, Bearer tokens, required namespace and locale,
// lowercase slugs, Blizzard's error bodies, 429 with Retry-After,
// Last-Modified / If-Modified-Since). Knobs inject latency, failures, rate
// limits and token expiry. It is test support: nothing in the binary
// imports it.
package fakeblizzard

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Member is one guild member as the fake knows it: the roster entry plus
// the character profile.
type Member struct {
	ID        int64
	Name      string // display case, e.g. "Trogmoon"
	RealmSlug string
	RealmName string
	Level     int
	ClassID   int
	RaceID    int
	Rank      int

	// Profile fields.
	ClassName         string
	Spec              string // "" = no active_spec in the profile
	ItemLevel         int    // equipped_item_level
	AverageItemLevel  int
	AchievementPoints int
	LastLogin         int64 // epoch ms; 0 = absent
	Race, Gender      string
	// NoProfile makes the profile answer 404 (a character Blizzard has not
	// indexed, or one that transferred away since the roster was built).
	NoProfile bool
	// Modified is the profile's Last-Modified; zero means "server start".
	Modified time.Time
}

// Guild is one guild's roster.
type Guild struct {
	ID        int64
	Name      string
	RealmSlug string
	RealmName string
	NameSlug  string
	Members   []*Member
	// Missing makes the roster endpoint answer 404 (a renamed guild, or
	// Blizzard's index not having it).
	Missing bool
}

// Fault is an injected failure for requests whose path contains Match.
type Fault struct {
	Match      string
	Status     int
	RetryAfter string // header value for 429/503, e.g. "1"
	Count      int    // how many requests it affects; <0 = every one
}

// Server is the fake. Configure it before or between requests; every method
// is safe for concurrent use.
type Server struct {
	*httptest.Server

	ClientID, ClientSecret string
	Region                 string // "us": the namespace suffix it requires

	mu        sync.Mutex
	guilds    map[string]*Guild    // "realm/guild"
	profiles  map[string]*Member   // "realm/lowername"
	tokens    map[string]time.Time // access token → expiry
	faults    []*Fault
	latency   time.Duration
	gate      chan struct{}
	tokenTTL  time.Duration
	perSecond int // 0 = unlimited
	window    time.Time
	inWindow  int
	started   time.Time

	// Counters.
	TokenRequests   atomic.Int64
	APIRequests     atomic.Int64
	Throttled       atomic.Int64
	NotModified     atomic.Int64
	MissingParams   atomic.Int64 // requests refused for a missing namespace or locale
	Unauthenticated atomic.Int64 // requests refused for a missing or bad token
}

// New starts a fake for the US region with the given client credentials.
func New(clientID, clientSecret string) *Server {
	s := &Server{
		ClientID: clientID, ClientSecret: clientSecret, Region: "us",
		guilds: map[string]*Guild{}, profiles: map[string]*Member{},
		tokens: map[string]time.Time{}, tokenTTL: 24 * time.Hour,
		started: time.Now().UTC().Truncate(time.Second),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", s.token)
	mux.HandleFunc("/oauth/token", s.token)
	mux.HandleFunc("/data/wow/guild/{realm}/{guild}/roster", s.api(s.roster))
	mux.HandleFunc("/profile/wow/character/{realm}/{name}", s.api(s.profile))
	mux.HandleFunc("/profile/wow/character/{realm}/{name}/equipment", s.api(s.equipment))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w) })
	s.Server = httptest.NewServer(mux)
	return s
}

// TokenURL is the address of the token endpoint (PATT_BLIZZARD_OAUTH_URL).
func (s *Server) TokenURL() string { return s.URL + "/token" }

// AddGuild stores a guild and its members' profiles.
func (s *Server) AddGuild(g *Guild) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guilds[g.RealmSlug+"/"+g.NameSlug] = g
	s.reindex()
}

// SetMembers replaces a guild's roster (members joining, leaving, renaming).
func (s *Server) SetMembers(realmSlug, guildSlug string, members []*Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.SetMembersLocked(realmSlug, guildSlug, members)
}

// Update changes guild data under the lock.
func (s *Server) Update(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

// SetLatency delays every API and token answer.
func (s *Server) SetLatency(d time.Duration) { s.mu.Lock(); s.latency = d; s.mu.Unlock() }

// SetTokenTTL sets expires_in of tokens issued from now on.
func (s *Server) SetTokenTTL(d time.Duration) { s.mu.Lock(); s.tokenTTL = d; s.mu.Unlock() }

// SetRateLimit answers 429 beyond n API requests per wall-clock second
// (Blizzard's per-client limit is 100/s); 0 turns it off.
func (s *Server) SetRateLimit(n int) { s.mu.Lock(); s.perSecond = n; s.mu.Unlock() }

// RevokeTokens invalidates every issued token, as an expiry would.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	s.tokens = map[string]time.Time{}
	s.mu.Unlock()
}

// Hold makes API requests wait until Release, so a test can look at a sync
// while it is in flight.
func (s *Server) Hold() { s.mu.Lock(); s.gate = make(chan struct{}); s.mu.Unlock() }

// Release lets held and later requests through.
func (s *Server) Release() {
	s.mu.Lock()
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
	s.mu.Unlock()
}

// Inject adds a failure.
func (s *Server) Inject(f Fault) { s.mu.Lock(); s.faults = append(s.faults, &f); s.mu.Unlock() }

// ClearFaults removes every injected failure.
func (s *Server) ClearFaults() { s.mu.Lock(); s.faults = nil; s.mu.Unlock() }

func (s *Server) sleep() {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
}

// token is POST /token: client credentials with HTTP Basic client auth.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.TokenRequests.Add(1)
	s.sleep()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.ClientID || secret != s.ClientSecret || s.ClientID == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2/client"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Bad client credentials"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "Unsupported grant type"})
		return
	}
	s.mu.Lock()
	ttl := s.tokenTTL
	tok := randomToken()
	s.tokens[tok] = time.Now().Add(ttl)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer",
		"expires_in": int(ttl / time.Second), "sub": s.ClientID,
	})
}

func randomToken() string {
	b := make([]byte, 17)
	_, _ = rand.Read(b)
	return "US" + strings.ToUpper(hex.EncodeToString(b))
}

// api wraps a resource handler with what every Blizzard API request goes
// through: latency, injected faults, the rate limit, the bearer token and the
// namespace/locale query parameters.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.APIRequests.Add(1)
		s.mu.Lock()
		gate := s.gate
		s.mu.Unlock()
		if gate != nil {
			<-gate
		}
		s.sleep()
		if f := s.fault(r.URL.Path); f != nil {
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			writeJSON(w, f.Status, blizzError(f.Status))
			return
		}
		if s.throttle() {
			s.Throttled.Add(1)
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, blizzError(http.StatusTooManyRequests))
			return
		}
		if !s.authorised(r) {
			s.Unauthenticated.Add(1)
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			writeJSON(w, http.StatusUnauthorized, blizzError(http.StatusUnauthorized))
			return
		}
		q := r.URL.Query()
		// Blizzard answers a request without (or with the wrong) namespace
		// with a plain 404, which is why clients must always send it.
		if q.Get("namespace") != s.namespaceFor(r.URL.Path) {
			s.MissingParams.Add(1)
			notFound(w)
			return
		}
		// The real API falls back to every locale when none is given; the
		// fake refuses instead, so a client that forgets it is caught.
		if q.Get("locale") == "" {
			s.MissingParams.Add(1)
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "type": "BLZWEBAPI00000400", "detail": "Missing locale"})
			return
		}
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, blizzError(http.StatusMethodNotAllowed))
			return
		}
		h(w, r)
	}
}

func (s *Server) namespaceFor(path string) string {
	if strings.HasPrefix(path, "/profile/") || strings.Contains(path, "/guild/") {
		return "profile-" + s.Region
	}
	return "dynamic-" + s.Region
}

func (s *Server) fault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Count != 0 && strings.Contains(path, f.Match) {
			if f.Count > 0 {
				f.Count--
			}
			return f
		}
	}
	return nil
}

func (s *Server) throttle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perSecond <= 0 {
		return false
	}
	now := time.Now().Truncate(time.Second)
	if !now.Equal(s.window) {
		s.window, s.inWindow = now, 0
	}
	s.inWindow++
	return s.inWindow > s.perSecond
}

func (s *Server) authorised(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && time.Now().Before(exp)
}

// lowercase reports whether a path segment is a valid slug or name as
// Blizzard wants it: lowercase (Blizzard 404s on "Senjin" or "Trogmoon").
func lowercase(s string) bool { return s != "" && strings.ToLower(s) == s }

func (s *Server) roster(w http.ResponseWriter, r *http.Request) {
	realm, guild := r.PathValue("realm"), r.PathValue("guild")
	if !lowercase(realm) || !lowercase(guild) {
		notFound(w)
		return
	}
	s.mu.Lock()
	g, ok := s.guilds[realm+"/"+guild]
	var body map[string]any
	if ok && !g.Missing {
		body = s.rosterJSON(r, g)
	}
	s.mu.Unlock()
	if body == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) href(r *http.Request, path, ns string) map[string]any {
	return map[string]any{"href": s.URL + path + "?namespace=" + ns}
}

func (s *Server) rosterJSON(r *http.Request, g *Guild) map[string]any {
	profileNS, staticNS, dynamicNS := "profile-"+s.Region, "static-"+s.Region, "dynamic-"+s.Region
	members := make([]map[string]any, 0, len(g.Members))
	for _, m := range g.Members {
		members = append(members, map[string]any{
			"character": map[string]any{
				"key":   s.href(r, "/profile/wow/character/"+m.RealmSlug+"/"+strings.ToLower(m.Name), profileNS),
				"name":  m.Name,
				"id":    m.ID,
				"realm": map[string]any{"key": s.href(r, "/data/wow/realm/1", dynamicNS), "id": 1, "slug": m.RealmSlug},
				"level": m.Level,
				"playable_class": map[string]any{
					"key": s.href(r, "/data/wow/playable-class/"+strconv.Itoa(m.ClassID), staticNS), "id": m.ClassID,
				},
				"playable_race": map[string]any{
					"key": s.href(r, "/data/wow/playable-race/"+strconv.Itoa(m.RaceID), staticNS), "id": m.RaceID,
				},
			},
			"rank": m.Rank,
		})
	}
	return map[string]any{
		"_links": map[string]any{"self": s.href(r, r.URL.Path, profileNS)},
		"guild": map[string]any{
			"key":     s.href(r, "/data/wow/guild/"+g.RealmSlug+"/"+g.NameSlug, profileNS),
			"name":    g.Name,
			"id":      g.ID,
			"realm":   map[string]any{"key": s.href(r, "/data/wow/realm/1", dynamicNS), "name": g.RealmName, "id": 1, "slug": g.RealmSlug},
			"faction": map[string]any{"type": "HORDE", "name": "Horde"},
		},
		"members": members,
	}
}

// member finds the profile for /profile/wow/character/{realm}/{name}.
// Go has already percent-decoded the path, so "zata%C3%B1%C3%B1a" arrives as
// "zatañña"; Blizzard only knows the lowercase form.
func (s *Server) member(r *http.Request) (Member, bool) {
	realm, name := r.PathValue("realm"), r.PathValue("name")
	if !lowercase(realm) || !lowercase(name) {
		return Member{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.profiles[realm+"/"+name]
	if !ok || m.NoProfile {
		return Member{}, false
	}
	return *m, true
}

// notModified answers 304 when the client's copy is current.
func (s *Server) notModified(w http.ResponseWriter, r *http.Request, m Member) bool {
	mod := m.Modified
	if mod.IsZero() {
		mod = s.started
	}
	w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !mod.Truncate(time.Second).After(t) {
			s.NotModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	m, ok := s.member(r)
	if !ok {
		notFound(w)
		return
	}
	if s.notModified(w, r, m) {
		return
	}
	staticNS, dynamicNS := "static-"+s.Region, "dynamic-"+s.Region
	body := map[string]any{
		"_links":     map[string]any{"self": s.href(r, r.URL.Path, "profile-"+s.Region)},
		"id":         m.ID,
		"name":       m.Name,
		"faction":    map[string]any{"type": "HORDE", "name": "Horde"},
		"realm":      map[string]any{"key": s.href(r, "/data/wow/realm/1", dynamicNS), "name": m.RealmName, "id": 1, "slug": m.RealmSlug},
		"level":      m.Level,
		"experience": 0,
		"character_class": map[string]any{
			"key": s.href(r, "/data/wow/playable-class/"+strconv.Itoa(m.ClassID), staticNS), "name": m.ClassName, "id": m.ClassID,
		},
		"achievement_points":  m.AchievementPoints,
		"average_item_level":  m.AverageItemLevel,
		"equipped_item_level": m.ItemLevel,
	}
	if m.Spec != "" {
		body["active_spec"] = map[string]any{"key": s.href(r, "/data/wow/playable-specialization/1", staticNS), "name": m.Spec, "id": 1}
	}
	if m.LastLogin != 0 {
		body["last_login_timestamp"] = m.LastLogin
	}
	if m.Race != "" {
		body["race"] = map[string]any{"key": s.href(r, "/data/wow/playable-race/"+strconv.Itoa(m.RaceID), staticNS), "name": m.Race, "id": m.RaceID}
	}
	if m.Gender != "" {
		body["gender"] = map[string]any{"type": strings.ToUpper(m.Gender), "name": m.Gender}
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) equipment(w http.ResponseWriter, r *http.Request) {
	m, ok := s.member(r)
	if !ok {
		notFound(w)
		return
	}
	if s.notModified(w, r, m) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"character":           map[string]any{"name": m.Name, "id": m.ID, "realm": map[string]any{"slug": m.RealmSlug, "name": m.RealmName}},
		"equipped_items":      []any{},
		"equipped_item_level": m.ItemLevel,
	})
}

// blizzError is the body Blizzard's API gateway sends with an error status.
func blizzError(status int) map[string]any {
	return map[string]any{
		"code":   status,
		"type":   fmt.Sprintf("BLZWEBAPI%08d", status),
		"detail": http.StatusText(status),
	}
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, blizzError(http.StatusNotFound))
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// BasicAuth is the Authorization header value for client credentials, for
// tests that call the token endpoint by hand.
func BasicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// Guild returns a stored guild for changes inside Update.
func (s *Server) Guild(realmSlug, guildSlug string) *Guild { return s.guilds[realmSlug+"/"+guildSlug] }

// SetMembersLocked is SetMembers for use inside Update.
func (s *Server) SetMembersLocked(realmSlug, guildSlug string, members []*Member) {
	s.guilds[realmSlug+"/"+guildSlug].Members = members
	s.reindex()
}

func (s *Server) reindex() {
	s.profiles = map[string]*Member{}
	for _, g := range s.guilds {
		for _, m := range g.Members {
			s.profiles[m.RealmSlug+"/"+strings.ToLower(m.Name)] = m
		}
	}
}
