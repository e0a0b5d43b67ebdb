package handlers

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/app/jobs"
	"patt/fault"
	"patt/schedule"
	guildsync "patt/sync"
	"patt/sync/realms"
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
	Settings syncSettingsCard
}

// syncSettingsCard is the Blizzard connection card: what a run uses and
// where it comes from, and the form officers save (the secret is never
// put back into the page; only its last four characters are shown).
type syncSettingsCard struct {
	Conn    guildsync.Connection
	Form    guildsync.SettingsInput
	Errors  map[string]string
	Message string
	Failed  bool
	Regions []string
	Realms  []string
	Saved   string // when and by whom, on the viewer's clock
}

func (s *Server) syncPageData(c fiber.Ctx, starting bool) (*syncPage, error) {
	logs, err := guildsync.RecentLogs(s.db(c), 25)
	if err != nil {
		return nil, err
	}
	zone := schedule.LoadZone(s.scheduleViewerZone(c))
	p := &syncPage{Starting: starting, Polling: starting, Zone: zone.String(), Jobs: s.Jobs != nil}
	conn, err := guildsync.LoadConnection(c.Context(), s.db(c), s.Config)
	if err != nil {
		return nil, err
	}
	p.Settings = syncSettingsCard{Conn: conn, Regions: guildsync.Regions, Realms: realms.Known(),
		Form: guildsync.SettingsInput{ClientID: conn.ClientID, Region: conn.Region, Realm: conn.RealmName, Guild: conn.GuildName}}
	if conn.Source == guildsync.SourceEnvironment {
		// The form edits the site's settings, not the environment's.
		p.Settings.Form.ClientID = ""
	}
	if conn.UpdatedAt != nil {
		p.Settings.Saved = conn.UpdatedAt.In(zone).Format("Mon Jan 2 15:04 MST") + " by " + conn.UpdatedBy
	}
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

func syncSettingsForm(c fiber.Ctx) guildsync.SettingsInput {
	return guildsync.SettingsInput{ClientID: c.FormValue("client_id"), ClientSecret: c.FormValue("client_secret"),
		Region: c.FormValue("region"), Realm: c.FormValue("realm"), Guild: c.FormValue("guild")}
}

// renderSyncSettings shows the page with the settings card's outcome.
func (s *Server) renderSyncSettings(c fiber.Ctx, status int, form *guildsync.SettingsInput, errs map[string]string, msg string, failed bool) error {
	data, err := s.syncPageData(c, false)
	if err != nil {
		return err
	}
	if form != nil {
		form.ClientSecret = "" // never echoed
		data.Settings.Form = *form
	}
	data.Settings.Errors, data.Settings.Message, data.Settings.Failed = errs, msg, failed
	return s.renderAdmin(c, status, "pages/admin/sync", &Page{Title: "Guild Sync", Data: data})
}

// adminSyncSettingsSave is POST /admin/sync/settings: the Blizzard client
// id and secret (sealed; an empty secret keeps the saved one), region,
// realm and guild. Bad input is 422 with the fields named; the secret is
// never logged or shown back.
func (s *Server) adminSyncSettingsSave(c fiber.Ctx) error {
	form := syncSettingsForm(c)
	officer := viewerOf(c).DisplayName
	err := guildsync.SaveSettings(c.Context(), s.db(c), s.Config, form, officer, s.Now())
	if err != nil {
		if fault.KindOf(err) != fault.KindInvalid {
			return err
		}
		return s.renderSyncSettings(c, fiber.StatusUnprocessableEntity, &form, fault.FieldsOf(err), fault.MessageOf(err), true)
	}
	s.Log.Info("blizzard settings saved", "by", officer, "client_id", form.ClientID, "region", form.Region, "realm", form.Realm, "guild", form.Guild)
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/sync?flash=blizzard-saved#sync-settings")
}

// adminSyncSettingsTest is POST /admin/sync/settings/test: a token and the
// guild's roster with the form's values (an empty secret: the saved one),
// or with the connection in use when the form is empty. Refused
// credentials or an unknown guild answer 422 saying which; Blizzard down
// 503. Nothing is saved.
func (s *Server) adminSyncSettingsTest(c fiber.Ctx) error {
	ctx, db := c.Context(), s.db(c)
	conn, err := guildsync.LoadConnection(ctx, db, s.Config)
	if err != nil {
		return err
	}
	form := syncSettingsForm(c)
	var formShown *guildsync.SettingsInput
	if form.ClientID != "" {
		formShown = &form
		conn, err = guildsync.ConnectionFromForm(ctx, db, s.Config, form)
		if err != nil {
			if fault.KindOf(err) != fault.KindInvalid {
				return err
			}
			return s.renderSyncSettings(c, fiber.StatusUnprocessableEntity, formShown, fault.FieldsOf(err), fault.MessageOf(err), true)
		}
	}
	res, err := guildsync.TestConnection(ctx, s.Config, conn)
	if err != nil {
		status, msg, known := shown(c, err)
		if !known {
			return err
		}
		return s.renderSyncSettings(c, status, formShown, fault.FieldsOf(err), "✗ "+msg, true)
	}
	msg := "✓ Connected — " + res.GuildName + " on " + res.RealmName + ": " + strconv.Itoa(res.Members) + " members on the roster"
	return s.renderSyncSettings(c, fiber.StatusOK, formShown, nil, msg, false)
}
