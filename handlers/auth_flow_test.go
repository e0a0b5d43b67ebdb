package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/auth"
	"patt/config"
	"patt/dbtest"
	"patt/models"
)

// seedInvite creates a player (rank level 0 = none) and an open invite for
// them, as an officer would.
func seedInvite(t *testing.T, db *gorm.DB, s *Server, name string, rankLevel int) (models.Player, string) {
	t.Helper()
	p := models.Player{DisplayName: name, IsActive: true, Timezone: "America/New_York"}
	if rankLevel > 0 {
		var r models.GuildRank
		require.NoError(t, db.Where("level = ?", rankLevel).Take(&r).Error)
		p.GuildRankID = &r.ID
	}
	require.NoError(t, db.Create(&p).Error)
	inv, err := auth.CreateInvite(db, p.ID, nil, s.Now(), 0)
	require.NoError(t, err)
	return p, inv.Code
}

// expireInvite moves a code's expiry into the past.
func expireInvite(t *testing.T, db *gorm.DB, code string) {
	t.Helper()
	require.NoError(t, db.Model(&models.InviteCode{}).Where("code = ?", code).
		Update("expires_at", time.Now().UTC().Add(-time.Hour)).Error)
}

type authEnvelope struct {
	OK    bool            `json:"ok"`
	Data  json.RawMessage `json:"data"`
	Error string          `json:"error"`
}

func decodeAuthEnvelope(t *testing.T, body string) authEnvelope {
	t.Helper()
	var e authEnvelope
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	return e
}

func tokenFromBody(t *testing.T, body string) string {
	t.Helper()
	e := decodeAuthEnvelope(t, body)
	require.True(t, e.OK, body)
	var d struct{ Token string }
	require.NoError(t, json.Unmarshal(e.Data, &d))
	require.NotEmpty(t, d.Token)
	return d.Token
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	return nil
}

