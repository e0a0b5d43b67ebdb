package schedule

import (
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// Colours of a day's availability (spec §4.1), from the rounded percentage.
const (
	ColourGreen = "green"
	ColourAmber = "amber"
	ColourRed   = "red"
)

// Percent is count/total×100 rounded to one decimal the way the reference
// does (an IEEE-754 double formatted with ties-to-even on the exact binary
// value: 1/16 → 6.2, 51/80 → 63.7), and its text. 0 when total is 0.
func Percent(count, total int) (float64, string) {
	if total <= 0 {
		return 0, "0.0"
	}
	text := strconv.FormatFloat(float64(count)/float64(total)*100, 'f', 1, 64)
	v, _ := strconv.ParseFloat(text, 64)
	return v, text
}

// ColourFor maps a rounded percentage to green (≥70), amber (≥40) or red.
func ColourFor(pct float64) string {
	switch {
	case pct >= 70:
		return ColourGreen
	case pct >= 40:
		return ColourAmber
	}
	return ColourRed
}

// RaidNightInfo is the recurring event shown on a day card.
type RaidNightInfo struct {
	ID                     int    `json:"id"`
	Label                  string `json:"label"`
	DefaultStartTime       string `json:"default_start_time"`
	DefaultDurationMinutes int    `json:"default_duration_minutes"`
	IsActive               bool   `json:"is_active"`
	DisplayOnPublic        bool   `json:"display_on_public"`
}

// DayPlayer is one player counted on a guild weekday.
type DayPlayer struct {
	PlayerID         int     `json:"player_id"`
	DisplayName      string  `json:"display_name"`
	Rank             *string `json:"rank"`
	SchedulingWeight int     `json:"scheduling_weight"`
	MainRole         *string `json:"main_role"`
	// EarliestStart and AvailableHours are as the player entered them, on
	// their own clock; GuildStart is the same start on the guild's clock.
	EarliestStart  string  `json:"earliest_start"`
	AvailableHours float64 `json:"available_hours"`
	Timezone       string  `json:"timezone"`
	GuildStart     string  `json:"guild_start"`
	GuildEnd       string  `json:"guild_end"`
	CoversRaidSlot bool    `json:"covers_raid_slot"`
	// CarriedOver marks a player listed only because a window that started
	// the day before (on the guild's clock) covers this day's raid night;
	// they are not in available_count, but the covers_raid_slot flags then
	// add up to raid_slot_count (issue 18).
	CarriedOver bool `json:"carried_over"`
}

// DaySummary is one guild weekday of the availability dashboard.
type DaySummary struct {
	DayOfWeek       int            `json:"day_of_week"`
	DayName         string         `json:"day_name"`
	AvailableCount  int            `json:"available_count"`
	AvailabilityPct float64        `json:"availability_pct"`
	PctText         string         `json:"-"`
	Colour          string         `json:"colour"`
	WeightedScore   int            `json:"weighted_score"`
	WeightedPct     float64        `json:"weighted_pct"`
	WeightedPctText string         `json:"-"`
	RecurringEvent  *RaidNightInfo `json:"recurring_event"`
	// RaidSlotCount counts active players whose window covers the whole raid
	// night of this weekday (spec §11.2 fix); nil when no raid night is set.
	RaidSlotCount *int           `json:"raid_slot_count"`
	RoleBreakdown map[string]int `json:"role_breakdown"`
	Players       []DayPlayer    `json:"players"`
}

// ByDay is the availability dashboard: one summary per guild weekday.
type ByDay struct {
	TotalActivePlayers int          `json:"total_active_players"`
	TotalActiveWeight  int          `json:"total_active_weight"`
	Zone               string       `json:"zone"`
	WeekOf             string       `json:"week_of"`
	Days               []DaySummary `json:"days"`
}

// AvailabilityByDay counts, for each weekday in the guild's zone, the active
// players with a window that starts on that weekday once converted to the
// guild's clock (a Sydney Saturday 10:00 is a New York Friday evening), with
// the percentage of active players, the weighted score (Σ rank weights) and
// its share of the active players' total weight, the colour, roles, and how
// many active players cover the weekday's raid night. Conversions use the
// week containing now, so the offsets are the ones in force this week.
// nights holds the active recurring event of each weekday.
func AvailabilityByDay(players []*RosterPlayer, totalActive, totalWeight int, nights map[int]models.RecurringEvent, guild *time.Location, now time.Time) ByDay {
	return AvailabilityByDayWeek(players, totalActive, totalWeight, nights, guild, WeekStart(now, guild))
}

// AvailabilityByDayWeek is AvailabilityByDay for the week whose Monday (on
// the guild's clock) is monday, so officers can plan next week or check a
// week with a DST change.
func AvailabilityByDayWeek(players []*RosterPlayer, totalActive, totalWeight int, nights map[int]models.RecurringEvent, guild *time.Location, monday models.Date) ByDay {
	out := ByDay{TotalActivePlayers: totalActive, TotalActiveWeight: totalWeight, Zone: guild.String(), WeekOf: monday.String(), Days: make([]DaySummary, 7)}

	var raidSlot [7]*Interval
	for d := 0; d < 7; d++ {
		out.Days[d] = DaySummary{DayOfWeek: d, DayName: DayNames[d], RoleBreakdown: map[string]int{}, Players: []DayPlayer{}}
		if n, ok := nights[d]; ok {
			start := WallClock(monday.AddDays(d), n.DefaultStartTime, guild)
			raidSlot[d] = &Interval{Start: start, End: start.Add(time.Duration(n.DefaultDurationMinutes) * time.Minute)}
			out.Days[d].RecurringEvent = &RaidNightInfo{ID: n.ID, Label: n.Label, DefaultStartTime: HHMM(n.DefaultStartTime),
				DefaultDurationMinutes: n.DefaultDurationMinutes, IsActive: n.IsActive, DisplayOnPublic: n.DisplayOnPublic}
			zero := 0
			out.Days[d].RaidSlotCount = &zero
		}
	}

	for _, p := range players {
		if !p.Active {
			continue
		}
		zone := p.Zone()
		counted := [7]bool{}
		covers := [7]bool{}
		var coverIv [7]Interval
		var coverW [7]Window
		for _, w := range p.Windows {
			for _, iv := range w.around(monday, zone) {
				for d := 0; d < 7; d++ {
					if raidSlot[d] != nil && !covers[d] && iv.Contains(*raidSlot[d]) {
						covers[d] = true
						coverIv[d], coverW[d] = iv, w
					}
				}
			}
		}
		// A player whose two windows start on the same guild weekday is
		// counted once, with the first of them.
		for _, w := range p.Windows {
			iv := w.In(monday, zone)
			gs := iv.Start.In(guild)
			d := models.DateOf(gs).DayOfWeek()
			if counted[d] {
				continue
			}
			counted[d] = true
			day := &out.Days[d]
			day.AvailableCount++
			day.WeightedScore += p.Weight
			if p.MainRole != "" {
				day.RoleBreakdown[p.MainRole]++
			}
			dp := DayPlayer{PlayerID: p.PlayerID, DisplayName: p.DisplayName, SchedulingWeight: p.Weight,
				EarliestStart: HHMM(w.Start), AvailableHours: w.Hours, Timezone: p.Timezone,
				GuildStart: gs.Format("15:04"), GuildEnd: iv.End.In(guild).Format("15:04"), CoversRaidSlot: covers[d]}
			if p.RankName != "" {
				name := p.RankName
				dp.Rank = &name
			}
			if p.MainRole != "" {
				role := p.MainRole
				dp.MainRole = &role
			}
			day.Players = append(day.Players, dp)
		}
		for d := 0; d < 7; d++ {
			if !covers[d] {
				continue
			}
			*out.Days[d].RaidSlotCount++
			if counted[d] {
				continue
			}
			// Covered from a window that started on an earlier guild day.
			iv, w := coverIv[d], coverW[d]
			dp := DayPlayer{PlayerID: p.PlayerID, DisplayName: p.DisplayName, SchedulingWeight: p.Weight,
				EarliestStart: HHMM(w.Start), AvailableHours: w.Hours, Timezone: p.Timezone,
				GuildStart: iv.Start.In(guild).Format("15:04"), GuildEnd: iv.End.In(guild).Format("15:04"),
				CoversRaidSlot: true, CarriedOver: true}
			if p.RankName != "" {
				name := p.RankName
				dp.Rank = &name
			}
			if p.MainRole != "" {
				role := p.MainRole
				dp.MainRole = &role
			}
			out.Days[d].Players = append(out.Days[d].Players, dp)
		}
	}
	for d := range out.Days {
		day := &out.Days[d]
		day.AvailabilityPct, day.PctText = Percent(day.AvailableCount, totalActive)
		day.Colour = ColourFor(day.AvailabilityPct)
		day.WeightedPct, day.WeightedPctText = Percent(day.WeightedScore, totalWeight)
		sortByWeightThenName(day.Players, func(p DayPlayer) int { return p.SchedulingWeight }, func(p DayPlayer) string { return p.DisplayName })
	}
	return out
}

// ActiveRaidNights maps each weekday to its active recurring event.
func ActiveRaidNights(db *gorm.DB) (map[int]models.RecurringEvent, error) {
	var events []models.RecurringEvent
	if err := db.Where("is_active = ?", true).Order("id").Find(&events).Error; err != nil {
		return nil, fmt.Errorf("active raid nights: %w", err)
	}
	out := make(map[int]models.RecurringEvent, len(events))
	for _, e := range events {
		out[e.DayOfWeek] = e
	}
	return out, nil
}

// LoadAvailabilityByDay loads the roster and raid nights and computes
// AvailabilityByDay.
func LoadAvailabilityByDay(db *gorm.DB, guild *time.Location, now time.Time) (ByDay, error) {
	return LoadAvailabilityByDayWeek(db, guild, WeekStart(now, guild))
}

// LoadAvailabilityByDayWeek is LoadAvailabilityByDay for the week whose
// Monday is monday.
func LoadAvailabilityByDayWeek(db *gorm.DB, guild *time.Location, monday models.Date) (ByDay, error) {
	players, total, weight, err := LoadRoster(db)
	if err != nil {
		return ByDay{}, err
	}
	nights, err := ActiveRaidNights(db)
	if err != nil {
		return ByDay{}, err
	}
	return AvailabilityByDayWeek(players, total, weight, nights, guild, monday), nil
}
