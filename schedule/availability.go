package schedule

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/fault"
	"patt/models"
)

// MaxWindowHours is the longest availability window a player may declare.
const MaxWindowHours = 16

// DayInput is one row of a player's week as a form or the API sends it:
// the weekday (0 = Monday), the start on the player's own clock ("HH:MM")
// and the hours available from then.
type DayInput struct {
	DayOfWeek      int     `json:"day_of_week"`
	EarliestStart  string  `json:"earliest_start"`
	AvailableHours float64 `json:"available_hours"`
}

// RowError is a refused row of a week: Row is its index in the input (the
// editor's row, the API's days[i]), Field the input at fault.
type RowError struct {
	Row     int
	Day     int
	Field   string // "day_of_week", "earliest_start", "available_hours" or "timezone"
	Message string
}

func (e *RowError) Error() string {
	if e.Row < 0 {
		return e.Message
	}
	if e.Day >= 0 && e.Day <= 6 {
		return fmt.Sprintf("row %d (%s): %s", e.Row, DayNames[e.Day], e.Message)
	}
	return fmt.Sprintf("row %d: %s", e.Row, e.Message)
}

// WeekError lists every refused row; nothing of the week was saved. It is
// reported as the cause of a KindInvalid fault whose message is this
// summary, so errors.As reaches the rows.
type WeekError struct {
	Rows []*RowError
}

func (e *WeekError) Error() string {
	if len(e.Rows) == 0 {
		return "invalid availability"
	}
	msg := e.Rows[0].Error()
	if len(e.Rows) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(e.Rows)-1)
	}
	return msg
}

func weekInvalid(rows []*RowError) error {
	we := &WeekError{Rows: rows}
	return fault.Wrap(fault.KindInvalid, we.Error(), we)
}

// ForRow returns the error of the row with index i, or nil.
func (e *WeekError) ForRow(i int) *RowError {
	for _, r := range e.Rows {
		if r.Row == i {
			return r
		}
	}
	return nil
}

// ValidateDay checks a weekday index (spec §2.2).
func ValidateDay(day int) error {
	if day < 0 || day > 6 {
		return fmt.Errorf("day_of_week must be 0–6, got %d", day)
	}
	return nil
}

// ValidateHours checks a window length: 0 < h ≤ 16 with at most one decimal
// place. The one-decimal rule is the fix of §2.2: NUMERIC(3,1) would round
// 0.04 to 0.0 and fail the database CHECK with a generic error.
func ValidateHours(h float64) error {
	if math.IsNaN(h) || math.IsInf(h, 0) || h <= 0 || h > MaxWindowHours {
		return fmt.Errorf("available_hours must be >0 and <=16, got %s", formatHours(h))
	}
	if tenths := h * 10; math.Abs(tenths-math.Round(tenths)) > 1e-9 {
		return fmt.Errorf("available_hours must have at most one decimal place, got %s", formatHours(h))
	}
	return nil
}

