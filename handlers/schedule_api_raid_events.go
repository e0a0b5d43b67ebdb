package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/models"
	"patt/schedule"
)

// raidEventJSON is a raid event as the API shows it: instants in UTC, and
// the date and start on the guild's clock.
type raidEventJSON struct {
	ID               int       `json:"id"`
	Title            string    `json:"title"`
	SeasonID         *int      `json:"season_id"`
	EventDate        string    `json:"event_date"`
	StartTime        string    `json:"start_time"`
	DurationMinutes  int       `json:"duration_minutes"`
	StartTimeUTC     time.Time `json:"start_time_utc"`
	EndTimeUTC       time.Time `json:"end_time_utc"`
	RecurringEventID *int      `json:"recurring_event_id"`
	Notes            *string   `json:"notes"`
	LogURL           *string   `json:"log_url"`
	AutoBooked       bool      `json:"auto_booked"`
}

func (s *Server) raidEventJSON(e models.RaidEvent) raidEventJSON {
	return raidEventJSON{ID: e.ID, Title: e.Title, SeasonID: e.SeasonID, EventDate: e.EventDate.String(),
		StartTime: e.StartTimeUTC.In(s.Config.GuildTimezone).Format("15:04"), DurationMinutes: int(e.EndTimeUTC.Sub(e.StartTimeUTC) / time.Minute),
		StartTimeUTC: e.StartTimeUTC.UTC(), EndTimeUTC: e.EndTimeUTC.UTC(), RecurringEventID: e.RecurringEventID,
		Notes: e.Notes, LogURL: e.LogURL, AutoBooked: e.AutoBooked}
}

// scheduleAPIRaidEventsList answers GET /api/v1/admin/raid-events.
func (s *Server) scheduleAPIRaidEventsList(c fiber.Ctx) error {
	events, err := schedule.ListRaidEvents(s.db(c), 0)
	if err != nil {
		return err
	}
	out := make([]raidEventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, s.raidEventJSON(e))
	}
	return apiOK(c, out)
}

// scheduleAPIRaidEventsCreate answers POST /api/v1/admin/raid-events (an
// officer's own record of a raid; Raid-Helper booking comes later).
func (s *Server) scheduleAPIRaidEventsCreate(c fiber.Ctx) error {
	var in schedule.RaidEventInput
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	e, err := schedule.CreateRaidEvent(s.db(c), in, s.Config.GuildTimezone, viewerOf(c).PlayerID, s.Now())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: s.raidEventJSON(e)})
}

// scheduleAPIRaidEventsUpdate answers PATCH /api/v1/admin/raid-events/{id}.
func (s *Server) scheduleAPIRaidEventsUpdate(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Raid event "+c.Params("id")+" not found")
	}
	var in schedule.RaidEventInput
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	e, err := schedule.UpdateRaidEvent(s.db(c), id, in, s.Config.GuildTimezone)
	if err != nil {
		return err
	}
	return apiOK(c, s.raidEventJSON(e))
}

type attendanceJSON struct {
	EventID      int  `json:"event_id"`
	PlayerID     int  `json:"player_id"`
	Attended     bool `json:"attended"`
	SignedUp     bool `json:"signed_up"`
	NotedAbsence bool `json:"noted_absence"`
}

// scheduleAPIAttendanceSet answers PUT
// /api/v1/admin/raid-events/{id}/attendance/{player_id}.
func (s *Server) scheduleAPIAttendanceSet(c fiber.Ctx) error {
	id, ok1 := scheduleIntParam(c, "id")
	pid, ok2 := scheduleIntParam(c, "player_id")
	if !ok1 || !ok2 {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	var in schedule.AttendanceMark
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	row, err := schedule.SetAttendance(s.db(c), id, pid, in, s.Now())
	if err != nil {
		return err
	}
	return apiOK(c, attendanceJSON{EventID: row.EventID, PlayerID: row.PlayerID, Attended: row.Attended, SignedUp: row.SignedUp, NotedAbsence: row.NotedAbsence})
}

// scheduleAPISeasonAttendance answers GET /api/v1/admin/seasons/{id}/attendance.
func (s *Server) scheduleAPISeasonAttendance(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Season "+c.Params("id")+" not found")
	}
	if _, err := schedule.SeasonByID(s.db(c), id); fault.Is(err, fault.KindNotFound) {
		return apiError(c, fiber.StatusNotFound, "Season "+c.Params("id")+" not found")
	} else if err != nil {
		return err
	}
	rows, err := schedule.SeasonAttendance(s.db(c), id, s.Config.GuildTimezone, s.Now())
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []schedule.PlayerAttendance{}
	}
	return apiOK(c, rows)
}
