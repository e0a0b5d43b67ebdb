package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"patt/logtest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/addon"
	"patt/addon/wowsim"
	"patt/browsertest"
	"patt/config"
	"patt/dbtest"
	"patt/handlers"
	"patt/models"
	"patt/sync/addonupload"
)

// site is the real guild site (handlers + migrated SQLite) behind a front
// door that can be taken down: while down it drops connections, as an
// unreachable server or a restarting nginx would.
type site struct {
	db       *gorm.DB
	url      string
	key      string
	down     atomic.Bool
	refused  atomic.Int64 // requests dropped while down
	reached  atomic.Int64 // requests that reached the site
	trog     models.Character
	lastBody atomic.Value
}

func startSite(t *testing.T) *site {
	t.Helper()
	db, _ := dbtest.Migrated(t, models.SQLite)
	cfg, err := config.Load(func(k string) string {
		if k == "PATT_DATA_DIR" {
			return t.TempDir()
		}
		return ""
	})
	require.NoError(t, err)
	app, err := handlers.New(&handlers.Server{DB: db, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	backend, err := url.Parse(browsertest.Serve(t, app))
	require.NoError(t, err)

	s := &site{db: db}
	s.trog = models.Character{Name: "Trogmoon", RealmSlug: "senjin", RealmName: ptr("Sen'jin")}
	require.NoError(t, db.Create(&s.trog).Error)
	_, s.key, err = addonupload.CreateUploader(context.Background(), db, "test PC", nil, time.Now())
	require.NoError(t, err)

	proxy := httputil.NewSingleHostReverseProxy(backend)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			s.refused.Add(1)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		s.reached.Add(1)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	s.url = front.URL
	return s
}

func ptr[T any](v T) *T { return &v }

func (s *site) note(t *testing.T) string {
	t.Helper()
	var c models.Character
	require.NoError(t, s.db.First(&c, s.trog.ID).Error)
	if c.AddonNote == nil {
		return ""
	}
	return *c.AddonNote
}

func (s *site) uploads(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, s.db.Model(&models.AddonUpload{}).Count(&n).Error)
	return n
}

// wtf makes a WoW folder with two accounts; only the first has played
// with PATTSync so far.
func wtf(t *testing.T) (wowDir, file string) {
	t.Helper()
	wowDir = filepath.Join(t.TempDir(), "World of Warcraft")
	for _, acct := range []string{"12345#1", "67890#1"} {
		require.NoError(t, os.MkdirAll(filepath.Join(wowDir, "_retail_", "WTF", "Account", acct, "SavedVariables"), 0o755))
	}
	return wowDir, filepath.Join(wowDir, "_retail_", "WTF", "Account", "12345#1", "SavedVariables", fileName)
}

// exportInGame runs the addon under the simulator at the given time with
// the given public note and writes the SavedVariables file the way WoW
// does on /reload: to a temporary file, then renamed over the old one.
func exportInGame(t *testing.T, file string, at time.Time, note string) {
	t.Helper()
	c := wowsim.New(at)
	defer c.Close()
	c.Roster = []wowsim.Member{{FullName: "Trogmoon-Senjin", RankIndex: 1, Level: 80, Note: note, OfficerNote: "Discord: trog", Online: true, GUID: "Player-3676-0ABCDEF1"}}
	require.NoError(t, c.LoadAddon())
	require.NoError(t, c.Slash("/pattsync"))
	tmp := file + ".tmp"
	require.NoError(t, os.WriteFile(tmp, c.SavedVariables(addon.SavedVariable), 0o644))
	require.NoError(t, os.Rename(tmp, file))
}

var t0 = time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC)

// The end-to-end path in -once mode: addon → file → companion → site.
func TestOnceUploadsANewExportOnce(t *testing.T) {
	s := startSite(t)
	wowDir, file := wtf(t)
	dir := t.TempDir()
	exportInGame(t, file, t0, "GM / Mike")
	args := []string{"-once", "-server", s.url, "-key", s.key, "-wow-dir", wowDir, "-dir", dir}

	var out logtest.Buffer
	require.Equal(t, 0, run(context.Background(), args, noEnv, &out), out.String())
	require.Equal(t, "GM / Mike", s.note(t))
	require.Contains(t, out.String(), "uploaded")
	require.EqualValues(t, 1, s.reached.Load())

	// Run again (the scheduled task fires every few minutes): the state
	// file says this export went up, so nothing is sent.
	require.Equal(t, 0, run(context.Background(), args, noEnv, &out))
	require.EqualValues(t, 1, s.reached.Load())

	// Even without the state (a new PC, a wiped folder) the site changes
	// nothing for the same export.
	require.NoError(t, os.Remove(filepath.Join(dir, "state.json")))
	require.Equal(t, 0, run(context.Background(), args, noEnv, &out))
	require.EqualValues(t, 2, s.reached.Load())
	require.EqualValues(t, 1, s.uploads(t))
	require.Contains(t, out.String(), "status=duplicate")

	// The log lives in the companion's folder, not the working directory.
	logText, err := os.ReadFile(filepath.Join(dir, "companion.log"))
	require.NoError(t, err)
	require.Contains(t, string(logText), "uploaded")

	// A new export goes up.
	exportInGame(t, file, t0.Add(time.Hour), "GM / Mike (new)")
	require.Equal(t, 0, run(context.Background(), args, noEnv, &out))
	require.Equal(t, "GM / Mike (new)", s.note(t))
}

