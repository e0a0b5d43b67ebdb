package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
	"patt/notify"
	"patt/raidhelper"
)

// BookAhead is how far ahead generated raids are booked in Raid-Helper:
// the coming week.
const BookAhead = 7 * 24 * time.Hour

// stalePending is how long a "pending" booking may sit before the job
// treats it as a crash between the call and the save and looks again.
const stalePending = 10 * time.Minute

// Booking actions, triggers and statuses (patt.raid_bookings).
const (
	BookCreate = "create"
	BookUpdate = "update"
	BookCancel = "cancel"
	BookAdopt  = "adopt"
	BookAlert  = "alert"
	BookAuto   = "auto"
	BookManual = "manual"
	BookingOK  = "ok"
	BookingErr = "failed"
	BookingRun = "pending"
)

// BookResult says what one auto-booking pass did.
type BookResult struct {
	Off     bool // Raid-Helper is not configured: nothing was tried
	Booked  int
	Adopted int // found already in Raid-Helper after a crash
	Updated int // changed on the site, updated in Raid-Helper
	Failed  int
	Alerted int // raids within a day still not booked, told to officers
}

// BookDue books every generated raid of the coming week that is not in
// Raid-Helper yet (or whose last attempt failed), each exactly once:
//   - the event is claimed by one conditional UPDATE to "pending" together
//     with its booking-log row, so two instances (or two passes) never both
//     call Raid-Helper for it;
//   - the event id and "booked" are saved with the log row's result in one
//     transaction after the call;
//   - a "pending" left by a crash is resolved by looking the event up in
//     Raid-Helper (same start and title) before booking anew.
//
// A failure is logged on its event and the pass goes on with the others;
// the next pass retries. The chain never breaks: every week's raids are
// generated ahead and each is booked on its own, whatever happened before.
func (r RaidHelper) BookDue(ctx context.Context, db *gorm.DB, n notify.Notifier, now time.Time) (BookResult, error) {
	var res BookResult
	client, cfg, err := r.client(db)
	if errors.Is(err, ErrRaidHelperOff) {
		res.Off = true
		return res, nil
	}
	if err != nil {
		return res, err
	}
	var due []models.RaidEvent
	err = db.Where("origin = ? AND status = ? AND start_time_utc > ? AND start_time_utc <= ?", OriginGenerated, EventScheduled, now.UTC(), now.Add(BookAhead).UTC()).
		Where("rh_state IN ? OR (rh_state = ? AND rh_state_at < ?)", []string{RHNone, RHFailed}, RHPending, now.Add(-stalePending).UTC()).
		Order("start_time_utc").Find(&due).Error
	if err != nil {
		return res, fmt.Errorf("raids to book: %w", err)
	}
	var errs []error
	// Booked raids changed on the site since: update them in Raid-Helper.
	var changed []models.RaidEvent
	err = db.Where("status = ? AND start_time_utc > ? AND raid_helper_event_id IS NOT NULL", EventScheduled, now.UTC()).
		Where("rh_state = ?", RHChanged).
		Order("start_time_utc").Find(&changed).Error
	if err != nil {
		return res, fmt.Errorf("raids to update: %w", err)
	}
	for _, e := range changed {
		logID, err := claim(db, e.ID, BookAuto, BookUpdate, 0, now, []string{RHChanged}, now.Add(-stalePending))
		if errors.Is(err, errClaimed) {
			continue
		}
		if err != nil {
			return res, err
		}
		uerr := client.UpdateEvent(ctx, *e.RaidHelperEventID, eventInput(db, cfg, e, r.SiteURL))
		state := RHBooked
		if uerr != nil {
			state = RHChanged // tried again next pass
		}
		if err := finish(db, e.ID, logID, state, *e.RaidHelperEventID, nil, "", uerr, now, BookAuto); err != nil {
			res.Failed++
			errs = append(errs, fmt.Errorf("%s %s: %w", e.Title, e.EventDate, err))
		} else {
			res.Updated++
		}
	}
	for _, e := range due {
		adopted, err := r.book(ctx, db, client, cfg, e, BookAuto, 0, n, now)
		switch {
		case errors.Is(err, errClaimed):
		case err != nil:
			res.Failed++
			errs = append(errs, fmt.Errorf("%s %s: %w", e.Title, e.EventDate, err))
		case adopted:
			res.Adopted++
		default:
			res.Booked++
		}
	}
	res.Alerted = alertUnbooked(ctx, db, cfg, n, now)
	return res, errors.Join(errs...)
}

