// Package jobs is the platform's one background-job runner. A job is a
// name, a schedule and a func(ctx) error; the runner alone decides when it
// runs, makes sure it never runs twice at once (in this process, and on
// Postgres across every instance, by an advisory lock per job), records
// each run in common.job_runs for the officers' Jobs page, survives a
// panic, and stops cleanly. Integrations add their jobs with one Add call.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Run statuses, as stored in common.job_runs.
const (
	StatusRunning     = "running"
	StatusOK          = "ok"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// Triggers: what started a run.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
)

// DefaultTimeout bounds a run whose Job sets none.
const DefaultTimeout = 15 * time.Minute

// ErrBusy: the job is running now (here or on another instance).
var ErrBusy = fault.Conflict("That job is already running.")

// ErrUnknownJob: no job has that name.
var ErrUnknownJob = fault.NotFound("There is no job with that name.")

// Job is one kind of background work.
type Job struct {
	// Name identifies the job in logs, locks and the jobs page: short,
	// lower-case, stable ("voting-checker", "blizzard-roster").
	Name string
	// Description says in a few words what it does, for officers.
	Description string
	// Schedule says when it runs; nil means only when started by hand.
	Schedule Schedule
	// Run does the work. It must return when ctx ends.
	Run func(ctx context.Context) error
	// Timeout bounds one run; zero means DefaultTimeout.
	Timeout time.Duration
}

// Info describes a registered job for the jobs page.
type Info struct {
	Name, Description, Schedule string
	Running                     bool
	NextAt                      *time.Time
}

type entry struct {
	job     Job
	running atomic.Bool
	mu      sync.Mutex
	nextAt  *time.Time
}

// Runner runs the registered jobs. Create it with New, Add jobs, Start it
// once, Stop it once.
type Runner struct {
	db       *gorm.DB
	log      *slog.Logger
	clock    func() time.Time
	instance string

	mu      sync.Mutex
	entries map[string]*entry
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New makes a runner that records runs in db and takes its locks there.
func New(db *gorm.DB, log *slog.Logger, clock func() time.Time) *Runner {
	if log == nil {
		log = slog.Default()
	}
	if clock == nil {
		clock = func() time.Time { return time.Now().UTC() }
	}
	host, _ := os.Hostname()
	return &Runner{db: db, log: log, clock: clock, instance: fmt.Sprintf("%s:%d", host, os.Getpid()),
		entries: map[string]*entry{}}
}

// Add registers jobs. A job added after Start is scheduled at once.
func (r *Runner) Add(jobs ...Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range jobs {
		switch {
		case strings.TrimSpace(j.Name) == "":
			return errors.New("jobs: a job needs a name")
		case j.Run == nil:
			return fmt.Errorf("jobs: job %q has no Run func", j.Name)
		case r.entries[j.Name] != nil:
			return fmt.Errorf("jobs: job %q is registered twice", j.Name)
		}
		e := &entry{job: j}
		r.entries[j.Name] = e
		if r.ctx != nil && j.Schedule != nil {
			r.wg.Add(1)
			go r.loop(e)
		}
	}
	return nil
}

// Start closes runs a crash left open and schedules every job until ctx
// ends or Stop is called.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx != nil {
		return
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	for _, e := range r.entries {
		r.sweep(e)
		if e.job.Schedule != nil {
			r.wg.Add(1)
			go r.loop(e)
		}
	}
}

// Stop cancels running jobs and waits for them, at most until ctx ends.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	cancel := r.cancel
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("jobs still running at shutdown: %s", strings.Join(r.runningNames(), ", "))
	}
}

