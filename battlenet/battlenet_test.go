package battlenet_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"patt/battlenet"
	"patt/battlenet/fakebattlenet"
)

// code signs in at the fake as a browser would and returns the code.
func code(t *testing.T, cfg battlenet.Config, redirect string) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(cfg.AuthCodeURL(redirect, "st"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	u, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "st", u.Query().Get("state"))
	return u.Query().Get("code")
}

func TestSignInListsCharactersAndCodesAreSingleUse(t *testing.T) {
	fake := fakebattlenet.New("id", "secret")
	defer fake.Close()
	redirect := "https://patt.example/profile/battlenet/callback"
	fake.RedirectURIs = []string{redirect}
	fake.SignIn(fakebattlenet.Character{Name: "Trogmoon", RealmSlug: "senjin", Level: 80})
	cfg := battlenet.Config{ClientID: "id", ClientSecret: "secret", AuthorizeURL: fake.URL + "/authorize", TokenURL: fake.URL + "/token", APIURL: fake.URL, Region: "us"}
	ctx := context.Background()

	c := code(t, cfg, redirect)
	chars, err := cfg.Characters(ctx, redirect, c)
	require.NoError(t, err)
	assert.Equal(t, []battlenet.Character{{Name: "Trogmoon", RealmSlug: "senjin", Level: 80}}, chars)
	_, err = cfg.Characters(ctx, redirect, c)
	assert.True(t, errors.Is(err, battlenet.ErrRefused), "a code works once: %v", err)

	c = code(t, cfg, redirect)
	_, err = cfg.Characters(ctx, "https://evil.example/cb", c)
	assert.True(t, errors.Is(err, battlenet.ErrRefused), "the code is bound to its redirect: %v", err)

	bad := cfg
	bad.ClientSecret = "wrong"
	_, err = bad.Characters(ctx, redirect, code(t, cfg, redirect))
	assert.True(t, errors.Is(err, battlenet.ErrRefused), "another application's secret: %v", err)
	assert.False(t, (battlenet.Config{ClientID: "id"}).Configured())
}
