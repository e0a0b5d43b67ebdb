package app

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"
)

// Draining HTTP without dropping requests.
//
// fasthttp's own Shutdown closes the listener and then, every 100 ms,
// closes each connection that is idle at that instant, and answers the
// requests in flight without "Connection: close". A keep-alive client that
// got its answer a moment before and has just sent its next request on the
// same connection then sees "server closed idle connection" (Go's client
// retries that only for idempotent requests, so a POST fails). The drainer
// does it in the order HTTP/1.1 expects (RFC 9112 §9.6):
//
//  1. stop accepting: the listener closes, new connections are refused;
//  2. every response from then on carries "Connection: close", so a client
//     learns with its answer that the connection ends, and opens a new one
//     (refused) for its next request;
//  3. a connection idle for idleGrace (its client is not in the middle of a
//     request/response loop) is closed; a request that arrives on an idle
//     connection before that is answered (with Connection: close);
//  4. at the deadline, connections still busy are closed (the client sees
//     the connection end, not a hang) and the count is logged.
//
// Only a client that stays silent for idleGrace and then sends at the very
// moment its connection closes can still see the close: that race is
// inherent to HTTP/1.1 keep-alive.

// idleGrace is how long a connection may sit idle while draining before it
// is closed: far longer than a busy client's pause between a response and
// its next request.
const idleGrace = time.Second

// DefaultDrainTimeout is how long Shutdown lets requests in flight finish:
// past the handlers' 15 s request timeout, so a request waiting on the
// database is answered (503 at worst), and short of ShutdownTimeout, so the
// jobs, the integrations and the database still get their turn.
const DefaultDrainTimeout = 16 * time.Second

// drainer tracks the server's connections and their state.
type drainer struct {
	draining atomic.Bool

	mu    sync.Mutex
	ln    net.Listener // nil until serveHTTP listens
	conns map[net.Conn]*connInfo
}

type connInfo struct {
	active    bool
	idleSince time.Time
}

func newDrainer() *drainer {
	return &drainer{conns: map[net.Conn]*connInfo{}}
}

// serveHTTP listens on cfg.Addr and serves until the drainer closes the
// listener.
func (a *App) serveHTTP(d *drainer, ln net.Listener) error {
	d.mu.Lock()
	if d.draining.Load() { // shut down before it listened
		d.mu.Unlock()
		return ln.Close()
	}
	d.ln = &onceCloseListener{Listener: ln}
	d.mu.Unlock()
	return a.http.Listener(d.ln, fiber.ListenConfig{DisableStartupMessage: true, BeforeServeFunc: d.install})
}

// shutdownHTTP drains the server (see drainer) within DrainTimeout and then
// lets fasthttp finish. Requests cut at the deadline are logged, not an
// error: the shutdown itself went as planned.
func (a *App) shutdownHTTP(ctx context.Context) error {
	if a.drain == nil { // Run was never called
		return a.http.ShutdownWithContext(ctx)
	}
	limit := a.DrainTimeout
	if limit <= 0 {
		limit = DefaultDrainTimeout
	}
	dctx, cancel := context.WithTimeout(ctx, limit)
	cut := a.drain.drain(dctx)
	cancel()
	if cut == 0 {
		return a.http.ShutdownWithContext(ctx)
	}
	a.Log.Warn("shutdown: requests still running at the drain deadline were cut (their connections closed)",
		"requests", cut, "deadline", limit)
	// Their handlers may still be running; fasthttp would wait for them.
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := a.http.ShutdownWithContext(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// onceCloseListener lets both the drainer and fasthttp's Shutdown close the
// listener without the second close reporting an error.
type onceCloseListener struct {
	net.Listener
	once sync.Once
	err  error
}

func (l *onceCloseListener) Close() error {
	l.once.Do(func() { l.err = l.Listener.Close() })
	return l.err
}

// install hooks the drainer into the Fiber app's fasthttp server; it runs
// just before Serve (fiber.ListenConfig.BeforeServeFunc), once the server
// has its final handler.
func (d *drainer) install(app *fiber.App) error {
	srv := app.Server()
	srv.ConnState = d.track
	next := srv.Handler
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		next(ctx)
		if d.draining.Load() {
			ctx.Response.SetConnectionClose()
		}
	}
	return nil
}

func (d *drainer) track(c net.Conn, state fasthttp.ConnState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch state {
	case fasthttp.StateNew, fasthttp.StateIdle:
		d.conns[c] = &connInfo{idleSince: time.Now()}
	case fasthttp.StateActive:
		d.conns[c] = &connInfo{active: true}
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		delete(d.conns, c)
	}
}

// drain stops accepting and waits until every connection has ended, closing
// those idle for idleGrace. At ctx's end it closes the busy ones too and
// returns how many requests it cut.
func (d *drainer) drain(ctx context.Context) (cut int) {
	// Close the listener before any response says Connection: close, so a
	// client that reconnects is refused, never accepted-then-reset.
	d.mu.Lock()
	if d.ln != nil {
		_ = d.ln.Close()
	}
	d.draining.Store(true)
	d.mu.Unlock()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		busy := d.closeIdle(time.Now().Add(-idleGrace))
		if busy == 0 {
			return 0
		}
		select {
		case <-ctx.Done():
			return d.closeAll()
		case <-tick.C:
		}
	}
}

// closeIdle closes the connections idle since before cutoff and returns how
// many connections remain.
func (d *drainer) closeIdle(cutoff time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c, info := range d.conns {
		if !info.active && info.idleSince.Before(cutoff) {
			_ = c.Close()
			delete(d.conns, c)
		}
	}
	return len(d.conns)
}

// closeAll closes every remaining connection and returns how many were busy.
func (d *drainer) closeAll() (busy int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c, info := range d.conns {
		if info.active {
			busy++
		}
		_ = c.Close()
		delete(d.conns, c)
	}
	return busy
}
