package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/schedule"
)

// raidTime is an instant shown on the viewer's clock, always labelled,
// with the guild's clock beside it when the two differ.
type raidTime struct {
	Local    string // "Fri 17 Jan · 9:00 PM EST"
	Guild    string // "" when the viewer's zone is the guild's
	ISO      string
	ZoneName string
}

func (s *Server) raidTimeOf(t time.Time, viewer *time.Location) raidTime {
	const layout = "Mon 2 Jan · 3:04 PM MST"
	rt := raidTime{Local: t.In(viewer).Format(layout), ISO: t.UTC().Format(time.RFC3339), ZoneName: viewer.String()}
	if viewer.String() != s.Config.GuildTimezone.String() {
		rt.Guild = t.In(s.Config.GuildTimezone).Format("3:04 PM MST") + " guild time"
	}
	return rt
}

// raidCard is a raid as the member pages list it.
type raidCard struct {
	ID        int
	Title     string
	When      raidTime
	Duration  string
	Open      bool
	Cancelled bool
	Status    string // the viewer's answer ("" = none)
	Label     string
	CSRF      string
	Return    string
	Error     string
	Saved     bool
}

func (s *Server) raidCardOf(c fiber.Ctx, e models.RaidEvent, sig *models.RaidSignup, zone *time.Location) raidCard {
	rc := raidCard{ID: e.ID, Title: e.Title, When: s.raidTimeOf(e.StartTimeUTC, zone),
		Duration: fmtDuration(e.EndTimeUTC.Sub(e.StartTimeUTC)), Cancelled: e.Status == schedule.EventCancelled,
		Open: e.Status != schedule.EventCancelled && s.Now().Before(e.StartTimeUTC), CSRF: csrfToken(c)}
	if sig != nil {
		rc.Status, rc.Label = sig.Status, schedule.SignupLabels[sig.Status]
	}
	return rc
}

func fmtDuration(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case m == 0:
		return fmt.Sprintf("%dh", h)
	case h == 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}

// viewerLocation is the logged-in viewer's zone, the guild's on failure.
func (s *Server) viewerLocation(c fiber.Ctx) *time.Location {
	v := viewerOf(c)
	if v == nil {
		return s.Config.GuildTimezone
	}
	z, err := s.viewerZone(c, v)
	if err != nil {
		s.Log.Error("viewer zone", "err", err)
		return s.Config.GuildTimezone
	}
	return z
}
