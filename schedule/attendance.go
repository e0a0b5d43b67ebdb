package schedule

import (
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/models"
)

// AttendanceMark is a change to one player's attendance at one event; nil
// fields are left as they are.
type AttendanceMark struct {
	Attended     *bool `json:"attended"`
	SignedUp     *bool `json:"signed_up"`
	NotedAbsence *bool `json:"noted_absence"`
}

// SetAttendance writes a player's attendance row for an event (creating it
// on first touch, source "manual") in one transaction.
func SetAttendance(db *gorm.DB, eventID, playerID int, mark AttendanceMark, now time.Time) (models.RaidAttendance, error) {
	var row models.RaidAttendance
	err := db.Transaction(func(tx *gorm.DB) error {
		if _, err := RaidEventByID(tx, eventID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.Player{}).Where("id = ?", playerID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ruleErr(ErrNotFound, "Player %d not found", playerID)
		}
		fresh := models.RaidAttendance{EventID: eventID, PlayerID: playerID, Source: "manual", CreatedAt: now.UTC()}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return err
		}
		if err := tx.Where("event_id = ? AND player_id = ?", eventID, playerID).Take(&row).Error; err != nil {
			return err
		}
		if mark.Attended != nil {
			row.Attended = *mark.Attended
		}
		if mark.SignedUp != nil {
			row.SignedUp = *mark.SignedUp
		}
		if mark.NotedAbsence != nil {
			row.NotedAbsence = *mark.NotedAbsence
		}
		// An officer's word is final: the row leaves the signup mirror
		// and the attendance prefill (source manual).
		row.Source = "manual"
		return tx.Model(&row).Select("attended", "signed_up", "noted_absence", "source").Updates(&row).Error
	})
	return row, err
}

// AttendanceLine is one player on an event's attendance sheet.
type AttendanceLine struct {
	PlayerID     int
	DisplayName  string
	RankName     string
	MainRole     string
	Attended     bool
	SignedUp     bool
	NotedAbsence bool
	Recorded     bool // an attendance row exists
}

// EventAttendance is the sheet of an event: every active player plus anyone
// inactive who already has a row, by name.
func EventAttendance(db *gorm.DB, eventID int) ([]AttendanceLine, error) {
	players, _, _, err := loadAllPlayers(db)
	if err != nil {
		return nil, err
	}
	var rows []models.RaidAttendance
	if err := db.Where("event_id = ?", eventID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attendance of event %d: %w", eventID, err)
	}
	byPlayer := map[int]models.RaidAttendance{}
	for _, r := range rows {
		byPlayer[r.PlayerID] = r
	}
	var out []AttendanceLine
	for _, p := range players {
		r, ok := byPlayer[p.PlayerID]
		if !p.Active && !ok {
			continue
		}
		out = append(out, AttendanceLine{PlayerID: p.PlayerID, DisplayName: p.DisplayName, RankName: p.RankName, MainRole: p.MainRole,
			Attended: r.Attended, SignedUp: r.SignedUp, NotedAbsence: r.NotedAbsence, Recorded: ok})
	}
	return out, nil
}

// AttendanceLineFor is one player's line of an event's sheet.
func AttendanceLineFor(db *gorm.DB, eventID, playerID int) (AttendanceLine, error) {
	lines, err := EventAttendance(db, eventID)
	if err != nil {
		return AttendanceLine{}, err
	}
	for _, l := range lines {
		if l.PlayerID == playerID {
			return l, nil
		}
	}
	return AttendanceLine{}, ruleErr(ErrNotFound, "Player %d not found", playerID)
}

// AttendancePercent is |attended| / |eligible| × 100 (spec §7.4), rounded
// to one decimal; ok is false when nothing was eligible ("—").
func AttendancePercent(attended, eligible int) (pct float64, text string, ok bool) {
	if eligible == 0 {
		return 0, "—", false
	}
	pct, text = Percent(attended, eligible)
	return pct, text, true
}

