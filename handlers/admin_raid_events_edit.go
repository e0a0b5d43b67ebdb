package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/models"
	"patt/schedule"
)

// raidEventPage is /admin/raid-events/{id}: the event's form and its
// attendance sheet.
type raidEventPage struct {
	Form     raidEventForm
	Nights   []nightOption
	Lines    []attendanceLineView
	Season   string
	StartUTC string
}

type attendanceLineView struct {
	CSRF    string
	EventID int
	schedule.AttendanceLine
	RoleClass string
	Error     string
}

// adminRaidEventsEdit renders GET /admin/raid-events/{id}.
func (s *Server) adminRaidEventsEdit(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	e, err := schedule.RaidEventByID(s.db(c), id)
	if err != nil {
		if fault.Is(err, fault.KindNotFound) {
			return fiber.ErrNotFound
		}
		return err
	}
	return s.renderRaidEvent(c, fiber.StatusOK, e, s.formOf(e))
}

func (s *Server) formOf(e models.RaidEvent) raidEventForm {
	f := raidEventForm{ID: e.ID, Title: e.Title, Date: e.EventDate.String(), Start: e.StartTimeUTC.In(s.Config.GuildTimezone).Format("15:04"),
		Duration: strconv.Itoa(int(e.EndTimeUTC.Sub(e.StartTimeUTC) / time.Minute))}
	if e.Notes != nil {
		f.Notes = *e.Notes
	}
	if e.LogURL != nil {
		f.LogURL = *e.LogURL
	}
	if e.RecurringEventID != nil {
		f.RecurringID = *e.RecurringEventID
	}
	return f
}

func (s *Server) renderRaidEvent(c fiber.Ctx, status int, e models.RaidEvent, form raidEventForm) error {
	page := raidEventPage{Form: form, Season: "—", StartUTC: e.StartTimeUTC.UTC().Format("2006-01-02 15:04 UTC")}
	if e.SeasonID != nil {
		if se, err := schedule.SeasonByID(s.db(c), *e.SeasonID); err == nil {
			page.Season = se.Name
		}
	}
	nights, err := schedule.ListRaidNights(s.db(c))
	if err != nil {
		return err
	}
	for _, n := range nights {
		page.Nights = append(page.Nights, nightOption{ID: n.ID, Label: schedule.DayNames[n.DayOfWeek] + " · " + n.Label, Selected: n.ID == form.RecurringID})
	}
	page.Form.Zone, page.Form.Nights = s.Config.GuildTimezone.String(), page.Nights
	lines, err := schedule.EventAttendance(s.db(c), e.ID)
	if err != nil {
		return err
	}
	for _, l := range lines {
		page.Lines = append(page.Lines, attendanceLineView{CSRF: csrfToken(c), EventID: e.ID, AttendanceLine: l, RoleClass: roleClass(l.MainRole)})
	}
	return s.renderAdmin(c, status, "pages/admin/raid_events_edit", &Page{Title: e.Title, Data: page})
}

// adminRaidEventsUpdate answers POST /admin/raid-events/{id}.
func (s *Server) adminRaidEventsUpdate(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	form := raidEventFormFrom(c)
	form.ID = id
	e, err := schedule.UpdateRaidEvent(s.db(c), id, form.input(), s.Config.GuildTimezone)
	if err != nil {
		if fault.Is(err, fault.KindNotFound) {
			return fiber.ErrNotFound
		}
		if !form.fieldErrors(err) {
			return err
		}
		old, lerr := schedule.RaidEventByID(s.db(c), id)
		if lerr != nil {
			return lerr
		}
		return s.renderRaidEvent(c, fiber.StatusUnprocessableEntity, old, form)
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/raid-events/" + strconv.Itoa(e.ID) + "?flash=raid-event-saved")
}
