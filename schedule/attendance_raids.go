package schedule

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// PrefillAttendance starts the attendance sheets of raids that have ended
// (in the last week) from their signups: members who signed up (or said
// late) are marked attended, so the officer only corrects. Rows an officer
// has touched (SetAttendance makes them source manual) are never changed,
// so an officer who unticks someone is not overruled.
func PrefillAttendance(db *gorm.DB, now time.Time) (int, error) {
	var ids []int
	err := db.Model(&models.RaidEvent{}).Where("status = ? AND end_time_utc <= ? AND end_time_utc > ?", EventScheduled, now.UTC(), now.Add(-7*24*time.Hour).UTC()).
		Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	r := db.Model(&models.RaidAttendance{}).
		Where("event_id IN ? AND signed_up = ? AND attended = ? AND source IN ?", ids, true, false, []string{"auto", "raid_helper"}).
		Update("attended", true)
	if r.Error != nil {
		return 0, fmt.Errorf("prefill attendance: %w", r.Error)
	}
	return int(r.RowsAffected), nil
}

// RaidsAhead lists raid events from now to days ahead, cancelled ones
// included, soonest first (the officers' booking view).
func RaidsAhead(db *gorm.DB, now time.Time, days int) ([]models.RaidEvent, error) {
	var out []models.RaidEvent
	err := db.Where("end_time_utc > ? AND start_time_utc <= ?", now.UTC(), now.Add(time.Duration(days)*24*time.Hour).UTC()).
		Order("start_time_utc").Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("raids ahead: %w", err)
	}
	return out, nil
}

// MyNight is one past raid of a member's season as their attendance page
// shows it.
type MyNight struct {
	Event        models.RaidEvent
	Signup       string // their answer ("" = none)
	Attended     bool
	NotedAbsence bool
	Counts       bool // on one of their usual nights (counts toward %)
}

// MyAttendance is a member's own attendance in a season: their line of the
// season table (spec §7.4 with excused absences) and their nights.
type MyAttendance struct {
	Season *models.RaidSeason
	Line   PlayerAttendance
	Nights []MyNight
}

// MyAttendanceOf computes a member's attendance in the current season
// (the guild's today).
func MyAttendanceOf(db *gorm.DB, playerID int, guild *time.Location, now time.Time) (MyAttendance, error) {
	var out MyAttendance
	season, err := SeasonOn(db, Today(now, guild))
	if err != nil || season == nil {
		return out, err
	}
	out.Season = season
	lines, err := SeasonAttendance(db, season.ID, guild, now)
	if err != nil {
		return out, err
	}
	for _, l := range lines {
		if l.PlayerID == playerID {
			out.Line = l
		}
	}
	var events []models.RaidEvent
	if err := db.Where("season_id = ? AND start_time_utc <= ? AND status = ?", season.ID, now.UTC(), EventScheduled).
		Order("start_time_utc DESC").Find(&events).Error; err != nil {
		return out, fmt.Errorf("season raids: %w", err)
	}
	var att []models.RaidAttendance
	if err := db.Where("player_id = ?", playerID).Find(&att).Error; err != nil {
		return out, fmt.Errorf("my attendance: %w", err)
	}
	var sigs []models.RaidSignup
	if err := db.Where("player_id = ?", playerID).Find(&sigs).Error; err != nil {
		return out, fmt.Errorf("my signups: %w", err)
	}
	byEvent := map[int]models.RaidAttendance{}
	for _, a := range att {
		byEvent[a.EventID] = a
	}
	sigByEvent := map[int]string{}
	for _, s := range sigs {
		sigByEvent[s.EventID] = s.Status
	}
	players, _, _, err := loadAllPlayers(db)
	if err != nil {
		return out, err
	}
	var me *RosterPlayer
	for _, p := range players {
		if p.PlayerID == playerID {
			me = p
		}
	}
	for _, e := range events {
		a := byEvent[e.ID]
		n := MyNight{Event: e, Signup: sigByEvent[e.ID], Attended: a.Attended, NotedAbsence: a.NotedAbsence}
		if me != nil {
			n.Counts = declaredOn(me, e.EventDate, guild)
		}
		out.Nights = append(out.Nights, n)
	}
	return out, nil
}
