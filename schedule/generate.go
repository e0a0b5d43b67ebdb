package schedule

import (
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/models"
)

// GenerateDays is how far ahead raid events exist: today (guild clock) and
// the next three weeks, so members can answer well before a raid and the
// booking job always finds next week's nights.
const GenerateDays = 21

// Origins and statuses of raid events (migration 0110).
const (
	OriginManual    = "manual"
	OriginGenerated = "generated"
	EventScheduled  = "scheduled"
	EventCancelled  = "cancelled"
)

// GenerateResult says what one generation pass did.
type GenerateResult struct {
	Created     int // raid events created
	AutoSignups int // members signed up by their auto-signup preference
}

// GenerateRaidEvents makes sure every active raid night has a raid event on
// each of its dates from today to GenerateDays ahead, on the guild's clock:
// the start is the night's wall-clock time on that date in the guild's zone
// (WallClock), so a DST change never moves a 21:00 raid to 20:00 or 22:00.
// A date is generated once: a night that already has an event that day (an
// officer's, a cancelled one, or one from an earlier pass) is left alone,
// and the unique index on generated (night, date) stops two instances
// racing. Running after downtime simply fills in what is missing, exactly
// once. Then the members who asked for it are signed up to upcoming events
// on the nights they usually raid (AutoSignup).
func GenerateRaidEvents(db *gorm.DB, guild *time.Location, now time.Time) (GenerateResult, error) {
	var res GenerateResult
	var nights []models.RecurringEvent
	if err := db.Where("is_active = ?", true).Order("day_of_week").Order("id").Find(&nights).Error; err != nil {
		return res, fmt.Errorf("raid nights: %w", err)
	}
	today := Today(now, guild)
	for i := 0; i <= GenerateDays; i++ {
		day := today.AddDays(i)
		for _, n := range nights {
			if n.DayOfWeek != day.DayOfWeek() {
				continue
			}
			created, err := generateOne(db, n, day, guild, now)
			if err != nil {
				return res, err
			}
			if created {
				res.Created++
			}
		}
	}
	signed, err := AutoSignup(db, guild, now)
	res.AutoSignups = signed
	return res, err
}

func generateOne(db *gorm.DB, n models.RecurringEvent, day models.Date, guild *time.Location, now time.Time) (bool, error) {
	created := false
	err := db.Transaction(func(tx *gorm.DB) error {
		start := WallClock(day, n.DefaultStartTime, guild).UTC()
		minutes := n.DefaultDurationMinutes
		if minutes <= 0 {
			minutes = 120
		}
		var existing []models.RaidEvent
		if err := tx.Where("recurring_event_id = ? AND event_date = ?", n.ID, day).Find(&existing).Error; err != nil {
			return fmt.Errorf("raid event of night %d on %s: %w", n.ID, day, err)
		}
		if len(existing) > 0 {
			return followNight(tx, existing[0], n, start, time.Duration(minutes)*time.Minute, now)
		}
		id := n.ID
		e := models.RaidEvent{Title: n.Label, EventDate: day, StartTimeUTC: start,
			EndTimeUTC: start.Add(time.Duration(minutes) * time.Minute), DiscordChannelID: n.DiscordChannelID,
			RecurringEventID: &id, Origin: OriginGenerated, Status: EventScheduled, RHState: RHNone, CreatedAt: now.UTC()}
		season, err := SeasonOn(tx, day)
		if err != nil {
			return err
		}
		if season != nil {
			e.SeasonID = &season.ID
		}
		r := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("raid_helper_payload").Create(&e)
		if r.Error != nil {
			return fmt.Errorf("generate raid of night %d on %s: %w", n.ID, day, r.Error)
		}
		created = r.RowsAffected > 0
		return nil
	})
	return created, err
}

// followNight keeps a generated raid that has not started in step with its
// night when an officer changes the night's time, length or label: the
// raid moves, and if it is booked in Raid-Helper it is marked "changed" so
// the booking job updates it there. Raids officers made or edited by hand
// (origin manual) are left alone.
func followNight(tx *gorm.DB, e models.RaidEvent, n models.RecurringEvent, start time.Time, length time.Duration, now time.Time) error {
	if e.Origin != OriginGenerated || e.Status != EventScheduled || !now.Before(e.StartTimeUTC) || !now.Before(start) {
		return nil
	}
	if e.StartTimeUTC.Equal(start) && e.EndTimeUTC.Sub(e.StartTimeUTC) == length && e.Title == n.Label {
		return nil
	}
	up := map[string]any{"start_time_utc": start, "end_time_utc": start.Add(length), "title": n.Label}
	if e.RHState == RHBooked {
		up["rh_state"] = RHChanged
	}
	return tx.Model(&models.RaidEvent{}).Where("id = ?", e.ID).Updates(up).Error
}

// UpcomingEvents lists scheduled raid events that have not started yet,
// soonest first (at most limit; 0 = all).
func UpcomingEvents(db *gorm.DB, now time.Time, limit int) ([]models.RaidEvent, error) {
	var out []models.RaidEvent
	q := db.Where("start_time_utc > ? AND status = ?", now.UTC(), EventScheduled).Order("start_time_utc").Order("id")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("upcoming raids: %w", err)
	}
	return out, nil
}

// Raid-Helper booking states of a raid event (raid_events.rh_state).
const (
	RHNone      = "none"      // not booked
	RHPending   = "pending"   // a booking call is under way (or crashed mid-way)
	RHBooked    = "booked"    // in Raid-Helper: raid_helper_event_id is set
	RHFailed    = "failed"    // the last attempt failed; the job retries
	RHCancelled = "cancelled" // deleted from Raid-Helper by an officer
	RHChanged   = "changed"   // booked, then changed here: the job updates Raid-Helper
)