// alertUnbooked tells officers, once per raid, when a generated raid less
// than a day away is still not in Raid-Helper because booking keeps failing
// (spec §9.6 fix: nobody was told). The message goes to the raid channel
// through the Notifier; the alert is recorded in the booking log (action
// "alert"), which is also what makes it once.
func alertUnbooked(ctx context.Context, db *gorm.DB, cfg models.DiscordConfig, n notify.Notifier, now time.Time) int {
	if n == nil || !n.Enabled() || deref(cfg.RaidChannelID) == "" {
		return 0
	}
	var late []models.RaidEvent
	if err := db.Where("origin = ? AND status = ? AND rh_state = ? AND start_time_utc > ? AND start_time_utc <= ?",
		OriginGenerated, EventScheduled, RHFailed, now.UTC(), now.Add(24*time.Hour).UTC()).Find(&late).Error; err != nil {
		return 0
	}
	sent := 0
	for _, e := range late {
		var told int64
		if err := db.Model(&models.RaidBooking{}).Where("event_id = ? AND action = ?", e.ID, BookAlert).Count(&told).Error; err != nil || told > 0 {
			continue
		}
		var last models.RaidBooking
		reason := ""
		if err := db.Where("event_id = ? AND status = ?", e.ID, BookingErr).Order("started_at DESC").Take(&last).Error; err == nil && last.Error != nil {
			reason = " Last error: " + *last.Error
		}
		msg := notify.Message{Content: "⚠️ " + e.Title + " (" + e.EventDate.String() + ") is not booked in Raid-Helper yet and starts within a day. Officers: book it by hand on the Raid-Helper page." + reason}
		_, perr := n.Post(ctx, deref(cfg.RaidChannelID), msg)
		id := e.ID
		row := models.RaidBooking{EventID: &id, Action: BookAlert, Trigger: BookAuto, Status: BookingOK, StartedAt: now.UTC(), FinishedAt: ptrTime(now.UTC())}
		if perr != nil {
			m := perr.Error()
			row.Status, row.Error = BookingErr, &m
		}
		if err := db.Create(&row).Error; err == nil && perr == nil {
			sent++
		}
	}
	return sent
}

func ptrTime(t time.Time) *time.Time { return &t }

// errClaimed: another instance or pass holds the event.
var errClaimed = errors.New("booking claimed elsewhere")

// eventInput is the Raid-Helper event for a raid: its night's channel and
// template, else the configured ones, and the configured voice channel.
func eventInput(db *gorm.DB, cfg models.DiscordConfig, e models.RaidEvent, siteURL string) raidhelper.EventInput {
	in := raidhelper.EventInput{ChannelID: deref(cfg.RaidChannelID), VoiceChannelID: deref(cfg.RaidVoiceChannelID), LeaderID: deref(cfg.RaidCreatorDiscordID),
		TemplateID: cfg.RaidDefaultTemplateID, Title: e.Title, Start: e.StartTimeUTC, Duration: e.EndTimeUTC.Sub(e.StartTimeUTC),
		Description: "Auto-scheduled raid. Sign up below!"}
	if siteURL != "" {
		in.Description += "\nOr on the site: " + strings.TrimRight(siteURL, "/") + "/raids/" + strconv.Itoa(e.ID)
	}
	if e.DiscordChannelID != nil && *e.DiscordChannelID != "" {
		in.ChannelID = *e.DiscordChannelID
	}
	if e.RecurringEventID != nil {
		var night models.RecurringEvent
		if err := db.Take(&night, *e.RecurringEventID).Error; err == nil {
			if night.DiscordChannelID != nil && *night.DiscordChannelID != "" {
				in.ChannelID = *night.DiscordChannelID
			}
			if night.RaidHelperTemplateID != "" {
				in.TemplateID = night.RaidHelperTemplateID
			}
		}
	}
	return in
}

// book claims e, creates (or, after a crash, finds) its Raid-Helper event,
// and saves the result with the log row. adopted reports a found event.
func (r RaidHelper) book(ctx context.Context, db *gorm.DB, client *raidhelper.Client, cfg models.DiscordConfig, e models.RaidEvent,
	trigger string, officer int, n notify.Notifier, now time.Time) (adopted bool, err error) {
	wasPending := e.RHState == RHPending
	logID, err := claim(db, e.ID, trigger, BookCreate, officer, now, []string{RHNone, RHFailed, RHCancelled}, now.Add(-stalePending))
	if err != nil {
		return false, err
	}
	in := eventInput(db, cfg, e, r.SiteURL)
	var created raidhelper.Created
	if wasPending {
		// A crash may have left the event booked in Raid-Helper but not
		// saved here: look for it before booking again.
		if list, lerr := client.ServerEvents(ctx); lerr == nil {
			for _, ev := range list {
				if ev.StartTime == e.StartTimeUTC.Unix() && ev.Title == e.Title {
					created = raidhelper.Created{EventID: ev.ID, URL: "https://discord.com/channels/" + deref(cfg.RaidHelperServerID) + "/" + ev.ChannelID + "/" + ev.ID}
					adopted = true
					in.ChannelID = ev.ChannelID
				}
			}
		}
	}
	if !adopted {
		created, err = client.CreateEvent(ctx, in)
	}
	if err != nil {
		return false, finish(db, e.ID, logID, RHFailed, "", nil, "", err, now, trigger)
	}
	if err := finish(db, e.ID, logID, RHBooked, created.EventID, created.Payload, in.ChannelID, nil, now, trigger); err != nil {
		return adopted, err
	}
	if !adopted && n != nil && n.Enabled() && deref(cfg.RaidChannelID) != "" && created.URL != "" {
		// Best effort: the raid is booked whether or not the post goes out.
		_, _ = n.Post(ctx, deref(cfg.RaidChannelID), notify.Message{Content: "📅 Next week's raid has been posted! Sign up here:\n" + created.URL})
	}
	return adopted, nil
}

