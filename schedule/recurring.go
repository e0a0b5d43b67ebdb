package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Refusals of the recurring-event and raid-event rules. Each is a
// *fault.Error, so its kind gives the status (404, 409); ruleErr words one
// case for the user and keeps the sentinel reachable with errors.Is.
var (
	ErrNotFound = fault.NotFound("not found")
	// ErrDayTaken: a weekday already has its active raid night. The partial
	// unique index recurring_events_one_active_per_day_idx enforces it too,
	// so two concurrent saves cannot both win.
	ErrDayTaken = fault.Conflict("an active recurring event already exists for that day")
	// ErrInUse: raid events still point at the row.
	ErrInUse = fault.Conflict("in use")
)

func ruleErr(kind *fault.Error, format string, args ...any) error {
	return fault.Wrap(kind.Kind, fmt.Sprintf(format, args...), kind)
}

// fieldErr refuses one input field (422).
func fieldErr(field, msg string) error { return fault.Invalid(field, msg) }

// OptionalString tells a JSON field that was absent (Set false) from one
// sent as null (Set true, Value nil): PATCH leaves the first alone and
// clears the second (decision 4).
type OptionalString struct {
	Set   bool
	Value *string
}

// UnmarshalJSON is called only for a key present in the body.
func (o *OptionalString) UnmarshalJSON(b []byte) error {
	o.Set = true
	return json.Unmarshal(b, &o.Value)
}

// RaidNightInput is a create or a partial update of a recurring event: nil
// fields are left alone on update and take their defaults on create.
type RaidNightInput struct {
	Label                  *string        `json:"label"`
	EventType              *string        `json:"event_type"`
	DayOfWeek              *int           `json:"day_of_week"`
	DefaultStartTime       *string        `json:"default_start_time"`
	DefaultDurationMinutes *int           `json:"default_duration_minutes"`
	DiscordChannelID       OptionalString `json:"discord_channel_id"`
	RaidHelperTemplateID   *string        `json:"raid_helper_template_id"`
	IsActive               *bool          `json:"is_active"`
	DisplayOnPublic        *bool          `json:"display_on_public"`
}

// apply validates in's fields and writes them onto e.
func (in RaidNightInput) apply(e *models.RecurringEvent) error {
	if in.DayOfWeek != nil {
		if err := ValidateDay(*in.DayOfWeek); err != nil {
			return fieldErr("day_of_week", "day_of_week must be 0–6")
		}
		e.DayOfWeek = *in.DayOfWeek
	}
	if in.Label != nil {
		l := strings.TrimSpace(*in.Label)
		if l == "" || len([]rune(l)) > 100 {
			return fieldErr("label", "label is required (at most 100 characters)")
		}
		e.Label = l
	}
	if in.EventType != nil {
		t := strings.TrimSpace(*in.EventType)
		if t == "" || len(t) > 30 {
			return fieldErr("event_type", "event_type must be 1–30 characters")
		}
		e.EventType = t
	}
	if in.DefaultStartTime != nil {
		t, err := ParseClock(*in.DefaultStartTime)
		if err != nil {
			return fieldErr("default_start_time", "default_start_time must be HH:MM")
		}
		e.DefaultStartTime = t
	}
	if in.DefaultDurationMinutes != nil {
		m := *in.DefaultDurationMinutes
		if m < 15 || m > 720 {
			return fieldErr("default_duration_minutes", "default_duration_minutes must be 15–720")
		}
		e.DefaultDurationMinutes = m
	}
	if in.DiscordChannelID.Set {
		c := in.DiscordChannelID.Value
		if c != nil {
			v := strings.TrimSpace(*c)
			if len(v) > 25 {
				return fieldErr("discord_channel_id", "discord_channel_id must be at most 25 characters")
			}
			if v == "" {
				c = nil
			} else {
				c = &v
			}
		}
		e.DiscordChannelID = c
	}
	if in.RaidHelperTemplateID != nil {
		t := strings.TrimSpace(*in.RaidHelperTemplateID)
		if len(t) > 50 {
			return fieldErr("raid_helper_template_id", "raid_helper_template_id must be at most 50 characters")
		}
		if t == "" {
			t = "wowretail2"
		}
		e.RaidHelperTemplateID = t
	}
	if in.IsActive != nil {
		e.IsActive = *in.IsActive
	}
	if in.DisplayOnPublic != nil {
		e.DisplayOnPublic = *in.DisplayOnPublic
	}
	return nil
}

func dayTakenErr(day int) error {
	return ruleErr(ErrDayTaken, "An active recurring event already exists for day_of_week=%d", day)
}

// checkDayFree refuses a second active raid night on e's weekday. The
// database index is the real guard; this gives the friendly message first.
func checkDayFree(tx *gorm.DB, e *models.RecurringEvent) error {
	if !e.IsActive {
		return nil
	}
	var n int64
	q := tx.Model(&models.RecurringEvent{}).Where("day_of_week = ? AND is_active = ?", e.DayOfWeek, true)
	if e.ID != 0 {
		q = q.Where("id <> ?", e.ID)
	}
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return dayTakenErr(e.DayOfWeek)
	}
	return nil
}

