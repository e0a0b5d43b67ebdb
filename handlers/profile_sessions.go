package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/auth"
)

// ProfileSession is one line of "Where you're logged in" on /profile.
type ProfileSession struct {
	ID, Device, IP, LastSeen, Started string
	Current                           bool
}

// profileSessions lists the viewer's open sessions, times in their zone.
func (s *Server) profileSessions(c fiber.Ctx) ([]ProfileSession, error) {
	v := viewerOf(c)
	rows, err := auth.ActiveSessions(s.db(c), v.UserID, s.Now())
	if err != nil {
		return nil, err
	}
	zone, err := s.viewerZone(c, v)
	if err != nil || zone == nil {
		zone = time.UTC
	}
	out := make([]ProfileSession, len(rows))
	for i, r := range rows {
		out[i] = ProfileSession{
			ID: r.ID, Device: deviceLabel(r.UserAgent), IP: r.IP, Current: r.ID == v.SessionID,
			LastSeen: r.LastSeenAt.In(zone).Format("Jan 2, 15:04 MST"),
			Started:  r.CreatedAt.In(zone).Format("Jan 2, 2006"),
		}
	}
	return out, nil
}

// deviceLabel names a browser and system from its User-Agent, roughly.
func deviceLabel(ua string) string {
	if ua == "" {
		return "Unknown device"
	}
	browser, system := "", ""
	for _, b := range []struct{ key, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"curl/", "curl"}, {"Go-http-client", "API client"},
	} {
		if strings.Contains(ua, b.key) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ key, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.key) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	if len(ua) > 60 {
		ua = ua[:60] + "…"
	}
	return ua
}

// POST /profile/sessions/:id/end — log out one session. Ending the one in
// use logs this browser out too.
func (s *Server) profileSessionEnd(c fiber.Ctx) error {
	v := viewerOf(c)
	id := c.Params("id")
	if err := auth.EndSession(s.db(c), v.UserID, id, s.Now()); err != nil {
		return err
	}
	if id == v.SessionID {
		s.endSession(c)
		return c.Redirect().Status(fiber.StatusSeeOther).To("/?flash=logged-out")
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/profile#profile-sessions")
}

// POST /profile/sessions/end-all — log out everywhere, this browser too.
func (s *Server) profileSessionsEndAll(c fiber.Ctx) error {
	v := viewerOf(c)
	if err := auth.RevokeSessions(s.db(c), v.UserID, s.Now()); err != nil {
		return err
	}
	s.Log.Info("logged out everywhere", "user_id", v.UserID)
	s.endSession(c)
	return c.Redirect().Status(fiber.StatusSeeOther).To("/?flash=logged-out")
}

// POST /api/v1/auth/logout — ends the Bearer token's session.
func (s *Server) apiLogout(c fiber.Ctx) error {
	v := viewerOf(c)
	if err := auth.EndSession(s.db(c), v.UserID, v.SessionID, s.Now()); err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"logged_out": true})
}
