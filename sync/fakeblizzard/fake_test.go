package fakeblizzard_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"patt/sync/fakeblizzard"
)

// The token endpoint is as strict as Battle.net's: POST, HTTP Basic client
// credentials, grant_type=client_credentials, OAuth error bodies.
func TestTokenEndpoint(t *testing.T) {
	f := fakeblizzard.New("id", "secret")
	defer f.Close()
	post := func(auth, grant string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, f.TokenURL(), strings.NewReader(url.Values{"grant_type": {grant}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		return resp.StatusCode, body
	}
	code, body := post(fakeblizzard.BasicAuth("id", "secret"), "client_credentials")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "bearer", body["token_type"])
	require.NotEmpty(t, body["access_token"])
	require.EqualValues(t, 86400, body["expires_in"])

	code, body = post(fakeblizzard.BasicAuth("id", "nope"), "client_credentials")
	require.Equal(t, http.StatusUnauthorized, code)
	require.Equal(t, "invalid_client", body["error"])
	code, _ = post("", "client_credentials")
	require.Equal(t, http.StatusUnauthorized, code)
	code, body = post(fakeblizzard.BasicAuth("id", "secret"), "password")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "unsupported_grant_type", body["error"])

	resp, err := http.Get(f.TokenURL())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// Blizzard's 404 body, uppercase slugs refused, 429 with Retry-After.
func TestAPIErrorsLookLikeBlizzards(t *testing.T) {
	f := fakeblizzard.New("id", "secret")
	defer f.Close()
	f.AddGuild(fakeblizzard.Generate(3, 1))
	req, _ := http.NewRequest(http.MethodPost, f.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", fakeblizzard.BasicAuth("id", "secret"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	get := func(path string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, f.URL+path+"?namespace=profile-us&locale=en_US", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp, body
	}
	resp, body := get("/data/wow/guild/Senjin/pull-all-the-things/roster")
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "slugs must be lowercase")
	require.Equal(t, map[string]any{"code": 404.0, "type": "BLZWEBAPI00000404", "detail": "Not Found"}, body)

	f.Inject(fakeblizzard.Fault{Match: "/roster", Status: http.StatusTooManyRequests, RetryAfter: "2", Count: 1})
	resp, body = get("/data/wow/guild/senjin/pull-all-the-things/roster")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, "2", resp.Header.Get("Retry-After"))
	require.EqualValues(t, 429, body["code"])

	resp, body = get("/data/wow/guild/senjin/pull-all-the-things/roster")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, body["members"], 3)

}