func (r *Runner) runningNames() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for n, e := range r.entries {
		if e.running.Load() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Jobs lists the registered jobs by name.
func (r *Runner) Jobs() []Info {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Info, 0, len(r.entries))
	for _, e := range r.entries {
		in := Info{Name: e.job.Name, Description: e.job.Description, Schedule: "by hand only",
			Running: e.running.Load()}
		if e.job.Schedule != nil {
			in.Schedule = e.job.Schedule.String()
		}
		e.mu.Lock()
		in.NextAt = e.nextAt
		e.mu.Unlock()
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (r *Runner) entry(name string) (*entry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[name]
	if e == nil {
		return nil, fmt.Errorf("job %q: %w", name, ErrUnknownJob)
	}
	return e, nil
}

// RunNow starts a job by hand in the background and returns at once. It
// answers ErrBusy when the job is already running, here or elsewhere.
func (r *Runner) RunNow(name string) error {
	e, err := r.entry(name)
	if err != nil {
		return err
	}
	r.mu.Lock()
	ctx := r.ctx
	r.mu.Unlock()
	if ctx == nil || ctx.Err() != nil {
		return fault.Unavailable("Background jobs are not running.")
	}
	release, err := r.acquire(ctx, e)
	if err != nil {
		return err
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.execute(ctx, e, TriggerManual, release)
	}()
	return nil
}

// RunAndWait runs a job by hand and waits for it (the CLI and tests). The
// run is recorded like any other.
func (r *Runner) RunAndWait(ctx context.Context, name string) (models.JobRun, error) {
	e, err := r.entry(name)
	if err != nil {
		return models.JobRun{}, err
	}
	release, err := r.acquire(ctx, e)
	if err != nil {
		return models.JobRun{}, err
	}
	run := r.execute(ctx, e, TriggerManual, release)
	if run.Status != StatusOK {
		msg := ""
		if run.Error != nil {
			msg = *run.Error
		}
		return run, fmt.Errorf("job %s %s: %s", name, run.Status, msg)
	}
	return run, nil
}

func (r *Runner) loop(e *entry) {
	defer r.wg.Done()
	sched := e.job.Schedule
	next := sched.Next(r.clock())
	if sched.AtStart() {
		next = r.clock()
	}
	for {
		e.mu.Lock()
		at := next
		e.nextAt = &at
		e.mu.Unlock()
		timer := time.NewTimer(max(next.Sub(r.clock()), 0))
		select {
		case <-r.ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if r.ctx.Err() != nil {
			return // both were ready and select chose the timer
		}
		started := r.clock()
		if release, err := r.acquire(r.ctx, e); err == nil {
			r.execute(r.ctx, e, TriggerSchedule, release)
		} else if !errors.Is(err, ErrBusy) {
			r.log.Error("job not started", "job", e.job.Name, "err", err)
		}
		next = sched.Next(started)
		if now := r.clock(); next.Before(now) {
			next = now
		}
	}
}

// lockKey is the job's Postgres advisory lock: the same on every instance.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("patt.job:" + name))
	return int64(h.Sum64())
}

// acquire takes the job's process flag and, on Postgres, its advisory lock
// on a connection held for the whole run. It answers ErrBusy when either is
// taken. release gives both back.
func (r *Runner) acquire(ctx context.Context, e *entry) (release func(), err error) {
	if !e.running.CompareAndSwap(false, true) {
		return nil, ErrBusy
	}
	if models.DialectOf(r.db) != models.Postgres {
		return func() { e.running.Store(false) }, nil
	}
	fail := func(err error) (func(), error) { e.running.Store(false); return nil, err }
	sqlDB, err := r.db.DB()
	if err != nil {
		return fail(err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fail(fmt.Errorf("job %s: lock connection: %w", e.job.Name, err))
	}
	key := lockKey(e.job.Name)
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		conn.Close()
		return fail(fmt.Errorf("job %s: lock: %w", e.job.Name, err))
	}
	if !got {
		conn.Close()
		return fail(ErrBusy)
	}
	return func() {
		unlockCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(unlockCtx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			// Closing the connection below releases the lock anyway.
			r.log.Warn("job unlock", "job", e.job.Name, "err", err)
		}
		conn.Close()
		e.running.Store(false)
	}, nil
}

// sweep closes the job's runs that a crash left open, if nobody holds the
// job now.
func (r *Runner) sweep(e *entry) {
	release, err := r.acquire(r.ctx, e)
	if err != nil {
		return
	}
	defer release()
	if err := r.closeInterrupted(r.ctx, e.job.Name, r.clock()); err != nil {
		r.log.Warn("job: close interrupted runs", "job", e.job.Name, "err", err)
	}
}

// closeInterrupted marks runs still "running" as interrupted. Only called
// while holding the job's lock, so none of them can really be running.
func (r *Runner) closeInterrupted(ctx context.Context, job string, now time.Time) error {
	msg := "the process running it stopped before it finished"
	return r.db.WithContext(ctx).Model(&models.JobRun{}).
		Where("job = ? AND status = ?", job, StatusRunning).
		Updates(map[string]any{"status": StatusInterrupted, "finished_at": now, "error": msg}).Error
}

type reportKey struct{}

type report struct {
	mu    sync.Mutex
	lines []string
}

// Report adds a line to the summary of the run ctx belongs to ("activated
// campaign 3"); outside a job it does nothing.
func Report(ctx context.Context, format string, args ...any) {
	rep, _ := ctx.Value(reportKey{}).(*report)
	if rep == nil {
		return
	}
	rep.mu.Lock()
	rep.lines = append(rep.lines, fmt.Sprintf(format, args...))
	rep.mu.Unlock()
}

// execute runs the job once, with its lock held, and records the run.
func (r *Runner) execute(ctx context.Context, e *entry, trigger string, release func()) models.JobRun {
	defer release()
	name := e.job.Name
	// Recording must outlive a cancelled run (shutdown), briefly.
	rec := r.db.WithContext(context.WithoutCancel(ctx))
	start := r.clock()
	if err := r.closeInterrupted(context.WithoutCancel(ctx), name, start); err != nil {
		r.log.Warn("job: close interrupted runs", "job", name, "err", err)
	}
	run := models.JobRun{Job: name, Trigger: trigger, Status: StatusRunning, Instance: r.instance, StartedAt: start}
	if err := rec.Create(&run).Error; err != nil {
		r.log.Error("job: record start", "job", name, "err", err)
	}
	r.log.Info("job started", "job", name, "trigger", trigger)

	timeout := e.job.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rep := &report{}
	runCtx, cancel := context.WithTimeout(context.WithValue(ctx, reportKey{}, rep), timeout)
	err := r.call(runCtx, e)
	cancel()

	end := r.clock()
	ms := int(end.Sub(start).Milliseconds())
	run.FinishedAt, run.DurationMs, run.Status = &end, &ms, StatusOK
	if len(rep.lines) > 0 {
		s := strings.Join(rep.lines, "\n")
		run.Summary = &s
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		run.Status = StatusInterrupted
		msg := "stopped by shutdown: " + err.Error()
		run.Error = &msg
	default:
		run.Status = StatusFailed
		msg := err.Error()
		run.Error = &msg
	}
	if run.ID != 0 {
		if err := rec.Model(&models.JobRun{}).Where("id = ?", run.ID).Updates(map[string]any{
			"status": run.Status, "finished_at": end, "duration_ms": ms, "summary": run.Summary, "error": run.Error,
		}).Error; err != nil {
			r.log.Error("job: record end", "job", name, "err", err)
		}
	}
	if run.Status == StatusOK {
		r.log.Info("job finished", "job", name, "status", run.Status, "duration_ms", ms)
	} else {
		r.log.Error("job finished", "job", name, "status", run.Status, "duration_ms", ms, "err", err)
	}
	return run
}

// call runs the job's func, turning a panic into an error.
func (r *Runner) call(ctx context.Context, e *entry) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("job panicked", "job", e.job.Name, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return e.job.Run(ctx)
}

// Recent lists the latest runs, newest first; job "" means every job.
func Recent(db *gorm.DB, job string, limit int) ([]models.JobRun, error) {
	q := db.Order("started_at DESC, id DESC").Limit(limit)
	if job != "" {
		q = q.Where("job = ?", job)
	}
	var runs []models.JobRun
	if err := q.Find(&runs).Error; err != nil {
		return nil, fmt.Errorf("list job runs: %w", err)
	}
	return runs, nil
}
