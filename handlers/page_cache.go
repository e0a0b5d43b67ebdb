package handlers

import (
	"bytes"
	"context"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"
	"gorm.io/gorm"

	"patt/models"
)

// pageCache keeps what the public pages are rendered from (the roster,
// rendered page bodies) in memory between writes.
//
// Invalidation is by the database's change counter, common.content_version,
// which triggers on every table those pages read bump on commit — so a write
// by any process (this one, a second instance, the CLI) is seen. Before
// serving, a request reads the counter (one primary-key SELECT, shared with
// concurrent requests by versionProbe); when it moved, everything cached is
// dropped and rebuilt on demand.
//
// Only viewer-independent things are cached: data and page bodies rendered
// without a viewer's name or CSRF token. The layout (nav user block, CSRF
// meta tag) is added per request around the cached body: rendered for a
// logged-in viewer, spliced from a cached frame for a visitor (renderBody).
type pageCache struct {
	probe *versionProbe
	now   func() time.Time

	mu       sync.Mutex
	version  int64
	entries  map[string]cacheEntry
	building map[string]*buildCall
}

type cacheEntry struct {
	value   any
	expires time.Time // zero = until the next write
}

// buildCall is one build of one key at one version; concurrent misses wait
// for it instead of building the same thing again.
type buildCall struct {
	done  chan struct{}
	value any
	err   error
}

// maxCacheEntries bounds memory whatever query strings visitors send: past
// it the cache starts over (callers also only cache common variants).
const maxCacheEntries = 512

func newPageCache(db *gorm.DB, now func() time.Time) *pageCache {
	return &pageCache{probe: newVersionProbe(db), now: now,
		entries: map[string]cacheEntry{}, building: map[string]*buildCall{}}
}

