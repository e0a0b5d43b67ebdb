// Package browsertest drives a headless Chromium (Debian's package) through
// chromedp for end-to-end tests. They run only when PATT_E2E=1, because they
// need the browser installed; .ci/run installs it and sets the variable.
package browsertest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

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
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

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

// Screenshot saves a full-page PNG. The file goes to PATT_SCREENSHOT_DIR when
// set (so a person can open it), else into the test's temp dir. It returns
// the path.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
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
	t.Logf("screenshot: %s", path)
	return path
}

// AwaitPromise makes chromedp.Evaluate wait for a returned promise.
func AwaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams {
	return p.WithAwaitPromise(true)
}
