package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/schedule"
)

// calendarFeed answers GET /calendar/{token}.ics: the player's iCal feed of
// upcoming raid events and weekly raid nights. The secret token in the URL
// is the only credential (calendar apps send no cookies); an unknown token
// is 404, never a hint that it once existed.
func (s *Server) calendarFeed(c fiber.Ctx) error {
	token, ok := strings.CutSuffix(c.Params("file"), ".ics")
	if !ok {
		return fiber.ErrNotFound
	}
	player, err := schedule.PlayerByCalendarToken(s.db(c), token)
	if err != nil {
		if isRefusal(err) {
			return fiber.ErrNotFound
		}
		return err
	}
	now := s.Now()
	cal, err := schedule.CalendarFor(s.db(c), s.Config.GuildTimezone, now, s.calendarHost(), player.ID, s.Config.BaseURL)
	if err != nil {
		return err
	}
	cal.Name = s.Config.Guild.Name + " raids"
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=900")
	return c.SendString(cal.Render(now))
}

// calendarHost names this site in event UIDs, so they are unique world-wide.
func (s *Server) calendarHost() string {
	if u, err := url.Parse(s.Config.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "patt.local"
}

// calendarURL is the player's feed address, shown on /availability.
func (s *Server) calendarURL(token string) string {
	return strings.TrimRight(s.Config.BaseURL, "/") + "/calendar/" + token + ".ics"
}