// get returns the value cached under key, building and keeping it when
// absent or older than the latest write. ttl 0 keeps it until the next
// write. A positive ttl is for time-dependent bits (countdowns, the quote of
// the day, EST/EDT): once it has passed, the old value is still served
// while one background build replaces it, so no visitor waits for it.
//
// When the counter cannot be read because the database is unreachable, the
// last value kept under key is returned with stale true (the caller marks
// the page); without one the outage is the error. Any other failure to read
// the counter (a deadline) builds afresh, as nothing cached can be trusted.
func (pc *pageCache) get(ctx context.Context, key string, ttl time.Duration, build func() (any, error)) (value any, stale bool, err error) {
	v, err := pc.probe.Version(ctx)
	if err != nil {
		if !models.IsUnreachable(err) {
			value, err := build()
			return value, false, err
		}
		pc.mu.Lock()
		e, ok := pc.entries[key]
		pc.mu.Unlock()
		if ok {
			return e.value, true, nil
		}
		return nil, false, errOutage(err)
	}
	pc.mu.Lock()
	if v != pc.version {
		pc.version = v
		clear(pc.entries)
	}
	if e, ok := pc.entries[key]; ok {
		if !e.expires.IsZero() && !pc.now().Before(e.expires) {
			pc.startBuild(key, v, ttl, build) // refresh in the background
		}
		pc.mu.Unlock()
		return e.value, false, nil
	}
	call := pc.startBuild(key, v, ttl, build)
	pc.mu.Unlock()
	select {
	case <-call.done:
		return call.value, false, call.err
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// startBuild runs build for key at version v unless one is already running;
// the result is kept if no write happened meanwhile. Called with mu held.
func (pc *pageCache) startBuild(key string, v int64, ttl time.Duration, build func() (any, error)) *buildCall {
	id := strconv.FormatInt(v, 10) + "|" + key
	if call, ok := pc.building[id]; ok {
		return call
	}
	call := &buildCall{done: make(chan struct{})}
	pc.building[id] = call
	go func() {
		// Built from reads made after the counter was read, so the value
		// is at least as new as version v; keeping it under v is safe.
		value, err := build()
		call.value, call.err = value, err
		pc.mu.Lock()
		delete(pc.building, id)
		if err == nil && pc.version == v {
			if len(pc.entries) >= maxCacheEntries {
				clear(pc.entries)
			}
			e := cacheEntry{value: value}
			if ttl > 0 {
				e.expires = pc.now().Add(ttl)
			}
			pc.entries[key] = e
		}
		pc.mu.Unlock()
		close(call.done)
	}()
	return call
}

// cached is pageCache.get with the value's type; a stale value (database
// unreachable) is returned as it is.
func cached[T any](ctx context.Context, pc *pageCache, key string, ttl time.Duration, build func() (T, error)) (T, error) {
	v, _, err := cachedOrStale(ctx, pc, key, ttl, build)
	return v, err
}

// cachedOrStale is cached that also says whether the value is a stale copy
// served because the database is unreachable.
func cachedOrStale[T any](ctx context.Context, pc *pageCache, key string, ttl time.Duration, build func() (T, error)) (T, bool, error) {
	v, stale, err := pc.get(ctx, key, ttl, func() (any, error) { return build() })
	if err != nil {
		var zero T
		return zero, false, err
	}
	return v.(T), stale, nil
}

// versionProbe reads common.content_version for many concurrent requests
// with few queries: at most one read runs at a time, and requests arriving
// while it runs share the next one. Each request is answered by a read that
// started after it arrived, so a write committed before a request began is
// always seen by that request.
type versionProbe struct {
	db *gorm.DB
	// watch hears every read's outcome: a failure that says the database
	// is unreachable starts an outage, a success ends one.
	watch *outageWatch

	mu      sync.Mutex
	running bool
	pending *probeCall
}

type probeCall struct {
	done    chan struct{}
	version int64
	err     error
}

func newVersionProbe(db *gorm.DB) *versionProbe {
	return &versionProbe{db: db}
}

// Version returns the counter as of a read that began after the call.
func (p *versionProbe) Version(ctx context.Context) (int64, error) {
	p.mu.Lock()
	if p.pending == nil {
		p.pending = &probeCall{done: make(chan struct{})}
	}
	call := p.pending
	if !p.running {
		p.running = true
		go p.loop()
	}
	p.mu.Unlock()
	select {
	case <-call.done:
		return call.version, call.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// loop runs reads while requests are waiting for one.
func (p *versionProbe) loop() {
	for {
		p.mu.Lock()
		call := p.pending
		p.pending = nil
		if call == nil {
			p.running = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		version, err := models.ContentVersion(ctx, p.db)
		cancel()
		if err != nil {
			p.watch.failed(err)
		} else {
			p.watch.ok()
		}
		call.version, call.err = version, err
		close(call.done)
	}
}

// renderBody answers with a page body rendered earlier (usually from the
// page cache): alone for htmx, inside the layout otherwise. The layout is
// rendered for this request's viewer, with this request's CSRF token; for a
// visitor it comes from a cached frame (see layoutFrame).
func (s *Server) renderBody(c fiber.Ctx, status int, layout string, p *Page, body []byte) error {
	s.fillPage(c, p)
	c.Vary("HX-Request")
	if isHTMX(c) {
		return sendHTML(c, status, body)
	}
	if p.Viewer == nil && validCSRFToken(p.CSRF) {
		frame, err := s.layoutFrame(c, layout, p)
		if err == nil {
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			c.Status(status)
			frame.writeTo(c.Response(), p.CSRF, body)
			return nil
		}
		if !isOutage(err) { // an outage is logged once, by the watch
			s.Log.Error("layout frame", "err", err)
		}
	}
	p.Content = template.HTML(body)
	page, err := s.execute(layout, p)
	if err != nil {
		return err
	}
	return sendHTML(c, status, page)
}

// Sentinels stand in for the CSRF token and the page body when a layout is
// rendered once as a frame. The CSRF sentinel is lowercase hex like a real
// token, so every escaper leaves it (and the token) unchanged.
const (
	frameCSRF    = "c5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cfc5cf"
	frameContent = "<!--patt:page-content-->"
)

// frame is a layout rendered for a visitor, cut where the CSRF token and
// the page body go.
type frame struct {
	parts [][]byte // static text; between consecutive parts goes slots[i]
	slots []bool   // true = body, false = CSRF token
}

// layoutFrame is the visitor's layout for this page (path, title, flash
// and year decide it), rendered once and cut at the sentinels. Rendering
// the layout per request was a third of a cached page's cost.
func (s *Server) layoutFrame(c fiber.Ctx, layout string, p *Page) (*frame, error) {
	// Only known flash codes show (flashFromQuery), so only they make a
	// variant; made-up ones must not grow the cache.
	flash := c.Query("flash")
	if _, known := flashMessages[flash]; !known {
		flash = ""
	}
	key := strings.Join([]string{"frame", layout, p.Path, p.Title, flash, strconv.Itoa(p.Year)}, "|")
	fp := *p
	fp.CSRF, fp.Content = frameCSRF, template.HTML(frameContent)
	// The build may outlive this request; keep nothing of its buffers.
	fp.Path, fp.Title = strings.Clone(p.Path), strings.Clone(p.Title)
	return cached(c.Context(), s.pages, key, 0, func() (*frame, error) {
		page, err := s.execute(layout, &fp)
		if err != nil {
			return nil, err
		}
		return cutFrame(page), nil
	})
}

func cutFrame(page []byte) *frame {
	f := &frame{}
	rest := page
	for {
		i := bytes.Index(rest, []byte(frameCSRF))
		j := bytes.Index(rest, []byte(frameContent))
		if i < 0 && j < 0 {
			break
		}
		if j >= 0 && (i < 0 || j < i) {
			f.parts, f.slots = append(f.parts, rest[:j]), append(f.slots, true)
			rest = rest[j+len(frameContent):]
		} else {
			f.parts, f.slots = append(f.parts, rest[:i]), append(f.slots, false)
			rest = rest[i+len(frameCSRF):]
		}
	}
	f.parts = append(f.parts, rest)
	return f
}

// writeTo writes the page into the response's (pooled) body buffer: no
// per-request copy of the frame or the body is allocated.
func (f *frame) writeTo(resp *fasthttp.Response, csrf string, body []byte) {
	resp.ResetBody()
	for i, part := range f.parts {
		resp.AppendBody(part)
		if i < len(f.slots) {
			if f.slots[i] {
				resp.AppendBody(body)
			} else {
				resp.AppendBodyString(csrf)
			}
		}
	}
}

// renderPartial renders a fragment template whose data is the value itself
// (not a Page), for fragments that are also included inside a range.
func (s *Server) renderPartial(c fiber.Ctx, status int, name string, data any) error {
	body, err := s.execute(name, data)
	if err != nil {
		return err
	}
	return sendHTML(c, status, body)
}
