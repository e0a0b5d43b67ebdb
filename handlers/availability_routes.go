package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/identity"
	"patt/schedule"
)

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
	tz, err := identity.PlayerTimezone(s.db(c), v.PlayerID)
	if err != nil || tz == "" {
		return schedule.DefaultPlayerZone
	}
	return tz
}