func mapSaveErr(err error, day int) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return dayTakenErr(day)
	}
	return err
}

// ListRaidNights lists every recurring event, active or not, by weekday.
func ListRaidNights(db *gorm.DB) ([]models.RecurringEvent, error) {
	var out []models.RecurringEvent
	if err := db.Order("day_of_week").Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list recurring events: %w", err)
	}
	return out, nil
}

// CreateRaidNight creates a recurring event; label and day_of_week are
// required. A second active event on a weekday is ErrDayTaken.
func CreateRaidNight(db *gorm.DB, in RaidNightInput, now time.Time) (models.RecurringEvent, error) {
	if in.DayOfWeek == nil {
		return models.RecurringEvent{}, fieldErr("day_of_week", "day_of_week must be 0–6")
	}
	if in.Label == nil {
		return models.RecurringEvent{}, fieldErr("label", "label is required (at most 100 characters)")
	}
	e := models.RecurringEvent{EventType: "raid", DefaultStartTime: models.TimeOfDay{Hour: 21},
		DefaultDurationMinutes: 120, RaidHelperTemplateID: "wowretail2", IsActive: true, DisplayOnPublic: true,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if err := in.apply(&e); err != nil {
		return models.RecurringEvent{}, err
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := checkDayFree(tx, &e); err != nil {
			return err
		}
		// Explicit columns: GORM would skip the false booleans and let the
		// DB default (TRUE) win.
		return tx.Create(&e).Error
	})
	if err != nil {
		return models.RecurringEvent{}, mapSaveErr(err, e.DayOfWeek)
	}
	return e, nil
}

// UpdateRaidNight applies a partial update; moving or re-activating a row
// onto a weekday that has its active night is ErrDayTaken.
func UpdateRaidNight(db *gorm.DB, id int, in RaidNightInput, now time.Time) (models.RecurringEvent, error) {
	var e models.RecurringEvent
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&e, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ruleErr(ErrNotFound, "Recurring event %d not found", id)
			}
			return err
		}
		if err := in.apply(&e); err != nil {
			return err
		}
		if err := checkDayFree(tx, &e); err != nil {
			return err
		}
		e.UpdatedAt = now.UTC()
		return tx.Select("*").Omit("created_at").Save(&e).Error
	})
	if err != nil {
		return models.RecurringEvent{}, mapSaveErr(err, e.DayOfWeek)
	}
	return e, nil
}

// DeleteRaidNight deletes a recurring event no raid event points at; one
// with raid events is ErrInUse (deactivate it instead, to keep history).
func DeleteRaidNight(db *gorm.DB, id int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.RaidEvent{}).Where("recurring_event_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ruleErr(ErrInUse, "Recurring event %d has %d raid event(s); deactivate it instead", id, n)
		}
		res := tx.Delete(&models.RecurringEvent{}, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ruleErr(ErrNotFound, "Recurring event %d not found", id)
		}
		return nil
	})
}

// RaidNightsOnDay lists the recurring events stored for weekday day
// (active or not), oldest first.
func RaidNightsOnDay(db *gorm.DB, day int) ([]models.RecurringEvent, error) {
	var events []models.RecurringEvent
	if err := db.Where("day_of_week = ?", day).Order("id").Find(&events).Error; err != nil {
		return nil, fmt.Errorf("raid nights on day %d: %w", day, err)
	}
	return events, nil
}

// RaidNightsByDay picks, for each weekday (Monday first), the raid night
// officers edit there: the active one, else the most recent inactive one;
// nil for a day without any.
func RaidNightsByDay(db *gorm.DB) ([7]*models.RecurringEvent, error) {
	all, err := ListRaidNights(db)
	if err != nil {
		return [7]*models.RecurringEvent{}, err
	}
	return pickRaidNights(all), nil
}

// RaidNightOfDay is RaidNightsByDay for one weekday.
func RaidNightOfDay(db *gorm.DB, day int) (*models.RecurringEvent, error) {
	events, err := RaidNightsOnDay(db, day)
	if err != nil {
		return nil, err
	}
	return pickRaidNights(events)[day], nil
}

// pickRaidNights applies the choice to events in id order within a day.
func pickRaidNights(events []models.RecurringEvent) [7]*models.RecurringEvent {
	var out [7]*models.RecurringEvent
	for i := range events {
		e := &events[i]
		if e.DayOfWeek < 0 || e.DayOfWeek > 6 {
			continue
		}
		if cur := out[e.DayOfWeek]; cur != nil && cur.IsActive && !e.IsActive {
			continue
		}
		out[e.DayOfWeek] = e
	}
	return out
}
