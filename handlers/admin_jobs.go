package handlers

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/app/jobs"
	"patt/fault"
	"patt/models"
)

// The officers' Jobs page: every background job the runner knows (what it
// does, when it runs, whether it runs now, when next) and the latest runs
// recorded in common.job_runs, with a "Run now" button per job. While
// something runs, the panel polls itself so the run's outcome appears
// without a reload.

// recentJobRuns is how many runs the page lists.
const recentJobRuns = 30

// jobsPollEvery is how often the panel refreshes while a job runs.
const jobsPollEvery = "2s"

type jobRow struct {
	Name, Description, Schedule string
	Running                     bool
	Next                        string // in the viewer's zone; "" for by-hand jobs
}

type jobRunRow struct {
	Job, Status, StatusClass, Trigger string
	Started, Duration                 string
	Summary, Error                    string
}

type jobsView struct {
	// Zone labels every time on the page (the viewer's own zone).
	Zone string
	// NoRunner: this process has no job runner (tests that build handlers
	// alone); the runs recorded so far are still listed.
	NoRunner bool
	Jobs     []jobRow
	Runs     []jobRunRow
	// Polling while any job runs, here or (by its recorded run) elsewhere.
	Polling   bool
	PollEvery string
	// Error is a refused "Run now" (already running), shown in the panel.
	Error string
}

// GET /admin/jobs
func (s *Server) adminJobsShow(c fiber.Ctx) error {
	v, err := s.jobsView(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/jobs", &Page{Title: "Jobs", Data: v})
}

// GET /admin/jobs/panel — the two tables, polled while a job runs.
func (s *Server) adminJobsPanel(c fiber.Ctx) error {
	v, err := s.jobsView(c)
	if err != nil {
		return err
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/jobs_panel", &Page{Data: v})
}

// POST /admin/jobs/:name/run — start the job now, in the background. A job
// already running answers 409 with the panel and the reason; an unknown
// name is 404.
func (s *Server) adminJobRun(c fiber.Ctx) error {
	name := c.Params("name")
	if s.Jobs == nil {
		return fault.Unavailable("Background jobs are not running in this process.")
	}
	// Unknown job (404) and a stopped runner (503) go to the one error
	// translator; only "already running" has its own answer, the panel.
	err := s.Jobs.RunNow(name)
	if errors.Is(err, jobs.ErrBusy) {
		return s.jobRunRefused(c, fmt.Sprintf("%s is already running. Its run shows below when it ends; start it again after that.", name))
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/jobs?flash=job-started")
	}
	c.Set("HX-Trigger", fmt.Sprintf(`{"showToast":{"message":%q,"level":"success"}}`, "Started "+name+"."))
	return s.adminJobsPanel(c)
}

// jobRunRefused answers 409: the panel with the message (htmx swaps 409
// HTML in place), or the whole page with it as a banner.
func (s *Server) jobRunRefused(c fiber.Ctx, msg string) error {
	v, err := s.jobsView(c)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		v.Error = msg
		return s.renderFragment(c, fiber.StatusConflict, "partials/admin/jobs_panel", &Page{Data: v})
	}
	return s.renderAdmin(c, fiber.StatusConflict, "pages/admin/jobs", &Page{Title: "Jobs", Data: v, Flash: &Flash{Error: msg}})
}

func (s *Server) jobsView(c fiber.Ctx) (*jobsView, error) {
	zone, err := time.LoadLocation(s.scheduleViewerZone(c))
	if err != nil {
		zone = s.Config.GuildTimezone
	}
	const stamp = "Jan 02 15:04:05 MST"
	v := &jobsView{Zone: zoneLabel(zone, s.Now()), NoRunner: s.Jobs == nil, PollEvery: jobsPollEvery}
	if s.Jobs != nil {
		for _, in := range s.Jobs.Jobs() {
			row := jobRow{Name: in.Name, Description: in.Description, Schedule: in.Schedule, Running: in.Running}
			if in.NextAt != nil && !in.Running {
				row.Next = in.NextAt.In(zone).Format(stamp)
			}
			v.Polling = v.Polling || in.Running
			v.Jobs = append(v.Jobs, row)
		}
	}
	runs, err := jobs.Recent(s.db(c), "", recentJobRuns)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		row := jobRunRow{Job: r.Job, Status: r.Status, StatusClass: jobStatusClass(r.Status), Trigger: r.Trigger,
			Started: r.StartedAt.In(zone).Format(stamp), Duration: jobDuration(r)}
		if r.Summary != nil {
			row.Summary = *r.Summary
		}
		if r.Error != nil {
			row.Error = *r.Error
		}
		v.Polling = v.Polling || r.Status == jobs.StatusRunning
		v.Runs = append(v.Runs, row)
	}
	return v, nil
}

// zoneLabel names a zone for a page's "times in …" line: its IANA name and
// its abbreviation now ("America/Chicago (CST)").
func zoneLabel(zone *time.Location, now time.Time) string {
	abbr, _ := now.In(zone).Zone()
	if abbr == zone.String() {
		return abbr
	}
	return zone.String() + " (" + abbr + ")"
}

func jobStatusClass(status string) string {
	switch status {
	case jobs.StatusOK:
		return "success"
	case jobs.StatusRunning:
		return "live"
	case jobs.StatusFailed:
		return "danger"
	}
	return "warning" // interrupted, skipped
}

// jobDuration is a run's length for people: "340 ms", "4.2 s", "3 min 5 s".
func jobDuration(r models.JobRun) string {
	if r.DurationMs == nil {
		return ""
	}
	d := time.Duration(*r.DurationMs) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + " s"
	default:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
}
