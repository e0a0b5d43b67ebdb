package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/schedule"
)

// adminRaidEventsAttendanceToggle answers POST
// /admin/raid-events/{id}/attendance/{player_id} with field=attended|
// signed_up|noted_absence and value=1|0. htmx gets the player's row back;
// a plain form goes back to the sheet.
func (s *Server) adminRaidEventsAttendanceToggle(c fiber.Ctx) error {
	id, ok1 := scheduleIntParam(c, "id")
	pid, ok2 := scheduleIntParam(c, "player_id")
	if !ok1 || !ok2 {
		return fiber.ErrNotFound
	}
	on := c.FormValue("value") == "1"
	var mark schedule.AttendanceMark
	switch c.FormValue("field") {
	case "attended":
		mark.Attended = &on
		if on { // present is not absent
			off := false
			mark.NotedAbsence = &off
		}
	case "signed_up":
		mark.SignedUp = &on
	case "noted_absence":
		mark.NotedAbsence = &on
		if on {
			off := false
			mark.Attended = &off
		}
	default:
		return fiber.NewError(fiber.StatusBadRequest, "field must be attended, signed_up or noted_absence")
	}
	if _, err := schedule.SetAttendance(s.db(c), id, pid, mark, s.Now()); err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/raid-events/" + strconv.Itoa(id) + "#player-" + strconv.Itoa(pid))
	}
	line, err := schedule.AttendanceLineFor(s.db(c), id, pid)
	if err != nil {
		return err
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/schedule/attendance_row_fragment",
		&Page{Data: attendanceLineView{CSRF: csrfToken(c), EventID: id, AttendanceLine: line, RoleClass: roleClass(line.MainRole)}})
}
