package handlers

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/schedule"
)

// adminAvailabilityPage is /admin/availability (spec §4.3, §5.3, §12).
type adminAvailabilityPage struct {
	TotalActive int
	Days        []dayCard
	EventDays   []EventDayRow
	Heat        heatView
	Best        []bestStart
	Durations   []durationOption
	Duration    int
	ZoneMode    string // "guild", "mine" or one of Zones
	Zones       []string
	GuildZone   string
	ViewerZone  string
	// WeekOf is the Monday of the week shown (on the guild's clock) as
	// YYYY-MM-DD; PrevWeek and NextWeek are its neighbours, WeekLabel
	// prints it ("Mon 9 Mar – Sun 15 Mar 2027").
	WeekOf, PrevWeek, NextWeek, WeekLabel string
}

type dayCard struct {
	schedule.DaySummary
	BarClass     string
	WidthClass   string // w-0 … w-100, the bar without JavaScript
	RaidSlotText string
	Players      []dayCardPlayer
}

type dayCardPlayer struct {
	schedule.DayPlayer
	RoleName  string
	RoleClass string
	RankName  string
}

type durationOption struct {
	Minutes  int
	Label    string
	Selected bool
}

// heatView is the heat map as rows of the table: one row per half hour,
// one cell per weekday.
type heatView struct {
	Zone      string
	Abbrev    string // the abbreviations in force that week, "EST / EDT"
	Week      string // "2027-03-08 – 2027-03-14"
	DayNames  []string
	Rows      []heatRow
	MaxWeight int
}

type heatRow struct {
	Label  string
	OnHour bool
	Cells  []heatCell
}

type heatCell struct {
	Weight, Count, Level int
	Title                string
	Missing              bool // the half hour does not exist that day
}

type bestStart struct {
	When    string
	Score   int
	Count   int
	Missing string
	Players string
}

// roleClass is the badge modifier of a role ("Melee DPS" → "melee-dps").
func roleClass(role string) string {
	return strings.ReplaceAll(strings.ToLower(role), " ", "-")
}

// widthClass rounds a percentage to the design system's w-<n> classes
// (steps of 5, at most 100).
func widthClass(pct float64) string {
	n := int(pct/5+0.5) * 5
	return "w-" + strconv.Itoa(min(max(n, 0), 100))
}

func barClass(colour string) string {
	switch colour {
	case schedule.ColourGreen:
		return "bar__fill--green"
	case schedule.ColourAmber:
		return "bar__fill--amber"
	}
	return "bar__fill--red"
}

