// Package browsertest drives a headless Chromium (Debian's package) through
// chromedp for end-to-end tests. They run only when PATT_E2E=1, because they
// need the browser installed; .ci/run installs it and sets the variable.
package browsertest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v3"
)

// Enabled reports whether browser tests should run.
func Enabled() bool { return os.Getenv("PATT_E2E") == "1" }

// chromiumPath finds the browser: PATT_CHROMIUM, else the usual names.
func chromiumPath() string {
	if p := os.Getenv("PATT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless browser for the test and returns its context, with
// a generous overall deadline. The test is skipped unless PATT_E2E=1; when
// it is set, a missing browser fails the test rather than hiding it.
func New(t *testing.T) context.Context {
	t.Helper()
	if !Enabled() {
		t.Skip("browser test: set PATT_E2E=1 (needs Debian's chromium) to run it")
	}
	bin := chromiumPath()
	if bin == "" {
		t.Fatal("PATT_E2E=1 but no chromium found; install Debian's chromium or set PATT_CHROMIUM")
	}
	// Chromium may still be writing its profile while it exits, which makes
	// t.TempDir's strict cleanup fail; this directory is removed best-effort.
	profile, err := os.MkdirTemp("", "patt-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		// chromedp gives Chromium 20 s to print its DevTools address; on a
		// loaded two-core machine starting one took longer.
		chromedp.WSURLReadTimeout(2 * time.Minute),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// A guard against a hung browser, not a speed limit: the whole session of
	// one test. The longest (the vote flow, two browsers, four sign-ins) takes
	// about 35 s alone but ran past 180 s in CI, under -race beside the other
	// packages' tests on two cores. Single waits are bounded by WaitTimeout;
	// go test's own -timeout bounds the package.
	ctx, cancelTimeout := context.WithTimeout(ctx, SessionTimeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	started.LoadOrStore(t.Name(), time.Now())
	return ctx
}

// started holds when each test's first browser came up, so screenshots can
// say how far into the test they were taken: the figures that tell a slow
// CI machine from a hung page.
var started sync.Map

// Tab opens another, independent browser (own cookies) — a second member.
func Tab(t *testing.T) context.Context {
	t.Helper()
	return New(t)
}

// Serve runs the app on a loopback port for the browser and returns its
// base URL; the server stops when the test ends.
func Serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// SetSessionCookie makes the browser someone else: every cookie it had is
// dropped and the given session cookie set for base, as the login form
// would (HttpOnly, path /). The handlers' tests wrap it as browserLogin,
// the one way a browser test signs a user in.
func SetSessionCookie(t *testing.T, ctx context.Context, base, name, value string) {
	t.Helper()
	if err := chromedp.Run(ctx, network.ClearBrowserCookies(), chromedp.ActionFunc(func(ctx context.Context) error {
		return network.SetCookie(name, value).WithURL(base).WithPath("/").WithHTTPOnly(true).Do(ctx)
	})); err != nil {
		t.Fatalf("set session cookie: %v", err)
	}
}

// SessionTimeout bounds one test's browser session (see New).
const SessionTimeout = 8 * time.Minute

// WaitTimeout bounds one WaitFor: a guard against a page that never gets
// there, not a speed limit. Polled panels (every 5 s) fit in it many times;
// under -race on a loaded machine one render can take seconds.
const WaitTimeout = 45 * time.Second

// waitJS resolves once the condition holds and htmx is idle: no request in
// flight and nothing swapping or settling (the htmx-* classes are gone, so
// swapped-in content is processed). It re-checks when htmx settles, on every
// DOM change, when a transition or animation ends, and on each rendered
// frame (for what changes without an event, like scrolling), so nothing
// sleeps a fixed time.
const waitJS = `new Promise((resolve, reject) => {
  const idle = () => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added');
  const ok = () => { try { return !!(%s) && idle(); } catch (e) { return false; } };
  if (ok()) { resolve(true); return; }
  if (!document.documentElement) { reject(new Error('navigating')); return; }
  const events = ['htmx:afterSettle', 'transitionend', 'transitioncancel', 'animationend', 'animationcancel', 'scroll'];
  let obs, timer, frame, finished = false;
  const check = () => { if (!finished && ok()) { done(); resolve(true); } };
  const tick = () => { check(); if (!finished) frame = requestAnimationFrame(tick); };
  const done = () => {
    finished = true; obs.disconnect(); clearTimeout(timer); cancelAnimationFrame(frame);
    events.forEach(e => document.removeEventListener(e, check, true));
  };
  obs = new MutationObserver(check);
  obs.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  events.forEach(e => document.addEventListener(e, check, true));
  frame = requestAnimationFrame(tick);
  timer = setTimeout(() => { done(); reject(new Error('timeout')); }, %d);
})`

// WaitFor waits until the JavaScript condition is true on the page and htmx
// has settled: the one way a browser test waits for an htmx swap, a polled
// fragment or a script's effect. A navigation while waiting (a plain form
// post) is waited out and the condition checked on the new page. The test
// fails after WaitTimeout, naming what it waited for.
func WaitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	var last error
	for time.Now().Before(deadline) {
		left := time.Until(deadline).Milliseconds()
		var ok bool
		err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(waitJS, cond, left), &ok, AwaitPromise))
		if err == nil && ok {
			return
		}
		last = err
		if err != nil && !navigated(err) {
			break
		}
		// The page went away under the promise: wait for the next one to load.
		_ = chromedp.Run(ctx, chromedp.WaitReady("body", chromedp.ByQuery))
	}
	t.Fatalf("timed out waiting for %s (%s): %v", what, cond, last)
}

// navigated tells whether an evaluation failed because the page changed.
func navigated(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "context was destroyed") || strings.Contains(msg, "Cannot find context") ||
		strings.Contains(msg, "Inspected target navigated") || strings.Contains(msg, "navigating")
}

// Painted is true once the web fonts are in and no finite animation still
// runs (rows fading in): what a screenshot waits for.
const Painted = `document.fonts.status === 'loaded' && document.getAnimations().every(a => {
  const timing = a.effect && a.effect.getComputedTiming();
  return a.playState !== 'running' || (timing && timing.iterations === Infinity);
})`

// Screenshot saves a full-page PNG once the page is painted (fonts loaded,
// animations done). The file goes to PATT_SCREENSHOT_DIR when
// set (so a person can open it), else into the test's temp dir. It returns
// the path.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	WaitFor(t, ctx, "fonts and animations before "+name, Painted)
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("PATT_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if at, ok := started.Load(t.Name()); ok {
		t.Logf("screenshot: %s (%.1f s into the test)", path, time.Since(at.(time.Time)).Seconds())
	} else {
		t.Logf("screenshot: %s", path)
	}
	return path
}

// AwaitPromise makes chromedp.Evaluate wait for a returned promise.
func AwaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams {
	return p.WithAwaitPromise(true)
}
