package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

type companion struct {
	cfg     Config
	log     *slog.Logger
	http    *http.Client
	state   *state
	uploads atomic.Int64 // successful uploads, for tests and the summary
}

func newCompanion(cfg Config, log *slog.Logger) (*companion, error) {
	st, err := loadState(filepath.Join(cfg.Directory, "state.json"))
	if err != nil {
		return nil, err
	}
	return &companion{cfg: cfg, log: log, state: st, http: &http.Client{Timeout: cfg.HTTPTimeout}}, nil
}

// files lists the PATTSync.lua files that exist now.
func (c *companion) files() []string {
	if len(c.cfg.Files) > 0 {
		return c.cfg.Files
	}
	var out []string
	for _, d := range targets(c.cfg) {
		p := filepath.Join(d, fileName)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// runOnce uploads what is new in every file, retrying a site that is down
// a few times, and reports whether everything went through.
func (c *companion) runOnce(ctx context.Context) bool {
	files := c.files()
	if len(files) == 0 {
		c.log.Error("no PATTSync.lua found: pass -wow-dir or -file (has the addon exported and WoW written the file with /reload?)")
		return false
	}
	ok := true
	for _, f := range files {
		for attempt := 1; ; attempt++ {
			r := c.handle(ctx, f)
			if r.outcome == done {
				break
			}
			c.log.Error(r.err.Error(), "file", f)
			if r.outcome == permanent || attempt > c.cfg.OnceRetries {
				ok = false
				break
			}
			select {
			case <-ctx.Done():
				return false
			case <-time.After(c.backoff(attempt, r.retryAfter)):
			}
		}
	}
	return ok
}

// backoff is exponential with jitter, capped, and never shorter than what
// the site asked for in Retry-After.
func (c *companion) backoff(attempt int, asked time.Duration) time.Duration {
	d := c.cfg.RetryBase << min(attempt-1, 16)
	if d > c.cfg.RetryMax || d <= 0 {
		d = c.cfg.RetryMax
	}
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	return max(d, asked)
}

type watched struct {
	sig     fileSig
	due     time.Time // debounce deadline; zero when idle
	retryAt time.Time // next retry; zero when nothing is pending
	attempt int
}

type fileSig struct {
	size int64
	mod  time.Time
}

func sigOf(path string) fileSig {
	st, err := os.Stat(path)
	if err != nil {
		return fileSig{}
	}
	return fileSig{st.Size(), st.ModTime()}
}

// watch runs until ctx ends: fsnotify on each SavedVariables folder (a
// folder, not the file, so WoW's write-to-temp-then-rename is seen), plus
// a poll of size and mtime in case events are lost (network drives, some
// Wine setups). Changes settle for the debounce time before the file is
// read; failed uploads are retried with back-off. Everything runs on this
// one goroutine.
func (c *companion) watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	dirs := map[string]bool{}
	files := map[string]*watched{}
	addDirs := func() {
		for _, d := range targets(c.cfg) {
			if dirs[d] {
				continue
			}
			if err := w.Add(d); err != nil {
				c.log.Warn("cannot watch folder", "dir", d, "err", err)
				continue
			}
			dirs[d] = true
			c.log.Info("watching", "dir", d)
		}
	}
	touch := func(path string, now time.Time) {
		f := files[path]
		if f == nil {
			f = &watched{}
			files[path] = f
		}
		f.due = now.Add(c.cfg.Debounce) // trailing edge: every change pushes it back
	}

	addDirs()
	if len(dirs) == 0 {
		c.log.Warn("no SavedVariables folder found yet; looking again every poll", "wow_dir", c.cfg.WoWDir)
	}
	now := time.Now()
	for _, p := range c.files() {
		files[p] = &watched{sig: sigOf(p)}
		touch(p, now.Add(-c.cfg.Debounce)) // catch up at start: due now
	}
	nextPoll := now.Add(c.cfg.Poll)
	timer := time.NewTimer(0)
	defer timer.Stop()

	for {
		next := nextPoll
		for _, f := range files {
			if !f.due.IsZero() && f.due.Before(next) {
				next = f.due
			}
			if !f.retryAt.IsZero() && f.retryAt.Before(next) {
				next = f.retryAt
			}
		}
		timer.Reset(max(time.Until(next), 0))
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if isTarget(c.cfg, ev.Name) && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
				touch(ev.Name, time.Now())
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			c.log.Warn("file watcher", "err", err)
		case <-timer.C:
		}

		now := time.Now()
		if !now.Before(nextPoll) {
			addDirs()
			for _, p := range c.files() {
				if f := files[p]; f == nil || f.sig != sigOf(p) {
					touch(p, now)
				}
			}
			nextPoll = now.Add(c.cfg.Poll)
		}
		paths := make([]string, 0, len(files))
		for p := range files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			f := files[p]
			dueNow := !f.due.IsZero() && !now.Before(f.due)
			retryNow := !f.retryAt.IsZero() && !now.Before(f.retryAt)
			if !dueNow && !retryNow {
				continue
			}
			f.due = time.Time{}
			f.sig = sigOf(p)
			r := c.handle(ctx, p)
			switch r.outcome {
			case done:
				f.retryAt, f.attempt = time.Time{}, 0
			case retry:
				f.attempt++
				wait := c.backoff(f.attempt, r.retryAfter)
				f.retryAt = time.Now().Add(wait)
				c.log.Warn(r.err.Error()+"; will retry", "file", p, "in", wait.Round(time.Millisecond).String())
			case permanent:
				f.retryAt, f.attempt = time.Time{}, 0
				c.log.Error(r.err.Error(), "file", p)
			}
		}
	}
}