func TestOnceWithABadKeySaysSo(t *testing.T) {
	s := startSite(t)
	wowDir, file := wtf(t)
	exportInGame(t, file, t0, "x")
	var out logtest.Buffer
	code := run(context.Background(), []string{"-once", "-server", s.url, "-key", "pattk_00000000_nope", "-wow-dir", wowDir, "-dir", t.TempDir()}, noEnv, &out)
	require.Equal(t, 1, code)
	require.Contains(t, out.String(), "the site refused the key (401 Invalid API key.)")
	require.EqualValues(t, 1, s.reached.Load(), "a refused key is not retried")
	require.Equal(t, "", s.note(t))
}

func TestOnceRetriesWhileTheSiteIsDownThenGivesUp(t *testing.T) {
	s := startSite(t)
	s.down.Store(true)
	wowDir, file := wtf(t)
	exportInGame(t, file, t0, "x")
	var out logtest.Buffer
	cfgDir := t.TempDir()
	c := testCompanion(t, s, wowDir, cfgDir, &out)
	require.False(t, c.runOnce(context.Background()))
	require.EqualValues(t, 1+c.cfg.OnceRetries, s.refused.Load())
	require.Contains(t, out.String(), "cannot reach "+s.url)

	// The next scheduled run, with the site back, delivers it.
	s.down.Store(false)
	c = testCompanion(t, s, wowDir, cfgDir, &out)
	require.True(t, c.runOnce(context.Background()))
	require.Equal(t, "x", s.note(t))
}

func testCompanion(t *testing.T, s *site, wowDir, dir string, out io.Writer) *companion {
	t.Helper()
	cfg := defaults()
	cfg.Server, cfg.Key, cfg.WoWDir, cfg.Directory = s.url, s.key, wowDir, dir
	cfg.Debounce, cfg.Poll, cfg.RetryBase, cfg.RetryMax = 200*time.Millisecond, 300*time.Millisecond, 20*time.Millisecond, 100*time.Millisecond
	require.NoError(t, cfg.validate())
	c, err := newCompanion(cfg, slog.New(slog.NewTextHandler(out, nil)))
	require.NoError(t, err)
	return c
}

// Watch mode: a file that appears is uploaded; a burst of writes is one
// upload (trailing-edge debounce); while the site is down the newest
// export waits and arrives exactly once when it is back.
func TestWatchUploadsChangesAndSurvivesDowntime(t *testing.T) {
	s := startSite(t)
	wowDir, file := wtf(t)
	var out logtest.Buffer
	c := testCompanion(t, s, wowDir, t.TempDir(), &out)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); _ = c.watch(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })
	require.Eventually(t, func() bool { return strings.Count(out.String(), "watching") == 2 }, 5*time.Second, 10*time.Millisecond, "both accounts' folders are watched")

	exportInGame(t, file, t0, "first")
	require.Eventually(t, func() bool { return s.note(t) == "first" }, 10*time.Second, 20*time.Millisecond, out.String())
	require.EqualValues(t, 1, s.uploads(t))

	// Three exports in a burst: only the last is uploaded.
	exportInGame(t, file, t0.Add(1*time.Minute), "burst 1")
	exportInGame(t, file, t0.Add(2*time.Minute), "burst 2")
	exportInGame(t, file, t0.Add(3*time.Minute), "burst 3")
	require.Eventually(t, func() bool { return s.note(t) == "burst 3" }, 10*time.Second, 20*time.Millisecond, out.String())
	require.EqualValues(t, 2, s.uploads(t))

	// The site goes down; an export waits in the retry queue.
	s.down.Store(true)
	exportInGame(t, file, t0.Add(time.Hour), "while down")
	require.Eventually(t, func() bool { return s.refused.Load() >= 3 }, 10*time.Second, 10*time.Millisecond, out.String())
	require.Contains(t, out.String(), "will retry")
	require.Equal(t, "burst 3", s.note(t))
	s.down.Store(false)
	require.Eventually(t, func() bool { return s.note(t) == "while down" }, 10*time.Second, 20*time.Millisecond, out.String())
	require.EqualValues(t, 3, s.uploads(t), "the queued export arrived once")
	reached := s.reached.Load()

	// Nothing new: polls and re-saves of the same content send nothing.
	now := time.Now()
	require.NoError(t, os.Chtimes(file, now, now))
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "no new export in the file") }, 10*time.Second, 10*time.Millisecond)
	cancel()
	<-stopped
	require.Equal(t, reached, s.reached.Load(), "touching the file without a new export uploads nothing")
}

