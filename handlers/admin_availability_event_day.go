package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/schedule"
)

// adminAvailabilityEventDaySave answers POST
// /admin/availability/event-days/{day}: the row's auto-save (spec §5.3).
// Turning on a weekday without a recurring event creates one; a weekday
// with one is updated (turning it off deactivates it, keeping history);
// turning off a weekday that has none does nothing. htmx gets the row back
// (422/409 with the message in it); a plain form is redirected.
func (s *Server) adminAvailabilityEventDaySave(c fiber.Ctx) error {
	day, err := atoiParam(c, "day")
	if err != nil || day < 0 || day > 6 {
		return fiber.ErrNotFound
	}
	row, err := s.eventDayRow(s.db(c), day)
	if err != nil {
		return err
	}
	active := c.FormValue("active") != ""
	label := strings.TrimSpace(c.FormValue("label"))
	if label == "" {
		label = "Event"
	}
	start := c.FormValue("start")
	if start == "" {
		start = "21:00"
	}
	duration, derr := strconv.Atoi(c.FormValue("duration"))
	if derr != nil {
		duration = row.Duration
	}
	public := c.FormValue("public") != ""
	in := schedule.RaidNightInput{Label: &label, DefaultStartTime: &start, DefaultDurationMinutes: &duration, IsActive: &active, DisplayOnPublic: &public}

	var saveErr error
	switch {
	case row.ID == 0 && !active:
		// nothing stored, nothing to store
	case row.ID == 0:
		in.DayOfWeek = &day
		_, saveErr = schedule.CreateRaidNight(s.db(c), in, s.Now())
	default:
		_, saveErr = schedule.UpdateRaidNight(s.db(c), row.ID, in, s.Now())
	}
	return s.answerEventDay(c, day, saveErr, RaidNightFormValues{Active: active, Label: label, Start: start, Duration: duration, Public: public})
}

// RaidNightFormValues are what the officer typed, kept on a refused save.
type RaidNightFormValues struct {
	Active   bool
	Label    string
	Start    string
	Duration int
	Public   bool
}

// adminAvailabilityEventDayDelete answers POST
// /admin/availability/event-days/{day}/delete: removes the weekday's
// recurring event (409 while raid events point at it).
func (s *Server) adminAvailabilityEventDayDelete(c fiber.Ctx) error {
	day, err := atoiParam(c, "day")
	if err != nil || day < 0 || day > 6 {
		return fiber.ErrNotFound
	}
	row, err := s.eventDayRow(s.db(c), day)
	if err != nil {
		return err
	}
	var delErr error
	if row.ID != 0 {
		delErr = schedule.DeleteRaidNight(s.db(c), row.ID)
	}
	return s.answerEventDay(c, day, delErr, RaidNightFormValues{})
}

func (s *Server) eventDayRow(db *gorm.DB, day int) (EventDayRow, error) {
	night, err := schedule.RaidNightOfDay(db, day)
	if err != nil {
		return EventDayRow{}, err
	}
	return eventDayRowOf(day, night), nil
}

func (s *Server) answerEventDay(c fiber.Ctx, day int, saveErr error, typed RaidNightFormValues) error {
	status := fiber.StatusOK
	msg := ""
	if saveErr != nil {
		st, ok := refusal(saveErr)
		if !ok {
			return saveErr
		}
		status, msg = st, fault.MessageOf(saveErr)
	}
	if !isHTMX(c) {
		if saveErr != nil {
			return saveErr
		}
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/availability?flash=event-day-saved")
	}
	row, err := s.eventDayRow(s.db(c), day)
	if err != nil {
		return err
	}
	if saveErr != nil {
		row.Error = msg
		if typed.Label != "" {
			row.Active, row.Label, row.Start, row.Duration, row.Public = typed.Active, typed.Label, typed.Start, typed.Duration, typed.Public
			row.Options = eventDurations(row.Duration)
		}
	} else {
		row.Saved = true
	}
	row.CSRF = csrfToken(c)
	return s.renderFragment(c, status, "partials/schedule/event_day_row_fragment", &Page{Data: row})
}
