// Package fakebattlenet is a local Battle.net for tests of the sign-in
// that proves character ownership: the OAuth authorize endpoint (as the
// member's browser sees it, for the account signed in with SignIn), the
// token endpoint (authorization_code grant, client in Basic auth, codes
// single-use, bound to their redirect_uri, valid five minutes) and the
// profile API's /profile/user/wow (Bearer token with scope wow.profile,
// namespace required). It refuses what Battle.net refuses, with its error
// shapes, and counts what it was asked.
package fakebattlenet

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Character is one character of the signed-in account.
type Character struct {
	Name, RealmSlug string
	Level           int
}

type grant struct {
	redirect, scope string
	account         []Character
	issued          time.Time
}

// Server is the fake.
type Server struct {
	URL                    string
	ClientID, ClientSecret string
	// RedirectURIs are the redirect URIs registered for the application;
	// any other is refused as Battle.net does.
	RedirectURIs []string

	mu      sync.Mutex
	account []Character // the account signed in at Battle.net, nil: nobody
	codes   map[string]*grant
	tokens  map[string]*grant
	srv     *httptest.Server
	// Exchanges counts token requests; Refused the refused ones.
	Exchanges, Refused int
}

// New starts a fake for one application.
func New(clientID, clientSecret string) *Server {
	s := &Server{ClientID: clientID, ClientSecret: clientSecret, codes: map[string]*grant{}, tokens: map[string]*grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", s.authorize)
	mux.HandleFunc("/token", s.token)
	mux.HandleFunc("/profile/user/wow", s.profile)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// SignIn makes the browser signed in at Battle.net as an account with
// these characters.
func (s *Server) SignIn(chars ...Character) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account = append([]Character{}, chars...)
}

func random() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	s.mu.Lock()
	defer s.mu.Unlock()
	registered := false
	for _, u := range s.RedirectURIs {
		registered = registered || u == redirect
	}
	if q.Get("client_id") != s.ClientID || !registered {
		// Battle.net shows an error page; it never redirects to an
		// unregistered URI.
		http.Error(w, "invalid_request: unknown client or redirect_uri", http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(redirect)
	v := back.Query()
	v.Set("state", q.Get("state"))
	switch {
	case q.Get("response_type") != "code":
		v.Set("error", "unsupported_response_type")
	case !hasScope(q.Get("scope"), "wow.profile"):
		v.Set("error", "invalid_scope")
	case s.account == nil:
		v.Set("error", "access_denied")
	default:
		code := random()
		s.codes[code] = &grant{redirect: redirect, scope: q.Get("scope"), account: s.account, issued: time.Now()}
		v.Set("code", code)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func hasScope(list, want string) bool {
	for _, s := range strings.Fields(list) {
		if s == want {
			return true
		}
	}
	return false
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Exchanges++
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || !ok || id != s.ClientID || secret != s.ClientSecret {
		s.Refused++
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Bad client credentials")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "authorization_code" {
		s.Refused++
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")
		return
	}
	code := r.PostForm.Get("code")
	g := s.codes[code]
	delete(s.codes, code) // single use, even when refused
	if g == nil || time.Since(g.issued) > 5*time.Minute || g.redirect != r.PostForm.Get("redirect_uri") {
		s.Refused++
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
		return
	}
	tok := random()
	s.tokens[tok] = g
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 86399, "scope": g.scope, "sub": "12345678"})
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if g == nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if !hasScope(g.scope, "wow.profile") {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if !strings.HasPrefix(r.URL.Query().Get("namespace"), "profile-") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]any{"code": 404, "type": "BLZWEBAPI00000404", "detail": "Not Found"})
		return
	}
	var chars []map[string]any
	for _, c := range g.account {
		chars = append(chars, map[string]any{"name": c.Name, "level": c.Level, "id": len(chars) + 1,
			"realm": map[string]any{"slug": c.RealmSlug, "name": c.RealmSlug}})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": 12345678, "wow_accounts": []any{map[string]any{"id": 1, "characters": chars}}})
}
