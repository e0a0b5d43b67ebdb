package blizzard_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/sync/blizzard"
	"patt/sync/fakeblizzard"
)

type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func setup(t *testing.T) (*fakeblizzard.Server, *blizzard.Client, *waits) {
	t.Helper()
	fake := fakeblizzard.New("id-1", "secret-1")
	t.Cleanup(fake.Close)
	g := fakeblizzard.Generate(20, 1)
	g.Members = append(g.Members,
		&fakeblizzard.Member{ID: 9001, Name: "Zatañña", RealmSlug: "senjin", RealmName: "Sen'jin", Level: 80, ClassID: 8, ClassName: "Mage", Spec: "Fire", ItemLevel: 620},
		&fakeblizzard.Member{ID: 9002, Name: "Trogmoon", RealmSlug: "mal'ganis", RealmName: "Mal'Ganis", Level: 80, ClassID: 11, ClassName: "Druid", Spec: "Balance", ItemLevel: 623,
			LastLogin: 1740000000000, Race: "Tauren", Gender: "Male", AchievementPoints: 12000},
	)
	fake.AddGuild(g)
	c, err := blizzard.New(blizzard.Config{
		ClientID: "id-1", ClientSecret: "secret-1",
		APIURL: fake.URL, TokenURL: fake.TokenURL(),
	})
	require.NoError(t, err)
	w := &waits{}
	blizzard.SetSleep(c, w.sleep)
	return fake, c, w
}

func TestRosterAndProfileShapes(t *testing.T) {
	fake, c, _ := setup(t)
	ctx := context.Background()

	r, err := c.Roster(ctx, "Senjin", "Pull-All-The-Things")
	require.NoError(t, err, "slugs are lowercased before the request")
	require.Len(t, r.Members, 22)
	require.Equal(t, "Pull All The Things", r.Guild.Name)
	m := r.Members[0]
	require.NotZero(t, m.Character.ID)
	require.Equal(t, "senjin", m.Character.Realm.Slug)
	require.NotEmpty(t, m.ClassName())
	require.Equal(t, 0, m.Rank)

	p, err := c.Profile(ctx, "mal'ganis", "TROGMOON", time.Time{})
	require.NoError(t, err, "names are lowercased and percent-encoded (%%27)")
	require.Equal(t, "Trogmoon", p.Name)
	require.Equal(t, "Druid", p.CharacterClass.Name)
	require.Equal(t, "Balance", p.SpecName())
	require.Equal(t, 623, p.EquippedItemLevel)
	require.Equal(t, 12000, p.AchievementPoints)
	require.Equal(t, "Tauren", p.Race.Name)
	require.Equal(t, int64(1740000000000), p.LastLogin().UnixMilli())
	require.False(t, p.LastModified.IsZero())
	require.NotEmpty(t, p.Raw)

	p, err = c.Profile(ctx, "senjin", "Zatañña", time.Time{})
	require.NoError(t, err, "UTF-8 names are percent-encoded")
	require.Equal(t, "Zatañña", p.Name)
	require.Equal(t, int64(0), fake.MissingParams.Load(), "namespace and locale are always sent")
}

func TestNamespaceAndLocaleAreRequiredByTheFake(t *testing.T) {
	fake, _, _ := setup(t)
	tok := fetchToken(t, fake)
	for _, tc := range []struct {
		query  string
		status int
	}{
		{"?locale=en_US", http.StatusNotFound},
		{"?namespace=profile-eu&locale=en_US", http.StatusNotFound},
		{"?namespace=profile-us", http.StatusBadRequest},
		{"?namespace=profile-us&locale=en_US", http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, fake.URL+"/data/wow/guild/senjin/pull-all-the-things/roster"+tc.query, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.status, resp.StatusCode, tc.query)
	}
	req, _ := http.NewRequest(http.MethodGet, fake.URL+"/data/wow/guild/senjin/pull-all-the-things/roster?namespace=profile-us&locale=en_US", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no bearer token")
}

func fetchToken(t *testing.T, fake *fakeblizzard.Server) string {
	c, err := blizzard.New(blizzard.Config{ClientID: "id-1", ClientSecret: "secret-1", APIURL: fake.URL, TokenURL: fake.TokenURL()})
	require.NoError(t, err)
	require.NoError(t, c.CheckCredentials(context.Background()))
	// The token itself is private to the client; get one by hand.
	form := "grant_type=client_credentials"
	r2, _ := http.NewRequest(http.MethodPost, fake.TokenURL(), stringsReader(form))
	r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r2.Header.Set("Authorization", fakeblizzard.BasicAuth("id-1", "secret-1"))
	resp, err := http.DefaultClient.Do(r2)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	require.NoError(t, decode(resp, &body))
	require.Equal(t, "bearer", body.TokenType)
	require.Positive(t, body.ExpiresIn)
	return body.AccessToken
}

func TestOneTokenRefreshSharedByConcurrentRequests(t *testing.T) {
	fake, c, _ := setup(t)
	ctx := context.Background()
	run := func() {
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				_, err := c.Profile(ctx, "senjin", "zatañña", time.Time{})
				require.NoError(t, err)
			})
		}
		wg.Wait()
	}
	run()
	require.Equal(t, int64(1), fake.TokenRequests.Load(), "40 concurrent requests share one token fetch")

	// Blizzard stops accepting the token: every request sees 401, and one
	// new token serves them all.
	fake.RevokeTokens()
	run()
	require.Equal(t, int64(2), fake.TokenRequests.Load(), "a revoked token is replaced once, not per request")
}

