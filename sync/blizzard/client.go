// Package blizzard is the Battle.net API client of the guild sync: OAuth2
// client credentials with one shared token, region-aware hosts and
// namespaces, a token-bucket rate limit, retries with exponential back-off
// and jitter (honouring Retry-After) and If-Modified-Since. Only this package
// talks to Blizzard.
package blizzard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"
)

// Errors callers branch on.
var (
	// ErrNotFound is a 404: the guild or character is unknown to Blizzard.
	ErrNotFound = errors.New("blizzard: not found")
	// ErrNotModified is a 304 to an If-Modified-Since request.
	ErrNotModified = errors.New("blizzard: not modified")
	// ErrCredentials means the token endpoint refused the client id/secret.
	ErrCredentials = errors.New("blizzard: the client id or secret was refused (check them on /admin/sync, or BLIZZARD_CLIENT_ID and BLIZZARD_CLIENT_SECRET)")
	// ErrNoCredentials means none are configured.
	ErrNoCredentials = errors.New("blizzard: no API credentials: an officer enters them on /admin/sync (or set BLIZZARD_CLIENT_ID and BLIZZARD_CLIENT_SECRET)")
)

// StatusError is a non-2xx answer after retries.
type StatusError struct {
	Status int
	Path   string
	Detail string

	retryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("blizzard: %s answered %d %s", e.Path, e.Status, e.Detail)
}

// Config says how to reach Blizzard. Zero values take the defaults.
type Config struct {
	ClientID, ClientSecret string
	Region                 string // us (default), eu, kr, tw
	Locale                 string // en_US
	// APIURL and TokenURL override the region's hosts (tests point them at
	// a fake): PATT_BLIZZARD_API_URL and PATT_BLIZZARD_OAUTH_URL.
	APIURL, TokenURL string
	// PerSecond and PerHour are the request budget; Blizzard allows 100/s
	// and 36,000/h per client.
	PerSecond float64
	PerHour   int
	// Attempts is how often one request is tried (1 + retries); 4.
	Attempts int
	// Backoff is the first retry's base delay, doubled each retry and
	// capped at MaxBackoff; the actual wait is a random "full jitter" draw.
	Backoff, MaxBackoff time.Duration
	// RequestTimeout bounds one HTTP attempt; 30 s.
	RequestTimeout time.Duration
	// EarlyRefresh renews the token this long before it expires; 5 min.
	EarlyRefresh time.Duration
	HTTPClient   *http.Client
}

func (c *Config) defaults() {
	if c.Region == "" {
		c.Region = "us"
	}
	c.Region = strings.ToLower(c.Region)
	if c.Locale == "" {
		c.Locale = "en_US"
	}
	if c.APIURL == "" {
		c.APIURL = APIHost(c.Region)
	}
	if c.TokenURL == "" {
		c.TokenURL = "https://oauth.battle.net/token"
	}
	if c.PerSecond <= 0 {
		c.PerSecond = 100
	}
	if c.PerHour <= 0 {
		c.PerHour = 36000
	}
	if c.Attempts <= 0 {
		c.Attempts = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = 500 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.EarlyRefresh <= 0 {
		c.EarlyRefresh = 5 * time.Minute
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
}

// APIHost is the Battle.net API host of a region.
func APIHost(region string) string {
	if strings.ToLower(region) == "cn" {
		return "https://gateway.battlenet.com.cn"
	}
	return "https://" + strings.ToLower(region) + ".api.blizzard.com"
}

// Client is safe for concurrent use; one per process is enough.
type Client struct {
	cfg       Config
	cc        clientcredentials.Config
	perSecond *rate.Limiter
	perHour   *rate.Limiter

	mu   sync.Mutex
	ts   oauth2.TokenSource
	gen  uint64
	base *url.URL

	// Requests counts HTTP requests sent to the API (not the token host).
	Requests atomic.Int64
	// sleep waits between retries; tests replace it to see the waits
	// without spending them.
	sleep func(ctx context.Context, d time.Duration) error
}

// New builds a client; it does not contact Blizzard.
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, ErrNoCredentials
	}
	cfg.defaults()
	base, err := url.Parse(strings.TrimRight(cfg.APIURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("blizzard: API URL %q is not an absolute URL", cfg.APIURL)
	}
	c := &Client{
		cfg: cfg, base: base,
		cc: clientcredentials.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL,
			// Battle.net takes the client credentials as HTTP Basic auth.
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		perSecond: rate.NewLimiter(rate.Limit(cfg.PerSecond), max(1, int(cfg.PerSecond))),
		perHour:   rate.NewLimiter(rate.Limit(float64(cfg.PerHour)/3600), cfg.PerHour),
		sleep:     sleepCtx,
	}
	c.ts = c.newTokenSource()
	return c, nil
}

// Region is the client's region ("us").
func (c *Client) Region() string { return c.cfg.Region }

// newTokenSource is one cached token shared by every caller:
// ReuseTokenSource holds a mutex across the refresh, so concurrent requests
// with an expired token wait for a single POST instead of each sending one.
func (c *Client) newTokenSource() oauth2.TokenSource {
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, c.cfg.HTTPClient)
	fetch := tokenFunc(func() (*oauth2.Token, error) { return c.cc.Token(ctx) })
	return oauth2.ReuseTokenSourceWithExpiry(nil, fetch, c.cfg.EarlyRefresh)
}

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

