package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/schedule"
)

// myAttendancePage is /raids/attendance: the member's own attendance this
// season.
type myAttendancePage struct {
	schedule.MyAttendance
	Nights []myNightRow
	Zone   string
}

type myNightRow struct {
	schedule.MyNight
	When  string
	Label string
}

// raidsMyAttendance renders GET /raids/attendance.
func (s *Server) raidsMyAttendance(c fiber.Ctx) error {
	zone := s.viewerLocation(c)
	mine, err := schedule.MyAttendanceOf(s.db(c), viewerOf(c).PlayerID, s.Config.GuildTimezone, s.Now())
	if err != nil {
		return err
	}
	page := myAttendancePage{MyAttendance: mine, Zone: zone.String()}
	for _, n := range mine.Nights {
		page.Nights = append(page.Nights, myNightRow{MyNight: n, When: n.Event.StartTimeUTC.In(zone).Format("Mon 2 Jan · 3:04 PM MST"),
			Label: schedule.SignupLabels[n.Signup]})
	}
	return s.render(c, fiber.StatusOK, "pages/raids/attendance", &Page{Title: "My attendance", Data: page})
}
