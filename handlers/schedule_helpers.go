package handlers

import (
	"encoding/json"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
	"patt/schedule"
)

// scheduleDecodeJSON reads the request body; a body that is not the
// expected JSON is a 400 naming the problem.
func scheduleDecodeJSON(c fiber.Ctx, v any) error {
	if err := json.Unmarshal(c.Body(), v); err != nil {
		return fault.Wrap(fault.KindMalformed, "Malformed JSON body: "+err.Error(), err)
	}
	return nil
}

// scheduleIntParam reads a positive integer route parameter; anything else is 404
// (no such thing), as a wrong id would be.
func scheduleIntParam(c fiber.Ctx, name string) (int, bool) {
	return idParam(c, name)
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
