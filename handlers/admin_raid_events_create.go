package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/schedule"
)

// raidEventFormFrom reads the create/edit form.
func raidEventFormFrom(c fiber.Ctx) raidEventForm {
	f := raidEventForm{Title: strings.TrimSpace(c.FormValue("title")), Date: strings.TrimSpace(c.FormValue("event_date")),
		Start: strings.TrimSpace(c.FormValue("start_time")), Duration: strings.TrimSpace(c.FormValue("duration_minutes")),
		Notes: c.FormValue("notes"), LogURL: strings.TrimSpace(c.FormValue("log_url"))}
	f.RecurringID, _ = strconv.Atoi(c.FormValue("recurring_event_id"))
	return f
}

// input turns the form into the service's input; a duration that is not a
// number is reported as the service would report a bad one.
func (f raidEventForm) input() schedule.RaidEventInput {
	d, err := strconv.Atoi(f.Duration)
	if err != nil {
		d = -1
	}
	rec := f.RecurringID
	return schedule.RaidEventInput{Title: &f.Title, EventDate: &f.Date, StartTime: &f.Start, DurationMinutes: &d,
		Notes: &f.Notes, LogURL: &f.LogURL, RecurringEventID: &rec}
}

// fieldErrors turns a schedule error into the form's field errors, or
// returns false for an unexpected error.
func (f *raidEventForm) fieldErrors(err error) bool {
	fields := fault.FieldsOf(err)
	if !fault.Is(err, fault.KindInvalid) || len(fields) == 0 {
		return false
	}
	f.Errors = fields
	return true
}

// adminRaidEventsCreate answers POST /admin/raid-events.
func (s *Server) adminRaidEventsCreate(c fiber.Ctx) error {
	form := raidEventFormFrom(c)
	e, err := schedule.CreateRaidEvent(s.db(c), form.input(), s.Config.GuildTimezone, viewerOf(c).PlayerID, s.Now())
	if err != nil {
		if !form.fieldErrors(err) {
			return err
		}
		page, perr := s.raidEventsPage(c, form)
		if perr != nil {
			return perr
		}
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, "pages/admin/raid_events", &Page{Title: "Raid Events", Data: page})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/raid-events/" + strconv.Itoa(e.ID) + "?flash=raid-event-saved")
}
