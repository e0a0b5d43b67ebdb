package voting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// CheckResult says what one checker pass changed.
type CheckResult struct {
	Activated, Closed, EarlyClosed []int
}

// CheckStatuses is one pass of the status checker (§2.3 with §12.11): drafts
// whose start has come go live (if they can be voted on), live campaigns
// past end_at close, and live ones where everyone voted close early. Each
// campaign is its own transaction, so one failure doesn't undo the others.
func CheckStatuses(db *gorm.DB, now time.Time) (CheckResult, error) {
	var res CheckResult
	var errs []error

	var due []int
	if err := db.Model(&models.Campaign{}).Where("status = ? AND start_at <= ?", StatusDraft, now).
		Order("id").Pluck("id", &due).Error; err != nil {
		return res, fmt.Errorf("checker: list drafts: %w", err)
	}
	for _, id := range due {
		err := db.Transaction(func(tx *gorm.DB) error {
			var c models.Campaign
			if err := lockCampaign(tx, id, &c, true); err != nil {
				return err
			}
			if c.Status != StatusDraft || c.StartAt.After(now) {
				return nil
			}
			// An incomplete draft stays a draft rather than opening a ballot
			// nobody can fill (§12.10).
			if err := readyToGoLive(tx, &c); err != nil {
				return err
			}
			c.Status = StatusLive
			c.UpdatedAt = now
			res.Activated = append(res.Activated, id)
			return tx.Model(&c).Updates(map[string]any{"status": StatusLive, "updated_at": now}).Error
		})
		if err != nil && KindOf(err) != KindConflict {
			errs = append(errs, fmt.Errorf("activate %d: %w", id, err))
		}
	}

	var live []models.Campaign
	if err := db.Where("status = ?", StatusLive).Order("id").Find(&live).Error; err != nil {
		return res, errors.Join(append(errs, fmt.Errorf("checker: list live: %w", err))...)
	}
	for _, c := range live {
		if !now.Before(EndAt(&c)) {
			if _, err := Close(db, now, c.ID); err != nil && KindOf(err) != KindConflict {
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

// RefreshStatus closes one live campaign whose end has passed, so a page
// read after end_at shows the final state without waiting for the checker
// (§12.7: status computed on read).
func RefreshStatus(db *gorm.DB, now time.Time, c *models.Campaign) (*models.Campaign, error) {
	if c.Status != StatusLive || now.Before(EndAt(c)) {
		return c, nil
	}
	closed, err := Close(db, now, c.ID)
	if KindOf(err) == KindConflict {
		return Get(db, c.ID)
	}
	if err != nil {
		return nil, err
	}
	closed.Entries = c.Entries
	return closed, nil
}

// checkerLockKey is the Postgres advisory lock that makes one app instance
// at a time run the checker and the agent.
const checkerLockKey = 0x7A77_0030

// RunChecker runs CheckStatuses and then the contest agent every interval
// until ctx ends, starting at once (§12.11: no sleep before the first
// pass). On Postgres each pass runs only where pg_try_advisory_lock
// succeeds, so several instances never double-run it.
func RunChecker(ctx context.Context, db *gorm.DB, clock func() time.Time, interval time.Duration, log *slog.Logger, agent *Agent) {
	if log == nil {
		log = slog.Default()
	}
	if agent == nil {
		agent = &Agent{}
	}
	if agent.Log == nil {
		agent.Log = log
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := checkOnce(ctx, db, clock, log, agent); err != nil {
			log.Error("voting checker pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func checkOnce(ctx context.Context, db *gorm.DB, clock func() time.Time, log *slog.Logger, agent *Agent) error {
	pass := func(db *gorm.DB) error {
		now := clock()
		res, err := CheckStatuses(db, now)
		if len(res.Activated)+len(res.Closed)+len(res.EarlyClosed) > 0 {
			log.Info("voting checker", "activated", res.Activated, "closed", res.Closed, "early_closed", res.EarlyClosed)
		}
		return errors.Join(err, agent.RunPass(db, now))
	}
	db = db.WithContext(ctx)
	if models.DialectOf(db) != models.Postgres {
		return pass(db)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("checker lock connection: %w", err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", checkerLockKey).Scan(&got); err != nil {
		return fmt.Errorf("checker lock: %w", err)
	}
	if !got {
		return nil // another instance is on it
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", checkerLockKey)
	return pass(db)
}