// PlayerAttendance is one player's line of a season's attendance table.
type PlayerAttendance struct {
	PlayerID    int      `json:"player_id"`
	DisplayName string   `json:"display_name"`
	RankName    string   `json:"rank"`
	Eligible    int      `json:"eligible"`
	Attended    int      `json:"attended"`
	Excused     int      `json:"excused"`
	Pct         *float64 `json:"attendance_pct"`
	PctText     string   `json:"-"`
}

// SeasonAttendance computes spec §7.4 for every active player in a season.
// An event is eligible for a player when it has started (start ≤ now) and
// falls on a guild weekday on which one of the player's windows starts
// (converted to the guild's clock in that event's week, like the
// dashboard). Events the player told officers about in advance (noted
// absence) and did not attend are excused: left out of the denominator
// (spec §7.4 idea). Attending an event outside one's declared days is not
// credited, as the strict formula says.
func SeasonAttendance(db *gorm.DB, seasonID int, guild *time.Location, now time.Time) ([]PlayerAttendance, error) {
	var events []models.RaidEvent
	if err := db.Where("season_id = ? AND start_time_utc <= ?", seasonID, now.UTC()).Order("start_time_utc").Find(&events).Error; err != nil {
		return nil, fmt.Errorf("season %d events: %w", seasonID, err)
	}
	players, _, _, err := loadAllPlayers(db)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	type key struct{ event, player int }
	marks := map[key]models.RaidAttendance{}
	if len(ids) > 0 {
		var rows []models.RaidAttendance
		if err := db.Where("event_id IN ?", ids).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("season %d attendance: %w", seasonID, err)
		}
		for _, r := range rows {
			marks[key{r.EventID, r.PlayerID}] = r
		}
	}
	var out []PlayerAttendance
	for _, p := range players {
		if !p.Active {
			continue
		}
		line := PlayerAttendance{PlayerID: p.PlayerID, DisplayName: p.DisplayName, RankName: p.RankName}
		for _, e := range events {
			if !declaredOn(p, e.EventDate, guild) {
				continue
			}
			m := marks[key{e.ID, p.PlayerID}]
			switch {
			case m.Attended:
				line.Eligible++
				line.Attended++
			case m.NotedAbsence:
				line.Excused++
			default:
				line.Eligible++
			}
		}
		if pct, text, ok := AttendancePercent(line.Attended, line.Eligible); ok {
			line.Pct = &pct
			line.PctText = text + "%"
		} else {
			line.PctText = text
		}
		out = append(out, line)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Pct == nil) != (b.Pct == nil) {
			return a.Pct != nil
		}
		if a.Pct != nil && *a.Pct != *b.Pct {
			return *a.Pct > *b.Pct
		}
		return a.DisplayName < b.DisplayName
	})
	return out, nil
}

// declaredOn reports whether one of p's windows, placed in the week of day,
// starts on day's weekday on the guild's clock.
func declaredOn(p *RosterPlayer, day models.Date, guild *time.Location) bool {
	monday := day.AddDays(-day.DayOfWeek())
	for _, w := range p.Windows {
		for _, iv := range w.around(monday, p.Zone()) {
			if models.DateOf(iv.Start.In(guild)) == day {
				return true
			}
		}
	}
	return false
}

// loadAllPlayers is LoadRoster keeping players without windows too.
func loadAllPlayers(db *gorm.DB) ([]*RosterPlayer, int, int, error) {
	return loadRoster(db, true)
}

// AttendedCounts is how many players attended each event, by event id
// (events nobody attended are absent).
func AttendedCounts(db *gorm.DB) (map[int]int, error) {
	var rows []struct {
		EventID int
		N       int
	}
	err := db.Model(&models.RaidAttendance{}).Select("event_id, COUNT(*) AS n").
		Where("attended = ?", true).Group("event_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count attendance: %w", err)
	}
	counts := make(map[int]int, len(rows))
	for _, r := range rows {
		counts[r.EventID] = r.N
	}
	return counts, nil
}
