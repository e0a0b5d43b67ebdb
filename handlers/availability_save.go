package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/schedule"
)

// editorFromForm reads the editor's form back: timezone, and per weekday
// day_<i>_available, day_<i>_start, day_<i>_hours. copy_from=<i> (the
// "copy to all weekdays" button) copies that row onto every day.
func (s *Server) editorFromForm(c fiber.Ctx) AvailabilityEditor {
	ed := s.newAvailabilityEditor(c.FormValue("timezone"))
	ed.Timezone = c.FormValue("timezone")
	for d := range ed.Rows {
		row := &ed.Rows[d]
		p := "day_" + strconv.Itoa(d) + "_"
		row.Available = c.FormValue(p+"available") != ""
		row.Start = strings.TrimSpace(c.FormValue(p + "start"))
		row.Hours = strings.TrimSpace(c.FormValue(p + "hours"))
	}
	if from, err := strconv.Atoi(c.FormValue("copy_from")); err == nil && from >= 0 && from < 7 {
		src := ed.Rows[from]
		for d := range ed.Rows {
			ed.Rows[d].Available, ed.Rows[d].Start, ed.Rows[d].Hours = src.Available, src.Start, src.Hours
		}
	}
	return ed
}

// weekInput turns the checked rows into the service's input. Hours that
// are not a number become NaN so the service names the row.
func weekInput(ed AvailabilityEditor) []schedule.DayInput {
	var days []schedule.DayInput
	for _, row := range ed.Rows {
		if !row.Available {
			continue
		}
		h, err := strconv.ParseFloat(row.Hours, 64)
		if err != nil {
			h = -1
		}
		days = append(days, schedule.DayInput{DayOfWeek: row.Day, EarliestStart: row.Start, AvailableHours: h})
	}
	return days
}

// availabilitySave answers POST /availability: the whole week in one
// transaction. Errors come back beside their rows with 422 (the editor
// fragment for htmx, the page otherwise); success re-renders the editor
// (htmx) or redirects with a flash.
func (s *Server) availabilitySave(c fiber.Ctx) error {
	v := viewerOf(c)
	ed := s.editorFromForm(c)
	days := weekInput(ed)
	err := schedule.ReplaceWeek(s.db(c), v.PlayerID, ed.Timezone, days, s.Now())
	var we *schedule.WeekError
	switch {
	case fault.Is(err, fault.KindInvalid) && errors.As(err, &we):
		for _, re := range we.Rows {
			if re.Row < 0 {
				ed.Error = re.Message
				continue
			}
			row := &ed.Rows[days[re.Row].DayOfWeek]
			row.Error, row.Field = re.Message, re.Field
			if re.Field == "available_hours" && row.Hours != "" {
				if _, perr := strconv.ParseFloat(row.Hours, 64); perr != nil {
					row.Error = "available_hours must be a number, got " + strconv.Quote(row.Hours)
				}
			}
		}
		if !schedule.IsPlayerZone(ed.Timezone) {
			ed.Timezone = schedule.DefaultPlayerZone
		}
		return s.renderEditor(c, fiber.StatusUnprocessableEntity, ed)
	case err != nil:
		return err
	}
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/availability?flash=availability-saved")
	}
	ed.Saved = true
	return s.renderEditor(c, fiber.StatusOK, ed)
}

// availabilityPreview answers POST /availability/preview: the editor
// re-rendered from the form without saving (zone changes, "copy to all
// weekdays"), so the guild-clock column follows the inputs.
func (s *Server) availabilityPreview(c fiber.Ctx) error {
	ed := s.editorFromForm(c)
	if !schedule.IsPlayerZone(ed.Timezone) {
		ed.Timezone = schedule.DefaultPlayerZone
	}
	return s.renderEditor(c, fiber.StatusOK, ed)
}

// renderEditor answers with the editor: the fragment for htmx, the whole
// page for a plain form post.
func (s *Server) renderEditor(c fiber.Ctx, status int, ed AvailabilityEditor) error {
	s.fillGuildTimes(&ed)
	if tok, err := schedule.CalendarTokenFor(s.db(c), viewerOf(c).PlayerID, s.Now()); err == nil {
		ed.CalendarURL = s.calendarURL(tok)
	}
	if isHTMX(c) {
		return s.renderFragment(c, status, "partials/schedule/availability_editor", &Page{Data: availabilityPage{Editor: ed}})
	}
	return s.render(c, status, "pages/schedule/availability", &Page{Title: "Raid Availability", Data: availabilityPage{Editor: ed}})
}

// availabilityCalendarRegenerate answers POST /availability/calendar-token:
// a new feed URL; the old one stops working.
func (s *Server) availabilityCalendarRegenerate(c fiber.Ctx) error {
	if _, err := schedule.RegenerateCalendarToken(s.db(c), viewerOf(c).PlayerID, s.Now()); err != nil {
		return err
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/availability?flash=calendar-regenerated")
}
