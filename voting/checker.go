package voting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/app/jobs"
	"patt/fault"
	"patt/models"
)

// CheckResult says what one checker pass changed.
type CheckResult struct {
	Activated, Closed, EarlyClosed []int
}

// CheckStatuses is one pass of the status checker (§2.3 with §12.10–11):
// scheduled campaigns whose start has come go live (drafts never open by
// themselves: an officer activates them), live campaigns past end_at
// close, and live ones where everyone voted close early. Each campaign is
// its own transaction, so one failure doesn't undo the others.
func CheckStatuses(db *gorm.DB, now time.Time) (CheckResult, error) {
	var res CheckResult
	var errs []error

	var due []int
	if err := db.Model(&models.Campaign{}).Where("status = ? AND start_at <= ?", StatusScheduled, now).
		Order("id").Pluck("id", &due).Error; err != nil {
		return res, fmt.Errorf("checker: list scheduled: %w", err)
	}
	for _, id := range due {
		opened, err := open(db, now, id)
		if err != nil && fault.KindOf(err) != fault.KindConflict {
			errs = append(errs, fmt.Errorf("open %d: %w", id, err))
		} else if opened {
			res.Activated = append(res.Activated, id)
		}
	}

	var live []models.Campaign
	if err := db.Where("status = ?", StatusLive).Order("id").Find(&live).Error; err != nil {
		return res, errors.Join(append(errs, fmt.Errorf("checker: list live: %w", err))...)
	}
	for _, c := range live {
		if !now.Before(EndAt(&c)) {
			if _, err := Close(db, now, c.ID); err != nil && fault.KindOf(err) != fault.KindConflict {
				errs = append(errs, fmt.Errorf("close %d: %w", c.ID, err))
			} else if err == nil {
				res.Closed = append(res.Closed, c.ID)
			}
			continue
		}
		if c.EarlyCloseIfAllVoted {
			closed, err := CloseIfAllVoted(db, now, c.ID)
			if err != nil {
				errs = append(errs, fmt.Errorf("early close %d: %w", c.ID, err))
			} else if closed {
				res.EarlyClosed = append(res.EarlyClosed, c.ID)
			}
		}
	}
	return res, errors.Join(errs...)
}

// open puts a scheduled campaign live once its start has come, in its own
// transaction; it reports whether it did. The entries were checked when it
// was scheduled and are locked since, but are checked again: an
// incomplete campaign stays scheduled rather than opening a ballot nobody
// can fill (§12.10).
func open(db *gorm.DB, now time.Time, id int) (bool, error) {
	opened := false
	err := db.Transaction(func(tx *gorm.DB) error {
		var c models.Campaign
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if c.Status != StatusScheduled || c.StartAt.After(now) {
			return nil
		}
		if err := readyToGoLive(tx, &c); err != nil {
			return err
		}
		opened = true
		return tx.Model(&c).Updates(map[string]any{"status": StatusLive, "updated_at": now}).Error
	})
	return opened, err
}

// RefreshStatus opens a scheduled campaign whose start has come and closes
// a live one whose end has passed, so a page read shows the current state
// without waiting for the checker (§12.7: status computed on read).
func RefreshStatus(db *gorm.DB, now time.Time, c *models.Campaign) (*models.Campaign, error) {
	if c.Status == StatusScheduled && !c.StartAt.After(now) {
		if _, err := open(db, now, c.ID); err != nil && fault.KindOf(err) != fault.KindConflict {
			return nil, err
		}
		fresh, err := Get(db, c.ID)
		if err != nil {
			return nil, err
		}
		c = fresh
	}
	if c.Status != StatusLive || now.Before(EndAt(c)) {
		return c, nil
	}
	closed, err := Close(db, now, c.ID)
	if fault.KindOf(err) == fault.KindConflict {
		return Get(db, c.ID)
	}
	if err != nil {
		return nil, err
	}
	closed.Entries = c.Entries
	return closed, nil
}

// CheckerPass is one run of the "voting-checker" job (app/): open and close
// campaigns on time, then let the contest agent queue what is due — in the
// same pass, so a campaign that just went live gets its launch post queued
// at once (§12.2, §12.11). The job runner supplies the lock, the schedule
// and the log of each run.
func CheckerPass(ctx context.Context, db *gorm.DB, now time.Time, agent *Agent) error {
	db = db.WithContext(ctx)
	res, err := CheckStatuses(db, now)
	if n := len(res.Activated) + len(res.Closed) + len(res.EarlyClosed); n > 0 {
		jobs.Report(ctx, "activated %v, closed %v, closed early %v", res.Activated, res.Closed, res.EarlyClosed)
	}
	if agent == nil {
		agent = &Agent{}
	}
	return errors.Join(err, agent.RunPass(db, now))
}

// OpenNow opens a scheduled campaign before its start time, at an
// officer's word: it starts now and runs for its duration from now.
func OpenNow(db *gorm.DB, now time.Time, id int) (*models.Campaign, error) {
	var c models.Campaign
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if c.Status != StatusScheduled {
			return errorf(fault.KindConflict, "Campaign is %s, only a scheduled campaign can be opened early", c.Status)
		}
		if err := readyToGoLive(tx, &c); err != nil {
			return err
		}
		if c.StartAt.After(now) {
			c.StartAt = now
		}
		c.Status = StatusLive
		c.UpdatedAt = now
		return tx.Omit(clause.Associations).Save(&c).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}