// claim moves the event to "pending" if it is in one of the from states
// (or pending since before stale), and writes the log row, in one
// transaction; errClaimed if someone else holds it.
func claim(db *gorm.DB, eventID int, trigger, action string, officer int, now time.Time, from []string, stale time.Time) (int, error) {
	var logID int
	err := db.Transaction(func(tx *gorm.DB) error {
		r := tx.Model(&models.RaidEvent{}).Where("id = ?", eventID).
			Where("rh_state IN ? OR (rh_state = ? AND rh_state_at < ?)", from, RHPending, stale.UTC()).
			Updates(map[string]any{"rh_state": RHPending, "rh_state_at": now.UTC()})
		if r.Error != nil {
			return fmt.Errorf("claim raid %d: %w", eventID, r.Error)
		}
		if r.RowsAffected == 0 {
			return errClaimed
		}
		id := eventID
		row := models.RaidBooking{EventID: &id, Action: action, Trigger: trigger, Status: BookingRun, StartedAt: now.UTC()}
		if officer != 0 {
			row.OfficerPlayerID = &officer
		}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("booking log: %w", err)
		}
		logID = row.ID
		return nil
	})
	return logID, err
}

// finish saves the outcome of a claimed booking and its log row in one
// transaction. callErr is the Raid-Helper failure (nil on success); the
// returned error is callErr itself, or a database error.
func finish(db *gorm.DB, eventID, logID int, state, rhID string, payload []byte, channel string, callErr error, now time.Time, trigger string) error {
	err := db.Transaction(func(tx *gorm.DB) error {
		up := map[string]any{"rh_state": state, "rh_state_at": now.UTC()}
		logUp := map[string]any{"finished_at": now.UTC(), "status": BookingOK}
		if callErr != nil {
			logUp["status"] = BookingErr
			msg := fault.MessageOf(callErr)
			if msg == "" {
				msg = callErr.Error()
			}
			logUp["error"] = msg
		}
		if rhID != "" {
			up["raid_helper_event_id"] = rhID
			logUp["rh_event_id"] = rhID
			if trigger == BookAuto {
				up["auto_booked"] = true
			}
		}
		if state == RHCancelled || state == RHNone {
			up["raid_helper_event_id"] = nil
		}
		if channel != "" {
			up["discord_channel_id"] = channel
		}
		if len(payload) > 0 && json.Valid(payload) {
			up["raid_helper_payload"] = string(payload)
		}
		if err := tx.Model(&models.RaidEvent{}).Where("id = ?", eventID).Updates(up).Error; err != nil {
			return fmt.Errorf("save booking of raid %d: %w", eventID, err)
		}
		return tx.Model(&models.RaidBooking{}).Where("id = ?", logID).Updates(logUp).Error
	})
	if err != nil {
		return err
	}
	return callErr
}

