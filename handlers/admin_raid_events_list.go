package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/schedule"
)

// raidEventsPage is /admin/raid-events: the events, a create form, and the
// attendance table of one season.
type raidEventsPage struct {
	Events     []raidEventRow
	Form       raidEventForm
	Seasons    []seasonOption
	Season     *models.RaidSeason
	Attendance []schedule.PlayerAttendance
	Nights     []nightOption
	GuildZone  string
}

type raidEventRow struct {
	ID       int
	Title    string
	Date     string
	Start    string
	Duration int
	Season   string
	Attended int
	Upcoming bool
}

type seasonOption struct {
	ID       int
	Name     string
	Selected bool
}

type nightOption struct {
	ID       int
	Label    string
	Selected bool
}

// raidEventForm is the create/edit form, with field errors.
type raidEventForm struct {
	ID          int
	Title       string
	Date        string
	Start       string
	Duration    string
	Notes       string
	LogURL      string
	RecurringID int
	Errors      map[string]string
	// for the form partial
	Zone   string
	Nights []nightOption
}

// adminRaidEventsList renders GET /admin/raid-events (?season=<id> picks
// the attendance table's season; the current season by default).
func (s *Server) adminRaidEventsList(c fiber.Ctx) error {
	now := s.Now()
	tomorrow := schedule.Today(now, s.Config.GuildTimezone).AddDays(1)
	form := raidEventForm{Date: tomorrow.String(), Start: "21:00", Duration: "120"}
	page, err := s.raidEventsPage(c, form)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/raid_events", &Page{Title: "Raid Events", Data: page})
}

func (s *Server) raidEventsPage(c fiber.Ctx, form raidEventForm) (raidEventsPage, error) {
	now := s.Now()
	guild := s.Config.GuildTimezone
	page := raidEventsPage{Form: form, GuildZone: guild.String()}
	events, err := schedule.ListRaidEvents(s.db(c), 200)
	if err != nil {
		return page, err
	}
	seasons, err := schedule.ListSeasons(s.db(c))
	if err != nil {
		return page, err
	}
	names := map[int]string{}
	for _, se := range seasons {
		names[se.ID] = se.Name
	}
	counts, err := schedule.AttendedCounts(s.db(c))
	if err != nil {
		return page, err
	}
	for _, e := range events {
		row := raidEventRow{ID: e.ID, Title: e.Title, Date: e.EventDate.String() + " " + e.EventDate.Weekday().String()[:3],
			Start: e.StartTimeUTC.In(guild).Format("15:04 MST"), Duration: int(e.EndTimeUTC.Sub(e.StartTimeUTC) / time.Minute),
			Season: "—", Attended: counts[e.ID], Upcoming: e.StartTimeUTC.After(now)}
		if e.SeasonID != nil {
			row.Season = names[*e.SeasonID]
		}
		page.Events = append(page.Events, row)
	}

	var chosen *models.RaidSeason
	if id, err := strconv.Atoi(c.Query("season")); err == nil {
		for i := range seasons {
			if seasons[i].ID == id {
				chosen = &seasons[i]
			}
		}
	}
	if chosen == nil {
		if chosen, err = schedule.SeasonOn(s.db(c), schedule.Today(now, guild)); err != nil {
			return page, err
		}
	}
	for _, se := range seasons {
		page.Seasons = append(page.Seasons, seasonOption{ID: se.ID, Name: se.Name + " (" + se.StartDate.String() + ")", Selected: chosen != nil && chosen.ID == se.ID})
	}
	if chosen != nil {
		page.Season = chosen
		if page.Attendance, err = schedule.SeasonAttendance(s.db(c), chosen.ID, guild, now); err != nil {
			return page, err
		}
	}
	nights, err := schedule.ListRaidNights(s.db(c))
	if err != nil {
		return page, err
	}
	for _, n := range nights {
		page.Nights = append(page.Nights, nightOption{ID: n.ID, Label: schedule.DayNames[n.DayOfWeek] + " · " + n.Label, Selected: n.ID == form.RecurringID})
	}
	page.Form.Zone, page.Form.Nights = guild.String(), page.Nights
	return page, nil
}