// token returns the shared token and the generation it belongs to.
func (c *Client) token() (string, uint64, error) {
	c.mu.Lock()
	ts, gen := c.ts, c.gen
	c.mu.Unlock()
	t, err := ts.Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode == http.StatusUnauthorized || re.Response.StatusCode == http.StatusBadRequest) {
			return "", gen, fmt.Errorf("%w: %s", ErrCredentials, re.ErrorCode)
		}
		return "", gen, fmt.Errorf("blizzard: get token: %w", err)
	}
	return t.AccessToken, gen, nil
}

// dropToken forgets the token of generation gen after the API refused it
// (revoked or expired early); the first caller to see the 401 resets it,
// the others then share the new one.
func (c *Client) dropToken(gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.gen++
		c.ts = c.newTokenSource()
	}
}

// CheckCredentials fetches a token, so a wrong id/secret shows at once.
func (c *Client) CheckCredentials(ctx context.Context) error {
	_, _, err := c.token()
	return err
}

// Namespace is the profile namespace of the client's region.
func (c *Client) Namespace() string { return "profile-" + c.cfg.Region }

// get fetches path into out. ims, when non-zero, is sent as
// If-Modified-Since; a 304 returns ErrNotModified. It returns the answer's
// Last-Modified (zero when absent).
func (c *Client) get(ctx context.Context, path, namespace string, ims time.Time, out any) (time.Time, error) {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawPath = c.base.EscapedPath() + escapedPath(path)
	q := url.Values{"namespace": {namespace}, "locale": {c.cfg.Locale}}
	u.RawQuery = q.Encode()

	var lastErr error
	refreshed, noWait := false, false
	for attempt := 0; attempt < c.cfg.Attempts; attempt++ {
		if attempt > 0 && !noWait {
			if err := c.sleep(ctx, c.wait(attempt, lastErr)); err != nil {
				return time.Time{}, fmt.Errorf("%w (last error: %v)", err, lastErr)
			}
		}
		if err := c.perSecond.Wait(ctx); err != nil {
			return time.Time{}, fmt.Errorf("blizzard: rate limit wait: %w", err)
		}
		if err := c.perHour.Wait(ctx); err != nil {
			return time.Time{}, fmt.Errorf("blizzard: hourly budget wait: %w", err)
		}
		noWait = false
		tok, gen, err := c.token()
		if err != nil {
			return time.Time{}, err
		}
		status, mod, err := c.do(ctx, u.String(), tok, ims, out)
		switch {
		case err == nil:
			return mod, nil
		case status == http.StatusNotFound:
			return time.Time{}, fmt.Errorf("%s: %w", path, ErrNotFound)
		case status == http.StatusNotModified:
			return mod, ErrNotModified
		case status == http.StatusUnauthorized && !refreshed:
			// A token Blizzard no longer accepts: fetch a new one once and
			// retry at once (not a back-off case).
			c.dropToken(gen)
			refreshed, noWait = true, true
			attempt--
			lastErr = err
			continue
		case retryable(status, err):
			lastErr = err
			if ctx.Err() != nil {
				return time.Time{}, fmt.Errorf("blizzard: %s: %w", path, ctx.Err())
			}
			continue
		default:
			return time.Time{}, err
		}
	}
	return time.Time{}, fmt.Errorf("blizzard: %s: gave up after %d attempts: %w", path, c.cfg.Attempts, lastErr)
}

// do sends one attempt. The status is 0 for transport errors.
func (c *Client) do(ctx context.Context, rawURL, token string, ims time.Time, out any) (int, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, time.Time{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if !ims.IsZero() {
		req.Header.Set("If-Modified-Since", ims.UTC().Format(http.TimeFormat))
	}
	c.Requests.Add(1)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, time.Time{}, &transportError{err}
	}
	defer resp.Body.Close()
	var mod time.Time
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		mod, _ = http.ParseTime(lm)
	}
	path := req.URL.Path
	if resp.StatusCode == http.StatusNotModified {
		return resp.StatusCode, mod, ErrNotModified
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, mod, &transportError{err}
	}
	if resp.StatusCode/100 != 2 {
		var b struct {
			Detail string `json:"detail"`
		}
		_ = json.Unmarshal(body, &b)
		return resp.StatusCode, mod, &StatusError{Status: resp.StatusCode, Path: path, Detail: b.Detail,
			retryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return resp.StatusCode, mod, fmt.Errorf("blizzard: %s: decode: %w", path, err)
	}
	return resp.StatusCode, mod, nil
}

type transportError struct{ err error }

func (e *transportError) Error() string { return "blizzard: " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func retryable(status int, err error) bool {
	if status == http.StatusTooManyRequests || status >= 500 {
		return true
	}
	// Timeouts, resets and refused connections are all worth another try;
	// the caller's own deadline is checked separately.
	return isTransport(err)
}

// wait is the delay before retry number attempt (1-based): Retry-After when
// the server sent one, else full jitter over Backoff·2^(attempt−1), capped.
func (c *Client) wait(attempt int, lastErr error) time.Duration {
	var se *StatusError
	if errors.As(lastErr, &se) && se.retryAfter > 0 {
		return min(se.retryAfter, c.cfg.MaxBackoff)
	}
	ceiling := c.cfg.Backoff << (attempt - 1)
	if ceiling > c.cfg.MaxBackoff || ceiling <= 0 {
		ceiling = c.cfg.MaxBackoff
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}

func isTransport(err error) bool {
	var te *transportError
	return errors.As(err, &te)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("blizzard: waiting to retry: %w", ctx.Err())
	}
}

// escapedPath percent-encodes each segment with no safe characters beyond
// unreserved ones, as Blizzard expects ("Mal'ganis" → "mal%27ganis",
// "Zatañña" → "zata%C3%B1%C3%B1a").
func escapedPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	return strings.Join(segs, "/")
}

func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}
