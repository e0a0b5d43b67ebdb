package handlers

import (
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/models"
)

// During a database outage the site stays as useful as it can without
// flooding the log:
//   - the public pages kept in the page cache are served from it, marked
//     stale (a banner, a Warning header, no-store) — see pageCache.get;
//   - every other request that needs the database answers 503 with
//     Retry-After (the HTML error page, or the JSON envelope under /api/);
//   - the outage is logged once when it starts and once when it ends,
//     never per request.
//
// outageWatch holds that state. Any failure that models.IsUnreachable
// recognises starts an outage; the content-version probe (which every
// public page runs, and every request runs while an outage lasts) ends it
// with its first successful read.
type outageWatch struct {
	log *slog.Logger
	now func() time.Time

	mu      sync.Mutex
	down    bool
	since   time.Time
	refused int // requests answered 503 during this outage
	stale   int // pages served from the cache during this outage
}

// outageRetryAfter is what a 503 during an outage tells clients to wait.
const outageRetryAfter = 30 * time.Second

// busyRetryAfter is the wait for other 503s (a held lock, a slow query).
const busyRetryAfter = 5 * time.Second

// msgOutage is the answer while the database is unreachable.
const msgOutage = "The guild's database is unreachable right now. Please try again in a minute."

func newOutageWatch(log *slog.Logger, now func() time.Time) *outageWatch {
	return &outageWatch{log: log, now: now}
}

// failed records err; it reports whether err is an outage (the database
// unreachable), logging the outage when it is the first sign of one.
func (w *outageWatch) failed(err error) bool {
	if !models.IsUnreachable(err) {
		return false
	}
	if w == nil {
		return true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.down {
		w.down, w.since, w.refused, w.stale = true, w.now(), 0, 0
		w.log.Error("database unreachable: public pages are served from the cache (marked stale), other requests answer 503 until it is back",
			"err", err)
	}
	return true
}

// ok records a successful read; it ends an outage, logging its length.
func (w *outageWatch) ok() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.down {
		return
	}
	w.down = false
	w.log.Info("database reachable again", "outage", w.now().Sub(w.since).Round(time.Second).String(),
		"answered_503", w.refused, "served_stale", w.stale)
}

// isDown reports whether an outage is going on.
func (w *outageWatch) isDown() bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.down
}

func (w *outageWatch) count(stale bool) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.down {
		return
	}
	if stale {
		w.stale++
	} else {
		w.refused++
	}
}

// watchOutage, while an outage lasts, checks the database (the shared
// content-version probe) before each request, so its end is noticed by
// whatever request comes first, not only by the public pages.
func (s *Server) watchOutage(c fiber.Ctx) error {
	if s.outage.isDown() {
		_, _ = s.pages.probe.Version(c.Context())
	}
	return c.Next()
}

// errOutage is the error a request gets when the database is unreachable
// and nothing cached can stand in.
func errOutage(cause error) error {
	return fault.Wrap(fault.KindUnavailable, msgOutage, cause)
}

// isOutage reports whether err is (or wraps) the database being unreachable.
func isOutage(err error) bool {
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Message == msgOutage {
		return true
	}
	return models.IsUnreachable(err)
}

// staleBanner opens a page served from the cache during an outage.
var staleBanner = []byte(`<div class="flash flash--warning stale-banner" role="status"><span class="flash__body">The guild&#39;s database is unreachable right now: ` +
	`this is the last saved copy of the page and may be out of date.</span></div>`)

// markStale marks a response built from the cache during an outage: a
// Warning header (RFC 7234's 110, "Response is Stale"), no-store so no cache
// keeps it, Retry-After for clients that poll; full pages also get a banner
// (fragments for htmx swaps do not: they replace a part of a page).
func (s *Server) markStale(c fiber.Ctx, body []byte, banner bool) []byte {
	s.outage.count(true)
	c.Set("Warning", `110 - "Response is Stale"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(outageRetryAfter.Seconds())))
	if !banner {
		return body
	}
	out := make([]byte, 0, len(staleBanner)+len(body))
	return append(append(out, staleBanner...), body...)
}