// adminAvailabilityShow renders GET /admin/availability. ?zone=mine shows
// the heat map and best times on the viewer's clock; ?duration=<minutes>
// sets the raid length for the best-time panel.
func (s *Server) adminAvailabilityShow(c fiber.Ctx) error {
	now := s.Now()
	guild := s.Config.GuildTimezone
	// One week for the whole page: the by-day cards, the heat map and the
	// best starts all show the week of ?week_of= (any date in it) on the
	// guild's clock, whatever zone the heat map is drawn in.
	monday, err := schedule.ParseWeek("week_of", c.Query("week_of"), now, guild)
	if err != nil {
		return err
	}
	zone := guild
	zoneMode := "guild"
	switch q := c.Query("zone"); q {
	case "", "guild":
	case "mine":
		zoneMode = "mine"
		zone = schedule.LoadZone(s.scheduleViewerZone(c))
	default:
		if zone, err = schedule.ParseZone("zone", q); err != nil {
			return err
		}
		if q != guild.String() {
			zoneMode = q
		}
	}
	players, total, weight, err := schedule.LoadRoster(s.db(c))
	if err != nil {
		return err
	}
	nights, err := schedule.ActiveRaidNights(s.db(c))
	if err != nil {
		return err
	}
	byDay := schedule.AvailabilityByDayWeek(players, total, weight, nights, guild, monday)

	page := adminAvailabilityPage{TotalActive: total, GuildZone: guild.String(), ViewerZone: s.scheduleViewerZone(c), ZoneMode: zoneMode,
		WeekOf: monday.String(), PrevWeek: monday.AddDays(-7).String(), NextWeek: monday.AddDays(7).String(),
		WeekLabel: weekLabel(monday)}
	for _, d := range byDay.Days {
		card := dayCard{DaySummary: d, BarClass: barClass(d.Colour), WidthClass: widthClass(d.AvailabilityPct)}
		if d.RaidSlotCount != nil {
			card.RaidSlotText = strconv.Itoa(*d.RaidSlotCount) + " / " + strconv.Itoa(total)
		}
		for _, p := range d.Players {
			cp := dayCardPlayer{DayPlayer: p, RankName: "—"}
			if p.MainRole != nil {
				cp.RoleName, cp.RoleClass = *p.MainRole, roleClass(*p.MainRole)
			}
			if p.Rank != nil {
				cp.RankName = *p.Rank
			}
			card.Players = append(card.Players, cp)
		}
		page.Days = append(page.Days, card)
	}

	perDay, err := schedule.RaidNightsByDay(s.db(c))
	if err != nil {
		return err
	}
	page.EventDays = eventDayRows(perDay)
	for i := range page.EventDays {
		page.EventDays[i].CSRF = csrfToken(c)
	}

	// The zone list is the players' list; a zone asked for by name that is
	// not on it is added so the select shows what is drawn.
	page.Zones = schedule.PlayerZones
	if zoneMode != "guild" && zoneMode != "mine" && !schedule.IsPlayerZone(zoneMode) {
		page.Zones = append([]string{zoneMode}, schedule.PlayerZones...)
	}
	page.Heat = buildHeatView(schedule.BuildHeatMapWeek(players, zone, monday))

	page.Duration = 120
	if m, err := strconv.Atoi(c.Query("duration")); err == nil && m >= 30 && m <= 360 && m%30 == 0 {
		page.Duration = m
	}
	for _, m := range []int{60, 90, 120, 150, 180, 240} {
		page.Durations = append(page.Durations, durationOption{Minutes: m, Label: durationLabel(m), Selected: m == page.Duration})
	}
	for _, b := range schedule.BestRaidStartsWeek(players, zone, monday, time.Duration(page.Duration)*time.Minute, 3) {
		var names []string
		for _, p := range b.Players {
			names = append(names, p.Name)
		}
		missing := b.MissingText()
		if missing == "" {
			missing = "none"
		}
		page.Best = append(page.Best, bestStart{When: b.Start.Format("Monday 15:04 MST"), Score: b.Score, Count: b.Count,
			Missing: missing, Players: strings.Join(names, ", ")})
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/availability", &Page{Title: "Availability", Data: page})
}

// weekLabel prints a week by its Monday: "Mon 9 Mar – Sun 15 Mar 2027".
func weekLabel(monday models.Date) string {
	sun := monday.AddDays(6)
	return "Mon " + strconv.Itoa(monday.Day) + " " + monday.Month.String()[:3] + " – Sun " +
		strconv.Itoa(sun.Day) + " " + sun.Month.String()[:3] + " " + strconv.Itoa(sun.Year)
}

func durationLabel(m int) string {
	h, rest := m/60, m%60
	if rest == 0 {
		return strconv.Itoa(h) + " h"
	}
	return strconv.Itoa(h) + ".5 h"
}

// buildHeatView turns the heat map into table rows; a cell's level (0–5)
// picks its colour from its weight relative to the week's busiest slot.
// Rows are the real half hours of the week's days: a spring-forward day has
// no cell in its missing hour, a fall-back day has two rows for the
// repeated hour, each labelled with its abbreviation (issue 18).
func buildHeatView(hm *schedule.HeatMap) heatView {
	v := heatView{Zone: hm.Zone, Abbrev: strings.Join(hm.Abbrevs(), " / "), MaxWeight: hm.MaxWeight,
		Week: hm.Monday.String() + " – " + hm.Monday.AddDays(6).String()}
	for d := 0; d < 7; d++ {
		v.DayNames = append(v.DayNames, schedule.DayNames[d][:3]+" "+strconv.Itoa(hm.Monday.AddDays(d).Day))
	}
	cells := map[int]*[7]*schedule.Slot{}
	var orders []int
	for d := 0; d < 7; d++ {
		for k := range hm.Days[d] {
			s := &hm.Days[d][k]
			if cells[s.Row] == nil {
				cells[s.Row] = &[7]*schedule.Slot{}
				orders = append(orders, s.Row)
			}
			cells[s.Row][d] = s
		}
	}
	sort.Ints(orders)
	for _, o := range orders {
		var label string
		repeatedHour := false
		for _, s := range cells[o] {
			if s == nil {
				continue
			}
			label = s.Label
			if s.Repeat {
				repeatedHour = true
			}
		}
		row := heatRow{Label: label, OnHour: strings.HasSuffix(label, ":00")}
		for d := 0; d < 7; d++ {
			slot := cells[o][d]
			if slot == nil {
				title := schedule.DayNames[d] + " has no " + label + " (clocks go forward)"
				if repeatedHour {
					title = schedule.DayNames[d] + " reads " + label + " only once (clocks go back on another day)"
				}
				row.Cells = append(row.Cells, heatCell{Missing: true, Title: title})
				continue
			}
			if repeatedHour || slot.Repeat || isRepeatedLabel(hm.Days[d], slot) {
				// The hour read twice: say which reading this row is.
				row.Label = label + " " + slot.Abbrev
				row.OnHour = true
			}
			cell := heatCell{Weight: slot.Weight, Count: slot.Count,
				Title: schedule.DayNames[d] + " " + slot.Label + " " + slot.Abbrev}
			if slot.Count > 0 {
				level := 1
				if hm.MaxWeight > 0 {
					level = 1 + slot.Weight*4/hm.MaxWeight
				}
				cell.Level = min(level, 5)
				var names []string
				for _, p := range slot.Players {
					n := p.Name
					if p.Role != "" {
						n += " (" + p.Role + ")"
					}
					names = append(names, n)
				}
				cell.Title += " · weight " + strconv.Itoa(slot.Weight) + " · " + strconv.Itoa(slot.Count) + " available: " + strings.Join(names, ", ")
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// isRepeatedLabel reports whether slot's wall-clock reading occurs twice
// on its day (the first reading of a fall-back hour).
func isRepeatedLabel(day []schedule.Slot, slot *schedule.Slot) bool {
	n := 0
	for _, s := range day {
		if s.Label == slot.Label {
			n++
		}
	}
	return n > 1
}

// EventDayRow is one weekday of the event-day configuration table (spec
// §5.3): the weekday's recurring event, if any.
type EventDayRow struct {
	CSRF     string
	Day      int
	DayName  string
	ID       int
	Active   bool
	Label    string
	Start    string
	Duration int
	Public   bool
	Error    string
	Saved    bool
	Options  []durationOption
}

// eventDayRows shows each weekday's raid night (schedule.RaidNightsByDay
// picks which), or the defaults of a new one.
func eventDayRows(nights [7]*models.RecurringEvent) []EventDayRow {
	rows := make([]EventDayRow, 7)
	for d := range rows {
		rows[d] = eventDayRowOf(d, nights[d])
	}
	return rows
}

func eventDayRowOf(day int, e *models.RecurringEvent) EventDayRow {
	r := EventDayRow{Day: day, DayName: schedule.DayNames[day], Start: "21:00", Duration: 120, Public: true}
	if e != nil {
		r = EventDayRow{Day: day, DayName: schedule.DayNames[day], ID: e.ID, Active: e.IsActive, Label: e.Label,
			Start: schedule.HHMM(e.DefaultStartTime), Duration: e.DefaultDurationMinutes, Public: e.DisplayOnPublic}
	}
	r.Options = eventDurations(r.Duration)
	return r
}

func eventDurations(selected int) []durationOption {
	var out []durationOption
	seen := false
	for _, m := range []int{60, 90, 120, 150, 180} {
		out = append(out, durationOption{Minutes: m, Label: strconv.Itoa(m) + " min", Selected: m == selected})
		seen = seen || m == selected
	}
	if !seen {
		out = append(out, durationOption{Minutes: selected, Label: strconv.Itoa(selected) + " min", Selected: true})
	}
	return out
}