// Spec identity §10.4: register → login → /me through the JSON API.
func TestAPIRegisterLoginMe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, code := seedInvite(t, db, s, "test_reg_user", 3)

		resp, body := apiCall(t, app, "", "POST", "/api/v1/auth/register",
			`{"code":" `+strings.ToLower(code)+`","discord_username":"Test_Reg_User","password":"securepw1"}`)
		require.Equal(t, 200, resp.StatusCode, body)
		regTok := tokenFromBody(t, body)
		require.Nil(t, sessionCookie(resp), "the API returns the token in the body, no cookie")

		resp, body = apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"test_reg_user","password":"securepw1"}`)
		require.Equal(t, 200, resp.StatusCode, body)
		tok := tokenFromBody(t, body)

		for _, tk := range []string{regTok, tok} {
			resp, body = apiCall(t, app, tk, "GET", "/api/v1/auth/me", "")
			require.Equal(t, 200, resp.StatusCode, body)
			var me struct {
				OK   bool
				Data MeData
			}
			require.NoError(t, json.Unmarshal([]byte(body), &me))
			require.Equal(t, "test_reg_user", me.Data.DisplayName)
			require.NotNil(t, me.Data.Rank)
			require.Equal(t, 3, me.Data.Rank.Level, "a registered Veteran")
		}

		// Reusing the code just consumed.
		resp, body = apiCall(t, app, "", "POST", "/api/v1/auth/register", `{"code":"`+code+`","discord_username":"other","password":"securepw1"}`)
		require.Equal(t, 400, resp.StatusCode)
		require.JSONEq(t, `{"ok":false,"error":"Invalid, expired, or already-used invite code."}`, body)
	})
}

func TestAPIMeShape(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		p, u := seedMember(t, db, "Trog", 4)
		du := models.DiscordUser{DiscordID: "1234", Username: "trogdiscord", IsPresent: true}
		require.NoError(t, db.Create(&du).Error)
		require.NoError(t, db.Model(&p).Update("discord_user_id", du.ID).Error)
		removed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		for _, ch := range []models.Character{
			{Name: "Zed", RealmSlug: "senjin"},
			{Name: "Alpha", RealmSlug: "area-52", RemovedAt: &removed},
		} {
			require.NoError(t, db.Create(&ch).Error)
			require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: ch.ID}).Error)
		}
		var rank models.GuildRank
		require.NoError(t, db.Where("level = 4").Take(&rank).Error)
		var chars []models.Character
		require.NoError(t, db.Order("character_name").Find(&chars).Error)

		resp, body := apiCall(t, app, tokenFor(t, s, u), "GET", "/api/v1/auth/me", "")
		require.Equal(t, 200, resp.StatusCode)
		want := `{"ok":true,"data":{"id":` + strID(p.ID) + `,"display_name":"Trog","discord_username":"trogdiscord",
			"rank":{"id":` + strID(rank.ID) + `,"name":"Officer","level":4},
			"characters":[{"id":` + strID(chars[0].ID) + `,"name":"Alpha","realm":"area-52","removed_at":"2026-01-02T03:04:05Z"},
			              {"id":` + strID(chars[1].ID) + `,"name":"Zed","realm":"senjin","removed_at":null}]}}`
		require.JSONEq(t, want, body)

		// Rankless, no Discord, no characters; the cookie works as well as Bearer.
		q, qu := seedMember(t, db, "Newbie", 0)
		b := newBrowser(t, app).loginAs(s, qu)
		resp, body = b.get("/api/v1/auth/me")
		require.Equal(t, 200, resp.StatusCode)
		require.JSONEq(t, `{"ok":true,"data":{"id":`+strID(q.ID)+`,"display_name":"Newbie","discord_username":null,"rank":null,"characters":[]}}`, body)

		for _, tk := range []string{"", "not.a.real.token"} {
			resp, body = apiCall(t, app, tk, "GET", "/api/v1/auth/me", "")
			require.Equal(t, 401, resp.StatusCode)
			require.False(t, decodeAuthEnvelope(t, body).OK)
		}
	})
}

func strID(n int) string { b, _ := json.Marshal(n); return string(b) }

// Spec identity §3.8 (JSON table) with the brief's statuses.
func TestAPIRegisterRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, used := seedInvite(t, db, s, "Used", 0)
		_, err := auth.Register(db, used, "taken", "securepw1", s.Now())
		require.NoError(t, err)
		_, expired := seedInvite(t, db, s, "Late", 0)
		expireInvite(t, db, expired)
		registered, _ := seedMember(t, db, "Registered", 2)
		inv, err := auth.CreateInvite(db, registered.ID, nil, s.Now(), 0)
		require.NoError(t, err)
		require.NoError(t, db.Create(&models.InviteCode{Code: "NPLAYERX", CreatedAt: s.Now()}).Error)
		_, fresh := seedInvite(t, db, s, "Fresh", 0)

		for _, tc := range []struct {
			name, body string
			status     int
			msg        string
		}{
			{"unknown", `{"code":"ZZZZZZZZ","discord_username":"a","password":"securepw1"}`, 400, "Invalid, expired, or already-used invite code."},
			{"used", `{"code":"` + used + `","discord_username":"a","password":"securepw1"}`, 400, "Invalid, expired, or already-used invite code."},
			{"expired", `{"code":"` + expired + `","discord_username":"a","password":"securepw1"}`, 400, "Invalid, expired, or already-used invite code."},
			{"no player", `{"code":"NPLAYERX","discord_username":"a","password":"securepw1"}`, 400, "Invite code is not tied to a valid player."},
			{"registered", `{"code":"` + inv.Code + `","discord_username":"a","password":"securepw1"}`, 409, "This player is already registered."},
			{"taken", `{"code":"` + fresh + `","discord_username":" TAKEN ","password":"securepw1"}`, 409, "An account with this Discord username already exists."},
			{"short", `{"code":"` + fresh + `","discord_username":"a","password":"short"}`, 422, "Password must be at least 8 characters."},
			{"long", `{"code":"` + fresh + `","discord_username":"a","password":"` + strings.Repeat("x", 73) + `"}`, 422, "Password must be at most 72 bytes."},
			{"no username", `{"code":"` + fresh + `","password":"securepw1"}`, 400, "discord_username is required."},
			{"malformed", `{"code":`, 400, "Malformed JSON body."},
		} {
			resp, body := apiCall(t, app, "", "POST", "/api/v1/auth/register", tc.body)
			require.Equal(t, tc.status, resp.StatusCode, tc.name+": "+body)
			require.JSONEq(t, `{"ok":false,"error":`+string(jsonString(tc.msg))+`}`, body, tc.name)
		}
	})
}

func jsonString(s string) []byte { b, _ := json.Marshal(s); return b }

// Spec identity §3.9 (JSON table) and §11.6: inactive only after a correct password.
func TestAPILoginRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		_, u := seedMember(t, db, "Trog", 2)
		_, off := seedMember(t, db, "Gone", 2)
		require.NoError(t, auth.Deactivate(db, off.ID))
		seedInvitedOnly := models.Player{DisplayName: "NoAccount", IsActive: true, Timezone: "America/New_York"}
		require.NoError(t, db.Create(&seedInvitedOnly).Error)
		hash, _ := auth.HashPassword("correct-horse-1")
		loner := "loner"
		require.NoError(t, db.Create(&models.User{Email: &loner, PasswordHash: hash, IsActive: true}).Error)
		_ = u

		for _, tc := range []struct {
			user, pw string
			status   int
			msg      string
		}{
			{"trog", "correct-horse-1", 200, ""},
			{" TROG", "correct-horse-1", 200, ""},
			{"trog", "wrongpass", 401, "Invalid credentials."},
			{"noaccount", "correct-horse-1", 401, "Invalid credentials."},
			{"nobody", "whatever1", 401, "Invalid credentials."},
			{"gone", "wrongpass", 401, "Invalid credentials."},
			{"gone", "correct-horse-1", 403, "Account is inactive."},
			{"loner", "correct-horse-1", 401, "No player account linked."},
		} {
			resp, body := apiCall(t, app, "", "POST", "/api/v1/auth/login",
				`{"discord_username":`+string(jsonString(tc.user))+`,"password":"`+tc.pw+`"}`)
			require.Equal(t, tc.status, resp.StatusCode, tc.user+"/"+tc.pw+": "+body)
			if tc.msg != "" {
				require.JSONEq(t, `{"ok":false,"error":"`+tc.msg+`"}`, body)
			} else {
				tokenFromBody(t, body)
			}
		}
	})
}

func TestLoginAndRegisterPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		resp, body := get(t, app, "/login")
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, body, `name="discord_username"`)
		require.Contains(t, body, `name="password"`)

		resp, body = get(t, app, "/register")
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, body, `name="code"`)
		require.Contains(t, body, `placeholder="e.g. K7MQ3XWP"`, "an 8-character example, not PATT-XXXXX")
		for _, r := range "K7MQ3XWP" {
			require.Contains(t, auth.InviteAlphabet, string(r))
		}

		_, body = get(t, app, "/register?code=%20k7mq3xwp")
		require.Contains(t, body, `value="K7MQ3XWP"`, "prefilled from the invite link")

		_, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)
		for path, want := range map[string]string{
			"/login":                          "/",
			"/login?next=/profile":            "/profile",
			"/login?next=//evil.example/x":    "/",
			"/login?next=/%5Cevil.example":    "/",
			"/login?next=https://x.example/y": "/",
			"/register":                       "/",
			"/register?code=ABC":              "/",
		} {
			resp, _ := b.get(path)
			require.Equal(t, http.StatusFound, resp.StatusCode, path)
			require.Equal(t, want, resp.Header.Get("Location"), path)
		}
	})
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "/",
		"/":                 "/",
		"/profile":          "/profile",
		"/vote/3?x=1":       "/vote/3?x=1",
		"//evil.example":    "/",
		"/\\evil":           "/",
		"https://x":         "/",
		"http://evil/x":     "/",
		"javascript:alert1": "/",
		"profile":           "/",
	} {
		require.Equal(t, want, SafeNext(in), in)
	}
}

func TestHTMLLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		_, _ = seedMember(t, db, "Trog", 2)
		_, off := seedMember(t, db, "Gone", 2)
		require.NoError(t, auth.Deactivate(db, off.ID))
		hash, _ := auth.HashPassword("correct-horse-1")
		loner := "loner"
		require.NoError(t, db.Create(&models.User{Email: &loner, PasswordHash: hash, IsActive: true}).Error)

		for _, tc := range []struct{ user, pw, msg string }{
			{"nobody", "wrongpass", "Invalid username or password."},
			{"trog", "wrongpass", "Invalid username or password."},
			{"gone", "wrongpass", "Invalid username or password."},
			{"gone", "correct-horse-1", "Account is inactive. Contact an officer."},
			{"loner", "correct-horse-1", "No player account linked to this login."},
		} {
			b := newBrowser(t, app)
			b.get("/login")
			resp, body := b.postForm("/login", url.Values{"discord_username": {tc.user}, "password": {tc.pw}})
			require.Equal(t, 400, resp.StatusCode, tc.user)
			require.Contains(t, body, tc.msg, tc.user)
			require.Contains(t, body, `value="`+tc.user+`"`, "the typed username is kept")
			require.Nil(t, sessionCookie(resp))
		}

		// Success: cookie set, off to the checked next page.
		for next, want := range map[string]string{"": "/", "/profile": "/profile", "//evil.example": "/", "/\\evil": "/", "https://x": "/"} {
			b := newBrowser(t, app)
			b.get("/login")
			resp, _ := b.postForm("/login?next="+url.QueryEscape(next), url.Values{"discord_username": {"Trog "}, "password": {"correct-horse-1"}})
			require.Equal(t, http.StatusFound, resp.StatusCode)
			require.Equal(t, want, resp.Header.Get("Location"), next)
			require.NotNil(t, sessionCookie(resp))
			_, body := b.get("/")
			require.Contains(t, body, "nav-user__name\">Trog<", "logged in as Trog")
		}
		// next from the form's hidden field (a fresh app: this address
		// has used up its ten logins a minute).
		app, _ = testApp(t, db)
		b := newBrowser(t, app)
		_, body := b.get("/login?next=/profile")
		require.Contains(t, body, `name="next" value="/profile"`)
		resp, _ := b.postForm("/login", url.Values{"discord_username": {"trog"}, "password": {"correct-horse-1"}, "next": {"/profile"}})
		require.Equal(t, "/profile", resp.Header.Get("Location"))
	})
}

func TestHTMLRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, used := seedInvite(t, db, s, "Used", 0)
		_, err := auth.Register(db, used, "taken", "securepw1", s.Now())
		require.NoError(t, err)
		_, expired := seedInvite(t, db, s, "Late", 0)
		expireInvite(t, db, expired)
		registered, _ := seedMember(t, db, "Registered", 2)
		again, err := auth.CreateInvite(db, registered.ID, nil, s.Now(), 0)
		require.NoError(t, err)
		require.NoError(t, db.Create(&models.InviteCode{Code: "NPLAYERX", CreatedAt: s.Now()}).Error)
		p, fresh := seedInvite(t, db, s, "Fresh", 0)

		for _, tc := range []struct{ name, code, user, pw, pw2, msg string }{
			{"mismatch", fresh, "newbie", "securepw1", "securepw2", "Passwords do not match."},
			{"short", fresh, "newbie", "short", "short", "Password must be at least 8 characters."},
			{"long", fresh, "newbie", strings.Repeat("x", 73), strings.Repeat("x", 73), "Password must be at most 72 bytes."},
			{"fake", "FAKE-CODE-XXXX", "newbie", "securepw1", "securepw1", "Invalid invite code"},
			{"used", used, "newbie", "securepw1", "securepw1", "Invalid invite code"},
			{"expired", expired, "newbie", "securepw1", "securepw1", "Invalid invite code"},
			{"no player", "NPLAYERX", "newbie", "securepw1", "securepw1", "Invite code is not associated with a player."},
			{"registered", again.Code, "newbie", "securepw1", "securepw1", "This account is already registered."},
			{"taken", fresh, "TAKEN", "securepw1", "securepw1", "An account with this Discord username already exists."},
		} {
			b := newBrowser(t, app)
			b.get("/register")
			resp, body := b.postForm("/register", url.Values{"code": {tc.code}, "discord_username": {tc.user}, "password": {tc.pw}, "password2": {tc.pw2}})
			require.Equal(t, 400, resp.StatusCode, tc.name)
			require.Contains(t, body, tc.msg, tc.name)
			require.Contains(t, body, `value="`+auth.NormalizeInviteCode(tc.code)+`"`, "code kept: "+tc.name)
			require.Contains(t, body, `value="`+tc.user+`"`, "username kept: "+tc.name)
			require.Nil(t, sessionCookie(resp))
		}
		require.True(t, auth.InviteValid(db, fresh, s.Now()))

		b := newBrowser(t, app)
		b.get("/register?code=" + fresh)
		resp, _ := b.postForm("/register", url.Values{"code": {" " + strings.ToLower(fresh)}, "discord_username": {"Newbie"}, "password": {"securepw1"}, "password2": {"securepw1"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/", resp.Header.Get("Location"))
		require.NotNil(t, sessionCookie(resp))
		_, body := b.get("/")
		require.Contains(t, body, p.DisplayName)
		require.False(t, auth.InviteValid(db, fresh, s.Now()))

		// A logged-in browser posting the form registers nothing. (A fresh
		// app: this address has used its ten tries in ten minutes.)
		secret := s.Config.JWTSecret
		app, s = testApp(t, db)
		s.Config.JWTSecret = secret
		b.app = app
		_, another := seedInvite(t, db, s, "Another", 0)
		resp, _ = b.postForm("/register", url.Values{"code": {another}, "discord_username": {"another"}, "password": {"securepw1"}, "password2": {"securepw1"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.True(t, auth.InviteValid(db, another, s.Now()))
	})
}

// Concurrent double registration with one code through the API.
func TestAPIRegisterConcurrentOneCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, code := seedInvite(t, db, s, "Racer", 0)
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, _ := apiCall(t, app, "", "POST", "/api/v1/auth/register",
					`{"code":"`+code+`","discord_username":"racer`+strID(i)+`","password":"securepw1"}`)
				statuses[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		require.ElementsMatch(t, []int{200, 400}, statuses)
	})
}

func TestLogout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)

		resp, body := b.get("/logout")
		require.Equal(t, 200, resp.StatusCode, "GET shows a confirm form and does not log out")
		require.Contains(t, body, `action="/logout"`)
		require.Nil(t, sessionCookie(resp))
		require.Contains(t, b.cookies, SessionCookie)

		req := httptest.NewRequest(http.MethodPost, "/logout", nil)
		resp, _ = b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "no CSRF token")
		require.Contains(t, b.cookies, SessionCookie)

		resp, _ = b.postForm("/logout", nil)
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/?flash=logged-out", resp.Header.Get("Location"))
		c := sessionCookie(resp)
		require.NotNil(t, c)
		require.Empty(t, c.Value)
		require.True(t, c.Expires.Before(time.Now()), "cookie cleared")
		require.NotContains(t, b.cookies, SessionCookie)

		resp, _ = b.get("/logout")
		require.Equal(t, http.StatusFound, resp.StatusCode, "nothing to confirm for a visitor")
	})
}

func TestSessionCookieFlags(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Config.Env = config.Production
		_, _ = seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app)
		b.get("/login")
		resp, _ := b.postForm("/login", url.Values{"discord_username": {"trog"}, "password": {"correct-horse-1"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		var raw string
		for _, h := range resp.Header.Values("Set-Cookie") {
			if strings.HasPrefix(h, SessionCookie+"=") {
				raw = h
			}
		}
		require.NotEmpty(t, raw)
		for _, want := range []string{"HttpOnly", "Secure", "SameSite=Lax", "Max-Age=2592000", "Path=/"} {
			require.Contains(t, strings.ToLower(raw), strings.ToLower(want), raw)
		}
		// The token inside lives exactly as long as the cookie.
		c := sessionCookie(resp)
		claims, err := auth.ParseToken(s.Config.JWTSecret, c.Value, s.Now())
		require.NoError(t, err)
		require.Equal(t, s.Config.SessionTTL, claims.ExpiresAt.Sub(claims.IssuedAt.Time))

		s.Config.Env = config.Development
		b = newBrowser(t, app)
		b.get("/login")
		resp, _ = b.postForm("/login", url.Values{"discord_username": {"trog"}, "password": {"correct-horse-1"}})
		require.False(t, sessionCookie(resp).Secure, "no Secure flag in local development")
	})
}

// Spec identity §10.5: the 11th login within a minute from one address.
func TestLoginRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		for i := 1; i <= 10; i++ {
			resp, _ := apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"nobody`+strID(i)+`","password":"wrongpass"}`)
			require.Equal(t, 401, resp.StatusCode, "attempt %d", i)
		}
		resp, body := apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"nobody","password":"wrongpass"}`)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.JSONEq(t, `{"ok":false,"error":"Too many login attempts. Try again in a minute."}`, body)

		// The form shares the count and answers with the page and an error bar.
		b := newBrowser(t, app)
		b.get("/login")
		resp, body = b.postForm("/login", url.Values{"discord_username": {"trog"}, "password": {"x"}})
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Contains(t, body, "Too many login attempts")
		require.Contains(t, body, `class="flash flash--error"`)
		require.Contains(t, body, `value="trog"`)
	})
}

// Deactivation and password change end open sessions: the old cookie is a
// visitor on pages and 401 on the API.
func TestRevokedSessionsAreAnonymous(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)
		resp, _ := b.get("/profile")
		require.Equal(t, 200, resp.StatusCode)

		require.NoError(t, auth.Deactivate(db, u.ID))
		resp, _ = b.get("/profile")
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/login?next=%2Fprofile", resp.Header.Get("Location"))
		_, body := b.get("/")
		require.NotContains(t, body, "nav-user__name")
		resp, body = b.get("/api/v1/auth/me")
		require.Equal(t, 401, resp.StatusCode)
		require.False(t, decodeAuthEnvelope(t, body).OK)

		// Password change: the other browser is out, this one stays in.
		_, v := seedMember(t, db, "Mito", 2)
		here := newBrowser(t, app).loginAs(s, v)
		there := newBrowser(t, app).loginAs(s, v)
		here.get("/profile")
		resp, _ = here.postForm("/profile/password", url.Values{
			"current_password": {"correct-horse-1"}, "new_password": {"brand-new-pw"}, "confirm_password": {"brand-new-pw"},
		})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/profile?flash=password-changed", resp.Header.Get("Location"))
		require.NotNil(t, sessionCookie(resp), "this browser gets a fresh cookie")

		resp, body = here.get("/profile?flash=password-changed")
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, body, "Password updated successfully")
		resp, _ = there.get("/profile")
		require.Equal(t, http.StatusFound, resp.StatusCode, "the other session is revoked")
		resp, _ = there.get("/api/v1/auth/me")
		require.Equal(t, 401, resp.StatusCode)

		resp, _ = apiCall(t, app, "", "POST", "/api/v1/auth/login", `{"discord_username":"mito","password":"brand-new-pw"}`)
		require.Equal(t, 200, resp.StatusCode)
	})
}
