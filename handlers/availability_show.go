package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
	"patt/models"
	"patt/schedule"
)

// AvailabilityEditor is the member's week: one row per weekday, in their
// own zone, each shown converted to the guild's clock.
type AvailabilityEditor struct {
	Timezone    string
	Zones       []string
	GuildZone   string
	Rows        []AvailabilityRow
	Error       string // not tied to one row (the zone)
	Saved       bool
	CalendarURL string
}

// AvailabilityRow is one weekday of the editor.
type AvailabilityRow struct {
	Day       int
	Name      string
	Available bool
	Start     string // "HH:MM"
	Hours     string
	GuildText string // "= Fri 20:00–23:00 EST"
	Error     string
	Field     string
}

// availabilityPage is /availability.
type availabilityPage struct {
	Editor AvailabilityEditor
}

// availabilityShow renders GET /availability.
func (s *Server) availabilityShow(c fiber.Ctx) error {
	v := viewerOf(c)
	tz, err := identity.PlayerTimezone(s.db(c), v.PlayerID)
	if err != nil {
		return err
	}
	rows, err := schedule.PlayerWeek(s.db(c), v.PlayerID)
	if err != nil {
		return err
	}
	ed := s.newAvailabilityEditor(tz)
	for _, r := range rows {
		row := &ed.Rows[r.DayOfWeek]
		row.Available = true
		row.Start = schedule.HHMM(r.EarliestStart)
		row.Hours = strconv.FormatFloat(r.AvailableHours, 'f', -1, 64)
	}
	s.fillGuildTimes(&ed)
	tok, err := schedule.CalendarTokenFor(s.db(c), v.PlayerID, s.Now())
	if err != nil {
		return err
	}
	ed.CalendarURL = s.calendarURL(tok)
	return s.render(c, fiber.StatusOK, "pages/schedule/availability", &Page{Title: "Raid Availability", Data: availabilityPage{Editor: ed}})
}

// newAvailabilityEditor is an empty week with the editor's defaults
// (18:00 for 4 hours, as spec §2.3's form).
func (s *Server) newAvailabilityEditor(zone string) AvailabilityEditor {
	if !schedule.IsPlayerZone(zone) {
		zone = schedule.DefaultPlayerZone
	}
	ed := AvailabilityEditor{Timezone: zone, Zones: schedule.PlayerZones, GuildZone: s.Config.GuildTimezone.String()}
	for d := 0; d < 7; d++ {
		ed.Rows = append(ed.Rows, AvailabilityRow{Day: d, Name: schedule.DayNames[d], Start: "18:00", Hours: "4"})
	}
	return ed
}

// fillGuildTimes writes each available row's window on the guild's clock,
// for this week (so EST or EDT is the one in force now).
func (s *Server) fillGuildTimes(ed *AvailabilityEditor) {
	zone := schedule.LoadZone(ed.Timezone)
	guild := s.Config.GuildTimezone
	monday := schedule.WeekStart(s.Now(), zone)
	for i := range ed.Rows {
		row := &ed.Rows[i]
		row.GuildText = ""
		if !row.Available {
			continue
		}
		start, err := schedule.ParseClock(row.Start)
		if err != nil {
			continue
		}
		hours, err := strconv.ParseFloat(strings.TrimSpace(row.Hours), 64)
		if err != nil || schedule.ValidateHours(hours) != nil {
			continue
		}
		iv := schedule.Window{Day: row.Day, Start: start, Hours: hours}.In(monday, zone)
		from, to := iv.Start.In(guild), iv.End.In(guild)
		row.GuildText = "= " + from.Format("Mon 15:04") + "–" + guildEnd(from, to) + " " + schedule.ZoneAbbrev(iv.Start, guild)
	}
}

// guildEnd shows the end time, with its weekday when the window crosses
// midnight on the guild's clock.
func guildEnd(from, to time.Time) string {
	if models.DateOf(from) != models.DateOf(to) {
		return to.Format("Mon 15:04")
	}
	return to.Format("15:04")
}