// Book is an officer's "book" or "re-book" of one raid: a raid not in
// Raid-Helper is created there; a booked one is updated to the site's
// title and times (created anew if it was deleted in Discord).
func (r RaidHelper) Book(ctx context.Context, db *gorm.DB, eventID, officer int, now time.Time) error {
	client, cfg, err := r.client(db)
	if errors.Is(err, ErrRaidHelperOff) {
		return fault.Conflict("Raid-Helper is not configured. Set the API key and server id on the Raid-Helper page.")
	}
	if err != nil {
		return err
	}
	e, err := RaidEventByID(db, eventID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fault.NotFound(fmt.Sprintf("Raid event %d not found", eventID))
		}
		return err
	}
	if e.Status == EventCancelled {
		return fault.Conflict("This raid was cancelled")
	}
	if !now.Before(e.StartTimeUTC) {
		return fault.Conflict("This raid has already started")
	}
	if (e.RHState == RHBooked || e.RHState == RHChanged) && e.RaidHelperEventID != nil {
		logID, err := claim(db, e.ID, BookManual, BookUpdate, officer, now, []string{RHBooked, RHChanged}, now.Add(-stalePending))
		if errors.Is(err, errClaimed) {
			return fault.Conflict("A booking of this raid is under way")
		}
		if err != nil {
			return err
		}
		in := eventInput(db, cfg, e, r.SiteURL)
		uerr := client.UpdateEvent(ctx, *e.RaidHelperEventID, in)
		if fault.KindOf(uerr) == fault.KindNotFound {
			// Deleted in Discord: book it again.
			if err := finish(db, e.ID, logID, RHNone, "", nil, "", uerr, now, BookManual); err != nil && !errors.Is(err, uerr) {
				return err
			}
			e.RHState, e.RaidHelperEventID = RHNone, nil
			_, err := r.book(ctx, db, client, cfg, e, BookManual, officer, nil, now)
			return err
		}
		return finish(db, e.ID, logID, RHBooked, *e.RaidHelperEventID, nil, "", uerr, now, BookManual)
	}
	_, err = r.book(ctx, db, client, cfg, e, BookManual, officer, nil, now)
	if errors.Is(err, errClaimed) {
		return fault.Conflict("A booking of this raid is under way")
	}
	return err
}

// Cancel is an officer cancelling one raid: it is deleted from
// Raid-Helper (if booked there) and marked cancelled, so generation never
// brings it back and members can no longer answer. If Raid-Helper refuses
// the delete, the raid stays as it was (and the log says why).
func (r RaidHelper) Cancel(ctx context.Context, db *gorm.DB, eventID, officer int, now time.Time) error {
	e, err := RaidEventByID(db, eventID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fault.NotFound(fmt.Sprintf("Raid event %d not found", eventID))
		}
		return err
	}
	if e.Status == EventCancelled {
		return fault.Conflict("This raid is already cancelled")
	}
	if (e.RHState == RHBooked || e.RHState == RHChanged) && e.RaidHelperEventID != nil {
		client, _, err := r.client(db)
		if err != nil && !errors.Is(err, ErrRaidHelperOff) {
			return err
		}
		if client != nil {
			logID, err := claim(db, e.ID, BookManual, BookCancel, officer, now, []string{RHBooked, RHChanged}, now.Add(-stalePending))
			if errors.Is(err, errClaimed) {
				return fault.Conflict("A booking of this raid is under way")
			}
			if err != nil {
				return err
			}
			derr := client.DeleteEvent(ctx, *e.RaidHelperEventID)
			if derr != nil && fault.KindOf(derr) != fault.KindNotFound {
				return finish(db, e.ID, logID, RHBooked, "", nil, "", derr, now, BookManual)
			}
			if err := finish(db, e.ID, logID, RHCancelled, "", nil, "", nil, now, BookManual); err != nil {
				return err
			}
		}
	}
	return db.Model(&models.RaidEvent{}).Where("id = ?", e.ID).Update("status", EventCancelled).Error
}

// BookingLine is one row of the booking log as officers read it.
type BookingLine struct {
	models.RaidBooking
	EventTitle string
	EventDate  string
}

// BookingLog lists the latest booking attempts, newest first.
func BookingLog(db *gorm.DB, limit int) ([]BookingLine, error) {
	var rows []models.RaidBooking
	if err := db.Order("started_at DESC").Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("booking log: %w", err)
	}
	ids := []int{}
	for _, r := range rows {
		if r.EventID != nil {
			ids = append(ids, *r.EventID)
		}
	}
	events := map[int]models.RaidEvent{}
	if len(ids) > 0 {
		var evs []models.RaidEvent
		if err := db.Where("id IN ?", ids).Find(&evs).Error; err != nil {
			return nil, fmt.Errorf("booking log events: %w", err)
		}
		for _, e := range evs {
			events[e.ID] = e
		}
	}
	out := make([]BookingLine, 0, len(rows))
	for _, r := range rows {
		l := BookingLine{RaidBooking: r}
		if r.EventID != nil {
			if e, ok := events[*r.EventID]; ok {
				l.EventTitle, l.EventDate = e.Title, e.EventDate.String()
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// TestConnection reads the server's events with the saved settings.
func (r RaidHelper) TestConnection(ctx context.Context, db *gorm.DB) (int, error) {
	client, _, err := r.client(db)
	if errors.Is(err, ErrRaidHelperOff) {
		return 0, fault.Conflict("Raid-Helper is not configured (missing server_id or api_key)")
	}
	if err != nil {
		return 0, err
	}
	list, err := client.ServerEvents(ctx)
	return len(list), err
}