func formatHours(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// ValidateWeek checks every row of a week and returns the parsed windows,
// or a *WeekError naming each bad row. A weekday given twice is refused:
// a player has at most one window per day.
func ValidateWeek(timezone string, days []DayInput) ([]Window, error) {
	var bad []*RowError
	if !IsPlayerZone(timezone) {
		bad = append(bad, &RowError{Row: -1, Day: -1, Field: "timezone", Message: "Invalid timezone selected"})
	}
	seen := map[int]int{}
	windows := make([]Window, 0, len(days))
	for i, d := range days {
		if err := ValidateDay(d.DayOfWeek); err != nil {
			bad = append(bad, &RowError{Row: i, Day: -1, Field: "day_of_week", Message: err.Error()})
			continue
		}
		if prev, dup := seen[d.DayOfWeek]; dup {
			bad = append(bad, &RowError{Row: i, Day: d.DayOfWeek, Field: "day_of_week",
				Message: fmt.Sprintf("%s is already given in row %d", DayNames[d.DayOfWeek], prev)})
			continue
		}
		seen[d.DayOfWeek] = i
		start, err := ParseClock(d.EarliestStart)
		if err != nil {
			bad = append(bad, &RowError{Row: i, Day: d.DayOfWeek, Field: "earliest_start", Message: "earliest_start must be HH:MM, got " + strconv.Quote(d.EarliestStart)})
			continue
		}
		if err := ValidateHours(d.AvailableHours); err != nil {
			bad = append(bad, &RowError{Row: i, Day: d.DayOfWeek, Field: "available_hours", Message: err.Error()})
			continue
		}
		windows = append(windows, Window{Day: d.DayOfWeek, Start: start, Hours: d.AvailableHours})
	}
	if len(bad) > 0 {
		return nil, weekInvalid(bad)
	}
	return windows, nil
}

// ReplaceWeek replaces a player's whole week and time zone in one
// transaction: every row is validated first, and any bad row refuses the
// lot (a *WeekError), so the old week stays intact. Days not given become
// "not available".
func ReplaceWeek(db *gorm.DB, playerID int, timezone string, days []DayInput, now time.Time) error {
	windows, err := ValidateWeek(timezone, days)
	if err != nil {
		return err
	}
	now = now.UTC()
	return db.Transaction(func(tx *gorm.DB) error {
		if err := requireActivePlayer(tx, playerID); err != nil {
			return err
		}
		res := tx.Model(&models.Player{}).Where("id = ?", playerID).
			Updates(map[string]any{"timezone": timezone, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("set timezone of player %d: %w", playerID, res.Error)
		}
		if res.RowsAffected == 0 {
			return fault.Wrap(fault.KindNotFound, "Not found", fmt.Errorf("player %d: %w", playerID, gorm.ErrRecordNotFound))
		}
		if err := tx.Where("player_id = ?", playerID).Delete(&models.AvailabilityWindow{}).Error; err != nil {
			return fmt.Errorf("clear week of player %d: %w", playerID, err)
		}
		for _, w := range windows {
			row := models.AvailabilityWindow{PlayerID: playerID, DayOfWeek: w.Day, EarliestStart: w.Start, AvailableHours: w.Hours, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("save %s of player %d: %w", DayNames[w.Day], playerID, err)
			}
		}
		return nil
	})
}

// SetWindow writes one weekday's window, replacing the one already there
// (upsert: never two rows for a player and day). updated_at is bumped.
func SetWindow(db *gorm.DB, playerID, day int, start models.TimeOfDay, hours float64, now time.Time) (models.AvailabilityWindow, error) {
	if err := ValidateDay(day); err != nil {
		return models.AvailabilityWindow{}, err
	}
	if err := ValidateHours(hours); err != nil {
		return models.AvailabilityWindow{}, err
	}
	if !start.Valid() {
		return models.AvailabilityWindow{}, errors.New("earliest_start must be HH:MM")
	}
	if err := requireActivePlayer(db, playerID); err != nil {
		return models.AvailabilityWindow{}, err
	}
	row := models.AvailabilityWindow{PlayerID: playerID, DayOfWeek: day, EarliestStart: start, AvailableHours: hours, UpdatedAt: now.UTC()}
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "player_id"}, {Name: "day_of_week"}},
		DoUpdates: clause.AssignmentColumns([]string{"earliest_start", "available_hours", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return models.AvailabilityWindow{}, fmt.Errorf("set %s window of player %d: %w", DayNames[day], playerID, err)
	}
	// On conflict the returned id may be the discarded insert's; read back.
	if err := db.Where("player_id = ? AND day_of_week = ?", playerID, day).Take(&row).Error; err != nil {
		return models.AvailabilityWindow{}, err
	}
	return row, nil
}

// ClearWeek deletes all of a player's windows and says how many there were.
func ClearWeek(db *gorm.DB, playerID int) (int64, error) {
	res := db.Where("player_id = ?", playerID).Delete(&models.AvailabilityWindow{})
	if res.Error != nil {
		return 0, fmt.Errorf("clear week of player %d: %w", playerID, res.Error)
	}
	return res.RowsAffected, nil
}

// PlayerWeek is a player's windows, Monday first.
func PlayerWeek(db *gorm.DB, playerID int) ([]models.AvailabilityWindow, error) {
	var rows []models.AvailabilityWindow
	if err := db.Where("player_id = ?", playerID).Order("day_of_week").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load week of player %d: %w", playerID, err)
	}
	return rows, nil
}

