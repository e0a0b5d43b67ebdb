// Package battlenet proves who owns which characters: a member signs in
// with Battle.net (OAuth 2 authorization code flow, scope wow.profile,
// the same Blizzard application as the roster sync) and the account's
// World of Warcraft characters come back from the profile API. The
// endpoints are configurable so tests use a local fake
// (battlenet/fakebattlenet). It knows nothing of the database: the
// claim itself is onboarding.ClaimBattleNet.
package battlenet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Scope is the one scope asked for: the account's WoW profile.
const Scope = "wow.profile"

// Config is the Blizzard application and where Battle.net answers.
type Config struct {
	ClientID, ClientSecret string
	AuthorizeURL           string // https://oauth.battle.net/authorize
	TokenURL               string // https://oauth.battle.net/token
	APIURL                 string // https://us.api.blizzard.com
	Region                 string // us, eu, …
	HTTPClient             *http.Client
}

// Configured reports whether sign-in can work at all.
func (c Config) Configured() bool { return c.ClientID != "" && c.ClientSecret != "" }

func (c Config) oauth(redirect string) *oauth2.Config {
	auth := c.AuthorizeURL
	if auth == "" {
		auth = "https://oauth.battle.net/authorize"
	}
	tok := c.TokenURL
	if tok == "" {
		tok = "https://oauth.battle.net/token"
	}
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: redirect, Scopes: []string{Scope},
		Endpoint: oauth2.Endpoint{AuthURL: auth, TokenURL: tok, AuthStyle: oauth2.AuthStyleInHeader}}
}

// AuthCodeURL is where the member's browser is sent to sign in; state
// comes back on the redirect and must be checked by the caller.
func (c Config) AuthCodeURL(redirect, state string) string {
	return c.oauth(redirect).AuthCodeURL(state)
}

// Character is one character of the signed-in account.
type Character struct {
	Name      string
	RealmSlug string
	Level     int
}

// ErrRefused is Battle.net refusing the code or the token (expired,
// reused, another application's): the member signs in again.
var ErrRefused = errors.New("Battle.net refused the sign-in; please try again")

// Characters exchanges the authorization code and reads the account's
// characters (every WoW account on the Battle.net account).
func (c Config) Characters(ctx context.Context, redirect, code string) ([]Character, error) {
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	tok, err := c.oauth(redirect).Exchange(ctx, code)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%w (token endpoint: HTTP %d)", ErrRefused, re.Response.StatusCode)
		}
		return nil, fmt.Errorf("battle.net token: %w", err)
	}
	region := c.Region
	if region == "" {
		region = "us"
	}
	api := strings.TrimRight(c.APIURL, "/")
	if api == "" {
		api = "https://" + region + ".api.blizzard.com"
	}
	q := url.Values{"namespace": {"profile-" + region}, "locale": {"en_US"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, api+"/profile/user/wow?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("battle.net profile: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("%w (profile: HTTP %d)", ErrRefused, resp.StatusCode)
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil // a Battle.net account without WoW
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("battle.net profile: HTTP %d", resp.StatusCode)
	}
	var body struct {
		WowAccounts []struct {
			Characters []struct {
				Name  string `json:"name"`
				Level int    `json:"level"`
				Realm struct {
					Slug string `json:"slug"`
				} `json:"realm"`
			} `json:"characters"`
		} `json:"wow_accounts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("battle.net profile: %w", err)
	}
	var out []Character
	for _, a := range body.WowAccounts {
		for _, ch := range a.Characters {
			out = append(out, Character{Name: ch.Name, RealmSlug: ch.Realm.Slug, Level: ch.Level})
		}
	}
	return out, nil
}
