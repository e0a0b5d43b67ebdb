package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/schedule"
)

// recurringEventJSON is a recurring event as the API shows it (spec §5.1).
type recurringEventJSON struct {
	ID                     int     `json:"id"`
	Label                  string  `json:"label"`
	EventType              string  `json:"event_type"`
	DayOfWeek              int     `json:"day_of_week"`
	DefaultStartTime       string  `json:"default_start_time"`
	DefaultDurationMinutes int     `json:"default_duration_minutes"`
	DiscordChannelID       *string `json:"discord_channel_id"`
	RaidHelperTemplateID   string  `json:"raid_helper_template_id"`
	IsActive               bool    `json:"is_active"`
	DisplayOnPublic        bool    `json:"display_on_public"`
}

func recurringJSON(e models.RecurringEvent) recurringEventJSON {
	return recurringEventJSON{ID: e.ID, Label: e.Label, EventType: e.EventType, DayOfWeek: e.DayOfWeek,
		DefaultStartTime: schedule.HHMM(e.DefaultStartTime), DefaultDurationMinutes: e.DefaultDurationMinutes,
		DiscordChannelID: e.DiscordChannelID, RaidHelperTemplateID: e.RaidHelperTemplateID, IsActive: e.IsActive, DisplayOnPublic: e.DisplayOnPublic}
}

// scheduleAPIAvailabilityByDay answers GET /api/v1/admin/availability-by-day
// (spec §4.2, with the conversions and the raid-slot count). ?week_of=
// (any date of the week, YYYY-MM-DD) picks the week; default this week.
func (s *Server) scheduleAPIAvailabilityByDay(c fiber.Ctx) error {
	monday, err := schedule.ParseWeek("week_of", c.Query("week_of"), s.Now(), s.Config.GuildTimezone)
	if err != nil {
		return err
	}
	out, err := schedule.LoadAvailabilityByDayWeek(s.db(c), s.Config.GuildTimezone, monday)
	if err != nil {
		return err
	}
	return apiOK(c, out)
}

// scheduleAPIRecurringList answers GET /api/v1/admin/recurring-events.
func (s *Server) scheduleAPIRecurringList(c fiber.Ctx) error {
	events, err := schedule.ListRaidNights(s.db(c))
	if err != nil {
		return err
	}
	out := make([]recurringEventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, recurringJSON(e))
	}
	return apiOK(c, out)
}

// scheduleAPIRecurringCreate answers POST /api/v1/admin/recurring-events:
// 422 for bad fields, 409 for a second active event on a weekday.
func (s *Server) scheduleAPIRecurringCreate(c fiber.Ctx) error {
	var in schedule.RaidNightInput
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	e, err := schedule.CreateRaidNight(s.db(c), in, s.Now())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: recurringJSON(e)})
}

// scheduleAPIRecurringUpdate answers PATCH /api/v1/admin/recurring-events/{id}.
func (s *Server) scheduleAPIRecurringUpdate(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Recurring event "+c.Params("id")+" not found")
	}
	var in schedule.RaidNightInput
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	e, err := schedule.UpdateRaidNight(s.db(c), id, in, s.Now())
	if err != nil {
		return err
	}
	return apiOK(c, recurringJSON(e))
}

// scheduleAPIRecurringDelete answers DELETE /api/v1/admin/recurring-events/{id}:
// 409 while raid events point at it.
func (s *Server) scheduleAPIRecurringDelete(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Recurring event "+c.Params("id")+" not found")
	}
	if err := schedule.DeleteRaidNight(s.db(c), id); err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"deleted": id})
}