func noEnv(string) string { return "" }

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	_, err := loadConfig([]string{"-dir", dir}, getenv)
	require.ErrorContains(t, err, "no server")
	_, err = loadConfig([]string{"-dir", dir, "-server", "http://guild.example.com", "-key", "k"}, getenv)
	require.ErrorContains(t, err, "must use https")
	_, err = loadConfig([]string{"-dir", dir, "-server", "ftp://guild.example.com", "-key", "k"}, getenv)
	require.ErrorContains(t, err, "not an http(s) address")
	_, err = loadConfig([]string{"-dir", dir, "-server", "https://guild.example.com"}, getenv)
	require.ErrorContains(t, err, "no key")
	for _, local := range []string{"http://localhost:8080", "http://127.0.0.1:3000", "http://[::1]:3000"} {
		_, err = loadConfig([]string{"-dir", dir, "-server", local, "-key", "k"}, getenv)
		require.NoError(t, err, local)
	}

	// -save writes the file (owner-only), later runs read it; env and
	// flags override it in that order.
	var out logtest.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"-dir", dir, "-server", "https://guild.example.com/", "-key", "from-file", "-wow-dir", "/games/wow", "-save"}, getenv, &out))
	st, err := os.Stat(filepath.Join(dir, "config.json"))
	require.NoError(t, err)
	if os.PathSeparator == '/' {
		require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	}
	cfg, err := loadConfig([]string{"-dir", dir}, getenv)
	require.NoError(t, err)
	require.Equal(t, "https://guild.example.com", cfg.Server)
	require.Equal(t, "from-file", cfg.Key)
	require.Equal(t, "/games/wow", cfg.WoWDir)
	env["PATT_API_KEY"] = "from-env"
	cfg, err = loadConfig([]string{"-dir", dir}, getenv)
	require.NoError(t, err)
	require.Equal(t, "from-env", cfg.Key)
	cfg, err = loadConfig([]string{"-dir", dir, "-key", "from-flag"}, getenv)
	require.NoError(t, err)
	require.Equal(t, "from-flag", cfg.Key)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte("{nope"), 0o600))
	require.Equal(t, 2, run(context.Background(), []string{"-dir", dir}, getenv, &out))
	require.Contains(t, out.String(), "is not valid JSON")
}

func TestDiscoveryFindsEveryAccount(t *testing.T) {
	wowDir, file := wtf(t)
	dirs := savedVariablesDirs(wowDir)
	require.Len(t, dirs, 2)
	require.Equal(t, dirs, savedVariablesDirs(filepath.Join(wowDir, "_retail_")), "the _retail_ folder works as well")
	require.Empty(t, savedVariablesDirs(t.TempDir()))

	cfg := Config{WoWDir: wowDir}
	c := &companion{cfg: cfg}
	require.Empty(t, c.files(), "no account has the file yet")
	exportInGame(t, file, t0, "x")
	require.Equal(t, []string{file}, c.files())
	require.True(t, isTarget(cfg, file))
	require.True(t, isTarget(cfg, strings.ToLower(file)), "WoW on Windows may change the case")
	require.False(t, isTarget(cfg, file+".bak"))
}

func TestBackoffGrowsAndRespectsRetryAfter(t *testing.T) {
	c := &companion{cfg: Config{RetryBase: time.Second, RetryMax: time.Minute}}
	for attempt := 1; attempt <= 20; attempt++ {
		d := c.backoff(attempt, 0)
		want := min(time.Second<<min(attempt-1, 16), time.Minute)
		require.GreaterOrEqual(t, d, want/2, "attempt %d", attempt)
		require.LessOrEqual(t, d, want, "attempt %d", attempt)
	}
	require.Equal(t, 90*time.Second, c.backoff(1, 90*time.Second))
}

func TestOversizedFileIsRefusedLocally(t *testing.T) {
	s := startSite(t)
	wowDir, file := wtf(t)
	require.NoError(t, os.WriteFile(file, append([]byte("PATTSyncDB = { x = \""), bytes.Repeat([]byte("x"), maxUpload)...), 0o644))
	var out logtest.Buffer
	c := testCompanion(t, s, wowDir, t.TempDir(), &out)
	require.False(t, c.runOnce(context.Background()))
	require.Contains(t, out.String(), "more than the site accepts (4 MiB)")
	require.Zero(t, s.reached.Load()+s.refused.Load(), "nothing was sent")
	require.Equal(t, addonupload.MaxBodyBytes, maxUpload, "the companion's cap is the site's")
}
