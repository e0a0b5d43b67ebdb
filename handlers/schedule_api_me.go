package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/identity"
	"patt/schedule"
)

// availabilityDayJSON is one weekday of a player's week (spec §2.4).
type availabilityDayJSON struct {
	DayOfWeek      int     `json:"day_of_week"`
	DayName        string  `json:"day_name"`
	EarliestStart  string  `json:"earliest_start"`
	AvailableHours float64 `json:"available_hours"`
}

type myAvailabilityJSON struct {
	Timezone string                `json:"timezone"`
	Days     []availabilityDayJSON `json:"days"`
}

func (s *Server) myAvailability(db *gorm.DB, playerID int) (myAvailabilityJSON, error) {
	tz, err := identity.PlayerTimezone(db, playerID)
	if err != nil {
		return myAvailabilityJSON{}, err
	}
	rows, err := schedule.PlayerWeek(db, playerID)
	if err != nil {
		return myAvailabilityJSON{}, err
	}
	out := myAvailabilityJSON{Timezone: tz, Days: []availabilityDayJSON{}}
	for _, r := range rows {
		out.Days = append(out.Days, availabilityDayJSON{DayOfWeek: r.DayOfWeek, DayName: schedule.DayNames[r.DayOfWeek],
			EarliestStart: schedule.HHMM(r.EarliestStart), AvailableHours: r.AvailableHours})
	}
	return out, nil
}

// scheduleAPIMyAvailability answers GET /api/v1/me/availability.
func (s *Server) scheduleAPIMyAvailability(c fiber.Ctx) error {
	out, err := s.myAvailability(s.db(c), viewerOf(c).PlayerID)
	if err != nil {
		return err
	}
	return apiOK(c, out)
}

// scheduleAPIReplaceMyAvailability answers PUT /api/v1/me/availability:
// the caller's whole week and zone in one transaction; any bad row refuses
// the lot with 422 naming the row.
func (s *Server) scheduleAPIReplaceMyAvailability(c fiber.Ctx) error {
	var in struct {
		Timezone string              `json:"timezone"`
		Days     []schedule.DayInput `json:"days"`
	}
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	v := viewerOf(c)
	if err := schedule.ReplaceWeek(s.db(c), v.PlayerID, in.Timezone, in.Days, s.Now()); err != nil {
		return err
	}
	out, err := s.myAvailability(s.db(c), v.PlayerID)
	if err != nil {
		return err
	}
	return apiOK(c, out)
}

// guildAvailabilityJSON is one player of GET /api/v1/guild/availability
// (spec §2.4 shape).
type guildAvailabilityJSON struct {
	PlayerID         int                              `json:"player_id"`
	DisplayName      string                           `json:"display_name"`
	Timezone         string                           `json:"timezone"`
	AutoInviteEvents bool                             `json:"auto_invite_events"`
	Days             map[string]*guildAvailabilityDay `json:"days"`
}

type guildAvailabilityDay struct {
	EarliestStart  string  `json:"earliest_start"`
	AvailableHours float64 `json:"available_hours"`
}

// scheduleAPIGuildAvailability answers GET /api/v1/guild/availability:
// behind login (spec §11.10 fix); officers see every active player, a
// member only themself.
func (s *Server) scheduleAPIGuildAvailability(c fiber.Ctx) error {
	v := viewerOf(c)
	weeks, err := schedule.VisibleAvailability(s.db(c), v.PlayerID, v.IsOfficer())
	if err != nil {
		return err
	}
	out := make([]guildAvailabilityJSON, 0, len(weeks))
	for _, w := range weeks {
		p := w.Player
		item := guildAvailabilityJSON{PlayerID: p.ID, DisplayName: p.DisplayName, Timezone: p.Timezone,
			AutoInviteEvents: p.AutoInviteEvents, Days: map[string]*guildAvailabilityDay{}}
		for _, name := range schedule.DayNames {
			item.Days[strings.ToLower(name)] = nil
		}
		for _, r := range w.Windows {
			item.Days[strings.ToLower(schedule.DayNames[r.DayOfWeek])] = &guildAvailabilityDay{EarliestStart: schedule.HHMM(r.EarliestStart), AvailableHours: r.AvailableHours}
		}
		out = append(out, item)
	}
	return apiOK(c, out)
}