// DayWindow is one player's window on one (player-local) weekday with the
// weight of their rank (0 without a rank), as spec §2.4's helper lists it.
type DayWindow struct {
	PlayerID         int
	DisplayName      string
	DayOfWeek        int
	EarliestStart    models.TimeOfDay
	AvailableHours   float64
	SchedulingWeight int
}

// WindowsOnDay lists every window stored for weekday day.
func WindowsOnDay(db *gorm.DB, day int) ([]DayWindow, error) {
	var out []DayWindow
	a := models.Table(db, &models.AvailabilityWindow{})
	p := models.Table(db, &models.Player{})
	r := models.Table(db, &models.GuildRank{})
	err := db.Table(a+" AS a").
		Select("a.player_id, p.display_name, a.day_of_week, a.earliest_start, a.available_hours, COALESCE(r.scheduling_weight, 0) AS scheduling_weight").
		Joins("JOIN "+p+" AS p ON p.id = a.player_id").
		Joins("LEFT JOIN "+r+" AS r ON r.id = p.guild_rank_id").
		Where("a.day_of_week = ?", day).Order("p.display_name").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("windows on day %d: %w", day, err)
	}
	return out, nil
}

// PlayerAvailability is one player with their stored week.
type PlayerAvailability struct {
	Player  models.Player
	Windows []models.AvailabilityWindow
}

// VisibleAvailability is the guild's availability as a viewer may see it
// (spec §11.10 fix): officers see every active player, a member only
// themself. Players come by display name.
func VisibleAvailability(db *gorm.DB, viewerID int, officer bool) ([]PlayerAvailability, error) {
	q := db.Where("is_active = ?", true).Order("display_name").Order("id")
	if !officer {
		q = q.Where("id = ?", viewerID)
	}
	var players []models.Player
	if err := q.Find(&players).Error; err != nil {
		return nil, fmt.Errorf("list players for availability: %w", err)
	}
	ids := make([]int, len(players))
	for i, p := range players {
		ids[i] = p.ID
	}
	var rows []models.AvailabilityWindow
	if len(ids) > 0 {
		if err := db.Where("player_id IN ?", ids).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("load availability: %w", err)
		}
	}
	byPlayer := map[int][]models.AvailabilityWindow{}
	for _, r := range rows {
		byPlayer[r.PlayerID] = append(byPlayer[r.PlayerID], r)
	}
	out := make([]PlayerAvailability, len(players))
	for i, p := range players {
		out[i] = PlayerAvailability{Player: p, Windows: byPlayer[p.ID]}
	}
	return out, nil
}

// errPlayerInactive refuses availability saved for a deactivated player.
var errPlayerInactive = fault.Forbidden("Player is inactive.")

// requireActivePlayer stops a deactivated player's writes, inside the
// caller's transaction (the request's session check can be a moment old).
func requireActivePlayer(tx *gorm.DB, playerID int) error {
	var n int64
	if err := tx.Model(&models.Player{}).Where("id = ? AND is_active = ?", playerID, false).Count(&n).Error; err != nil {
		return fmt.Errorf("check player %d: %w", playerID, err)
	}
	if n > 0 {
		return errPlayerInactive
	}
	return nil
}
