package handlers

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v3"

	"patt/app/jobs"
	"patt/schedule"
	guildsync "patt/sync"
)

// The officers' guild sync page (spec guild_sync §10–§11, W8): the sync_log
// runs with their counts and errors, and "Sync now" with live progress. The
// progress lives in the database (the running sync_log row), so it survives
// a page reload; the runs fragment polls itself every two seconds while a
// run is going and stops when none is. Without JavaScript the page shows the
// same state and a Refresh link.

type syncRunRow struct {
	ID                           int
	Source, Status, Stage        string
	Started, Finished, Zone      string
	Duration                     string
	Found, Updated, New, Removed string
	Error                        string
	Running                      bool
	Done, Total, Percent         int
}

type syncPage struct {
	Runs     []syncRunRow
	Polling  bool
	Starting bool
	Zone     string
	Jobs     bool // the job runner is there (not in some tests)
}

func (s *Server) syncPageData(c fiber.Ctx, starting bool) (*syncPage, error) {
	logs, err := guildsync.RecentLogs(s.db(c), 25)
	if err != nil {
		return nil, err
	}
	zone := schedule.LoadZone(s.scheduleViewerZone(c))
	p := &syncPage{Starting: starting, Polling: starting, Zone: zone.String(), Jobs: s.Jobs != nil}
	for _, l := range logs {
		row := syncRunRow{ID: l.ID, Source: l.Source, Status: l.Status, Zone: zone.String(),
			Started: l.StartedAt.In(zone).Format("Mon Jan 2 15:04 MST"),
			Found:   optInt(l.CharactersFound), Updated: optInt(l.CharactersUpdated),
			New: optInt(l.CharactersNew), Removed: optInt(l.CharactersRemoved)}
		if l.Stage != nil {
			row.Stage = *l.Stage
		}
		if l.CompletedAt != nil {
			row.Finished = l.CompletedAt.In(zone).Format("15:04:05 MST")
		}
		if l.DurationSeconds != nil {
			row.Duration = fmt.Sprintf("%.1f s", *l.DurationSeconds)
		}
		if l.ErrorMessage != nil {
			row.Error = *l.ErrorMessage
		}
		if l.Status == guildsync.StatusRunning {
			row.Running, p.Polling = true, true
			if l.ProgressTotal != nil && *l.ProgressTotal > 0 {
				row.Total = *l.ProgressTotal
				if l.ProgressDone != nil {
					row.Done = *l.ProgressDone
				}
				row.Percent = row.Done * 100 / row.Total
			}
		}
		p.Runs = append(p.Runs, row)
	}
	if p.Polling && len(p.Runs) > 0 && p.Runs[0].Running {
		p.Starting = false
	}
	return p, nil
}

func optInt(p *int) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprint(*p)
}

// adminSyncShow is GET /admin/sync.
func (s *Server) adminSyncShow(c fiber.Ctx) error {
	data, err := s.syncPageData(c, false)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/sync", &Page{Title: "Guild Sync", Data: data})
}

// adminSyncRuns is the runs fragment the page polls.
func (s *Server) adminSyncRuns(c fiber.Ctx) error {
	data, err := s.syncPageData(c, false)
	if err != nil {
		return err
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/sync_runs", &Page{Data: data})
}

// adminSyncRun is POST /admin/sync/run: start the Blizzard sync now. A sync
// already running (here or on another instance) is a 409, never a second run.
func (s *Server) adminSyncRun(c fiber.Ctx) error {
	if s.Jobs == nil {
		return fiber.NewError(fiber.StatusServiceUnavailable, "Background jobs are not running.")
	}
	if c.FormValue("force") == "1" {
		guildsync.RequestForcedRun()
	}
	err := s.Jobs.RunNow(guildsync.JobBlizzard)
	status, flash := fiber.StatusOK, &Flash{Success: flashMessages["sync-started"]}
	switch {
	case errors.Is(err, jobs.ErrBusy):
		guildsync.CancelForcedRun()
		status, flash = fiber.StatusConflict, &Flash{Error: flashMessages["err-sync-busy"]}
	case err != nil:
		guildsync.CancelForcedRun()
		return err
	}
	if !isHTMX(c) {
		code := "sync-started"
		if status == fiber.StatusConflict {
			code = "err-sync-busy"
		}
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/sync?flash=" + code)
	}
	data, derr := s.syncPageData(c, status == fiber.StatusOK)
	if derr != nil {
		return derr
	}
	return s.renderFragment(c, status, "partials/admin/sync_runs", &Page{Data: data, Flash: flash})
}