func TestExpiredTokenIsRefreshedValidOneReused(t *testing.T) {
	fake, c, _ := setup(t)
	ctx := context.Background()
	for range 3 {
		_, err := c.Roster(ctx, "senjin", "pull-all-the-things")
		require.NoError(t, err)
	}
	require.Equal(t, int64(1), fake.TokenRequests.Load(), "a valid token leads to no further POST")

	// Tokens that live less than the 5-minute early-refresh margin count as
	// expired at once: each request needs exactly one POST.
	fake.SetTokenTTL(time.Minute)
	fake.RevokeTokens()
	_, err := c.Roster(ctx, "senjin", "pull-all-the-things")
	require.NoError(t, err)
	n := fake.TokenRequests.Load()
	_, err = c.Roster(ctx, "senjin", "pull-all-the-things")
	require.NoError(t, err)
	require.Equal(t, n+1, fake.TokenRequests.Load(), "an expired token leads to exactly one POST")
}

func TestRetryAfterIsHonoured(t *testing.T) {
	fake, c, w := setup(t)
	fake.Inject(fakeblizzard.Fault{Match: "/roster", Status: http.StatusTooManyRequests, RetryAfter: "3", Count: 1})
	r, err := c.Roster(context.Background(), "senjin", "pull-all-the-things")
	require.NoError(t, err)
	require.NotEmpty(t, r.Members)
	require.Equal(t, []time.Duration{3 * time.Second}, w.all(), "the wait is the server's Retry-After")
	require.Equal(t, int64(2), fake.APIRequests.Load())
}

func TestServerErrorsBackOffWithJitterThenGiveUp(t *testing.T) {
	fake, c, w := setup(t)
	fake.Inject(fakeblizzard.Fault{Match: "/roster", Status: http.StatusServiceUnavailable, Count: 2})
	_, err := c.Roster(context.Background(), "senjin", "pull-all-the-things")
	require.NoError(t, err, "a burst of two 503s is ridden out")
	ws := w.all()
	require.Len(t, ws, 2)
	// Full jitter over 500ms·2^(n−1): retry 1 waits 250–500ms, retry 2 500ms–1s.
	require.True(t, ws[0] >= 250*time.Millisecond && ws[0] <= 500*time.Millisecond, ws[0])
	require.True(t, ws[1] >= 500*time.Millisecond && ws[1] <= time.Second, ws[1])

	fake.Inject(fakeblizzard.Fault{Match: "/roster", Status: http.StatusBadGateway, Count: -1})
	_, err = c.Roster(context.Background(), "senjin", "pull-all-the-things")
	var se *blizzard.StatusError
	require.ErrorAs(t, err, &se)
	require.Equal(t, http.StatusBadGateway, se.Status)
	require.Contains(t, err.Error(), "gave up after 4 attempts")
}

func TestNotFoundIsNotRetried(t *testing.T) {
	fake, c, w := setup(t)
	_, err := c.Profile(context.Background(), "senjin", "nobody", time.Time{})
	require.ErrorIs(t, err, blizzard.ErrNotFound)
	require.Empty(t, w.all())
	require.Equal(t, int64(1), fake.APIRequests.Load())

	fake.Update(func() {})
	_, err = c.Roster(context.Background(), "senjin", "no-such-guild")
	require.ErrorIs(t, err, blizzard.ErrNotFound)
}

func TestIfModifiedSince(t *testing.T) {
	fake, c, _ := setup(t)
	ctx := context.Background()
	p, err := c.Profile(ctx, "senjin", "zatañña", time.Time{})
	require.NoError(t, err)
	_, err = c.Profile(ctx, "senjin", "zatañña", p.LastModified)
	require.ErrorIs(t, err, blizzard.ErrNotModified)
	require.Equal(t, int64(1), fake.NotModified.Load())

	fake.Update(func() {})
	_, err = c.Profile(ctx, "senjin", "zatañña", p.LastModified.Add(-time.Hour))
	require.NoError(t, err, "an older copy gets the full profile")
}

func TestBadCredentials(t *testing.T) {
	fake, _, _ := setup(t)
	c, err := blizzard.New(blizzard.Config{ClientID: "id-1", ClientSecret: "wrong", APIURL: fake.URL, TokenURL: fake.TokenURL()})
	require.NoError(t, err)
	err = c.CheckCredentials(context.Background())
	require.ErrorIs(t, err, blizzard.ErrCredentials)
	_, err = c.Roster(context.Background(), "senjin", "pull-all-the-things")
	require.ErrorIs(t, err, blizzard.ErrCredentials)
	require.Equal(t, int64(0), fake.APIRequests.Load(), "no API call without a token")

	_, err = blizzard.New(blizzard.Config{})
	require.ErrorIs(t, err, blizzard.ErrNoCredentials)
}

func TestContextDeadline(t *testing.T) {
	fake, c, _ := setup(t)
	fake.SetLatency(400 * time.Millisecond)
	blizzard.SetSleep(c, func(ctx context.Context, d time.Duration) error { <-ctx.Done(); return ctx.Err() })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Roster(ctx, "senjin", "pull-all-the-things")
	require.Error(t, err)
	require.True(t, errors.Is(err, context.DeadlineExceeded), err)
}

func TestRegionHostsAndNamespace(t *testing.T) {
	require.Equal(t, "https://eu.api.blizzard.com", blizzard.APIHost("EU"))
	c, err := blizzard.New(blizzard.Config{ClientID: "a", ClientSecret: "b", Region: "eu"})
	require.NoError(t, err)
	require.Equal(t, "profile-eu", c.Namespace())
}
