package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/models"
	"patt/schedule"
)

// registerScheduleRoutes wires raid scheduling: the member's availability
// editor and calendar feed, the officers' availability dashboard and raid
// events, and their JSON API (spec scheduling §2–§7, §12). Middleware sits
// on each route, not on a shared prefix group, so it never leaks onto
// other areas' routes under the same prefix.
func (s *Server) registerScheduleRoutes(app *fiber.App) {
	officer := s.requireRank(OfficerLevel)

	app.Get("/availability", s.requireLogin, s.availabilityShow)
	app.Post("/availability", s.requireLogin, s.availabilitySave)
	app.Post("/availability/preview", s.requireLogin, s.availabilityPreview)
	app.Post("/availability/calendar-token", s.requireLogin, s.availabilityCalendarRegenerate)
	app.Get("/calendar/:file", s.calendarFeed)

	app.Get("/admin/availability", officer, s.adminAvailabilityShow)
	app.Post("/admin/availability/event-days/:day", officer, s.adminAvailabilityEventDaySave)
	app.Post("/admin/availability/event-days/:day/delete", officer, s.adminAvailabilityEventDayDelete)

	app.Get("/admin/raid-events", officer, s.adminRaidEventsList)
	app.Post("/admin/raid-events", officer, s.adminRaidEventsCreate)
	app.Get("/admin/raid-events/:id", officer, s.adminRaidEventsEdit)
	app.Post("/admin/raid-events/:id", officer, s.adminRaidEventsUpdate)
	app.Post("/admin/raid-events/:id/attendance/:player_id", officer, s.adminRaidEventsAttendanceToggle)

	app.Get("/api/v1/me/availability", s.requireLogin, s.scheduleAPIMyAvailability)
	app.Put("/api/v1/me/availability", s.requireLogin, s.scheduleAPIReplaceMyAvailability)
	app.Get("/api/v1/guild/availability", s.requireLogin, s.scheduleAPIGuildAvailability)
	app.Get("/api/v1/admin/availability-by-day", officer, s.scheduleAPIAvailabilityByDay)
	app.Get("/api/v1/admin/recurring-events", officer, s.scheduleAPIRecurringList)
	app.Post("/api/v1/admin/recurring-events", officer, s.scheduleAPIRecurringCreate)
	app.Patch("/api/v1/admin/recurring-events/:id", officer, s.scheduleAPIRecurringUpdate)
	app.Delete("/api/v1/admin/recurring-events/:id", officer, s.scheduleAPIRecurringDelete)
	app.Get("/api/v1/admin/raid-events", officer, s.scheduleAPIRaidEventsList)
	app.Post("/api/v1/admin/raid-events", officer, s.scheduleAPIRaidEventsCreate)
	app.Patch("/api/v1/admin/raid-events/:id", officer, s.scheduleAPIRaidEventsUpdate)
	app.Put("/api/v1/admin/raid-events/:id/attendance/:player_id", officer, s.scheduleAPIAttendanceSet)
	app.Get("/api/v1/admin/seasons/:id/attendance", officer, s.scheduleAPISeasonAttendance)
}

// scheduleStatus maps a schedule error to its status (decision 1) and the
// text the user may see; ok is false for an unexpected error (500).
func scheduleStatus(err error) (status int, msg string, ok bool) {
	var fe *schedule.FieldError
	var we *schedule.WeekError
	var re *schedule.RuleError
	switch {
	case errors.As(err, &we):
		return fiber.StatusUnprocessableEntity, we.Error(), true
	case errors.As(err, &fe):
		return fiber.StatusUnprocessableEntity, fe.Message, true
	case errors.As(err, &re) && errors.Is(err, schedule.ErrNotFound):
		return fiber.StatusNotFound, re.Message, true
	case errors.As(err, &re):
		return fiber.StatusConflict, re.Message, true
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fiber.StatusNotFound, "Not found", true
	}
	return fiber.StatusInternalServerError, "", false
}

// scheduleAPIError answers a schedule error as a JSON envelope.
func scheduleAPIError(c fiber.Ctx, err error) error {
	status, msg, ok := scheduleStatus(err)
	if !ok {
		return err
	}
	return apiError(c, status, msg)
}

// scheduleDecodeJSON reads the request body; callers answer 400 when it
// is malformed.
func scheduleDecodeJSON(c fiber.Ctx, v any) error {
	if err := json.Unmarshal(c.Body(), v); err != nil {
		return fmt.Errorf("Malformed JSON body: %v", err)
	}
	return nil
}

// scheduleIntParam reads a positive integer route parameter; anything else is 404
// (no such thing), as a wrong id would be.
func scheduleIntParam(c fiber.Ctx, name string) (int, bool) {
	n, err := strconv.Atoi(c.Params(name))
	return n, err == nil && n > 0
}

// scheduleViewerZone is the viewer's own time zone (players.timezone).
func (s *Server) scheduleViewerZone(c fiber.Ctx) string {
	v := viewerOf(c)
	if v == nil {
		return s.Config.GuildTimezone.String()
	}
	var p models.Player
	if err := s.db(c).Select("timezone").Take(&p, v.PlayerID).Error; err != nil || p.Timezone == "" {
		return schedule.DefaultPlayerZone
	}
	return p.Timezone
}
