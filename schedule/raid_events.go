package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"patt/models"
)

// RaidEventInput creates or (partially) updates a raid event. EventDate and
// StartTime are on the guild's clock; the stored instants are UTC.
type RaidEventInput struct {
	Title            *string `json:"title"`
	EventDate        *string `json:"event_date"`
	StartTime        *string `json:"start_time"`
	DurationMinutes  *int    `json:"duration_minutes"`
	Notes            *string `json:"notes"`
	LogURL           *string `json:"log_url"`
	RecurringEventID *int    `json:"recurring_event_id"`
}

// apply validates the input and writes it onto e, recomputing the UTC
// instants from the guild-clock date, time and duration. The season
// follows the event's own date.
func (in RaidEventInput) apply(tx *gorm.DB, e *models.RaidEvent, guild *time.Location) error {
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if t == "" || len([]rune(t)) > 200 {
			return fieldErr("title", "title is required (at most 200 characters)")
		}
		e.Title = t
	}
	date := e.EventDate
	if in.EventDate != nil {
		d, err := models.ParseDate(*in.EventDate)
		if err != nil {
			return fieldErr("event_date", "event_date must be YYYY-MM-DD")
		}
		date = d
	}
	start := models.TimeOfDay{}
	length := e.EndTimeUTC.Sub(e.StartTimeUTC)
	if !e.StartTimeUTC.IsZero() {
		local := e.StartTimeUTC.In(guild)
		start = models.TimeOfDay{Hour: local.Hour(), Minute: local.Minute()}
	}
	if in.StartTime != nil {
		t, err := ParseClock(*in.StartTime)
		if err != nil {
			return fieldErr("start_time", "start_time must be HH:MM")
		}
		start = t
	}
	if in.DurationMinutes != nil {
		m := *in.DurationMinutes
		if m < 15 || m > 720 {
			return fieldErr("duration_minutes", "duration_minutes must be 15–720")
		}
		length = time.Duration(m) * time.Minute
	}
	if in.Notes != nil {
		n := strings.TrimSpace(*in.Notes)
		if n == "" {
			e.Notes = nil
		} else {
			e.Notes = &n
		}
	}
	if in.LogURL != nil {
		u := strings.TrimSpace(*in.LogURL)
		// No control characters or spaces: a CR LF in a URL would end the
		// line it is written on (iCal, headers) and forge what follows.
		if len(u) > 500 || (u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://")) ||
			strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			return fieldErr("log_url", "log_url must be an http(s) link of at most 500 characters")
		}
		if u == "" {
			e.LogURL = nil
		} else {
			e.LogURL = &u
		}
	}
	if in.RecurringEventID != nil {
		if *in.RecurringEventID == 0 {
			e.RecurringEventID = nil
		} else {
			var n int64
			if err := tx.Model(&models.RecurringEvent{}).Where("id = ?", *in.RecurringEventID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return fieldErr("recurring_event_id", fmt.Sprintf("Recurring event %d not found", *in.RecurringEventID))
			}
			id := *in.RecurringEventID
			e.RecurringEventID = &id
		}
	}
	if date.IsZero() {
		return fieldErr("event_date", "event_date must be YYYY-MM-DD")
	}
	if length <= 0 {
		length = 120 * time.Minute
	}
	e.EventDate = date
	e.StartTimeUTC = WallClock(date, start, guild).UTC()
	e.EndTimeUTC = e.StartTimeUTC.Add(length)
	season, err := SeasonOn(tx, date)
	if err != nil {
		return err
	}
	e.SeasonID = nil
	if season != nil {
		e.SeasonID = &season.ID
	}
	return nil
}

// CreateRaidEvent records a raid event an officer planned by hand.
func CreateRaidEvent(db *gorm.DB, in RaidEventInput, guild *time.Location, createdBy int, now time.Time) (models.RaidEvent, error) {
	if in.Title == nil {
		return models.RaidEvent{}, fieldErr("title", "title is required (at most 200 characters)")
	}
	if in.EventDate == nil {
		return models.RaidEvent{}, fieldErr("event_date", "event_date must be YYYY-MM-DD")
	}
	if in.StartTime == nil {
		return models.RaidEvent{}, fieldErr("start_time", "start_time must be HH:MM")
	}
	e := models.RaidEvent{CreatedAt: now.UTC()}
	if createdBy != 0 {
		e.CreatedByPlayerID = &createdBy
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := in.apply(tx, &e, guild); err != nil {
			return err
		}
		return tx.Omit("raid_helper_payload").Create(&e).Error
	})
	return e, err
}

// UpdateRaidEvent applies a partial update to a raid event.
func UpdateRaidEvent(db *gorm.DB, id int, in RaidEventInput, guild *time.Location) (models.RaidEvent, error) {
	var e models.RaidEvent
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&e, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ruleErr(ErrNotFound, "Raid event %d not found", id)
			}
			return err
		}
		before := e
		if err := in.apply(tx, &e, guild); err != nil {
			return err
		}
		if before.Origin == OriginGenerated && (e.EventDate != before.EventDate || !sameNight(e.RecurringEventID, before.RecurringEventID)) {
			// The night would generate its date again: a raid on another
			// day is a one-off, and the night's date is cancelled instead.
			return fieldErr("event_date", "This raid comes from a weekly raid night: cancel it and create a one-off raid for another day, or change the night")
		}
		cols := []string{"title", "event_date", "start_time_utc", "end_time_utc", "notes", "log_url", "recurring_event_id", "season_id"}
		if e.RHState == RHBooked && (e.Title != before.Title || !e.StartTimeUTC.Equal(before.StartTimeUTC) || !e.EndTimeUTC.Equal(before.EndTimeUTC)) {
			// Booked in Raid-Helper: the booking job carries the change there.
			e.RHState = RHChanged
			cols = append(cols, "rh_state")
		}
		if e.Origin == OriginGenerated {
			// Edited by hand: the raid night no longer moves it.
			e.Origin = OriginManual
			cols = append(cols, "origin")
		}
		return tx.Model(&e).Select(cols).Updates(&e).Error
	})
	return e, err
}

// RaidEventByID loads one raid event (ErrNotFound if absent).
func RaidEventByID(db *gorm.DB, id int) (models.RaidEvent, error) {
	var e models.RaidEvent
	if err := db.Take(&e, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return e, ruleErr(ErrNotFound, "Raid event %d not found", id)
		}
		return e, err
	}
	return e, nil
}

// ListRaidEvents lists raid events, newest first.
func ListRaidEvents(db *gorm.DB, limit int) ([]models.RaidEvent, error) {
	var out []models.RaidEvent
	q := db.Order("start_time_utc DESC").Order("id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list raid events: %w", err)
	}
	return out, nil
}

// UpcomingRaidEvents lists raid events that have not ended yet, soonest first.
func UpcomingRaidEvents(db *gorm.DB, now time.Time) ([]models.RaidEvent, error) {
	var out []models.RaidEvent
	if err := db.Where("end_time_utc >= ?", now.UTC()).Order("start_time_utc").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("upcoming raid events: %w", err)
	}
	return out, nil
}

func sameNight(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
