package sync

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// Sync log sources and statuses (guild_identity.sync_log).
const (
	SourceBlizzard = "blizzard_api"
	SourceIdentity = "identity_engine"
	SourceAudit    = "integrity_check"

	StatusRunning = "running"
	StatusSuccess = "success"
	StatusFailed  = "failed"
)

// Counts are the numbers a run records on its sync_log row.
type Counts struct {
	Found, Updated, New, Removed int
}

// logRun is one sync_log row being written by a running sync.
type logRun struct {
	db    *gorm.DB
	id    int
	start time.Time
	clock func() time.Time
}

// startLog inserts the "running" row. Rows of the same source a crash left
// running are closed first: the caller holds the job's lock, so no other
// process is running this source.
func startLog(ctx context.Context, db *gorm.DB, source string, clock func() time.Time) (*logRun, error) {
	db = db.WithContext(context.WithoutCancel(ctx))
	now := clock()
	if _, err := closeRunning(db, source, now); err != nil {
		return nil, err
	}
	row := models.SyncLog{Source: source, Status: StatusRunning, StartedAt: now}
	if err := db.Create(&row).Error; err != nil {
		return nil, fmt.Errorf("record sync start: %w", err)
	}
	return &logRun{db: db, id: row.ID, start: now, clock: clock}, nil
}

// progress records the stage and how far it got, for the live view.
func (l *logRun) progress(stage string, done, total int) {
	if l == nil {
		return
	}
	l.db.Model(&models.SyncLog{}).Where("id = ?", l.id).
		Updates(map[string]any{"stage": stage, "progress_done": done, "progress_total": total})
}

// stage records a stage without counts (the profile counts stay visible).
func (l *logRun) stage(stage string) {
	if l == nil {
		return
	}
	l.db.Model(&models.SyncLog{}).Where("id = ?", l.id).Update("stage", stage)
}

// finish closes the row: success, or failed with the error's text; the
// counts are recorded either way (a guarded run still updated characters).
func (l *logRun) finish(c *Counts, runErr error) error {
	now := l.clock()
	dur := now.Sub(l.start).Seconds()
	up := map[string]any{"status": StatusSuccess, "completed_at": now, "duration_seconds": dur, "stage": "done"}
	if c != nil {
		up["characters_found"], up["characters_updated"] = c.Found, c.Updated
		up["characters_new"], up["characters_removed"] = c.New, c.Removed
	}
	if runErr != nil {
		up["status"], up["error_message"], up["stage"] = StatusFailed, runErr.Error(), "failed"
	}
	if err := l.db.Model(&models.SyncLog{}).Where("id = ?", l.id).Updates(up).Error; err != nil {
		return fmt.Errorf("record sync end: %w", err)
	}
	return nil
}

// closeRunning marks rows of source still "running" as failed; source ""
// means every source. Used at a run's start and at app start.
func closeRunning(db *gorm.DB, source string, now time.Time) (int64, error) {
	q := db.Model(&models.SyncLog{}).Where("status = ?", StatusRunning)
	if source != "" {
		q = q.Where("source = ?", source)
	}
	res := q.Updates(map[string]any{
		"status": StatusFailed, "completed_at": now, "stage": "failed",
		"error_message": "interrupted: the process stopped while this sync was running",
	})
	if res.Error != nil {
		return 0, fmt.Errorf("close interrupted syncs: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// CloseStale closes "running" rows older than age (left by a crash; no run
// lasts that long), at app start.
func CloseStale(ctx context.Context, db *gorm.DB, now time.Time, age time.Duration) (int64, error) {
	res := db.WithContext(ctx).Model(&models.SyncLog{}).
		Where("status = ? AND started_at < ?", StatusRunning, now.Add(-age)).
		Updates(map[string]any{
			"status": StatusFailed, "completed_at": now, "stage": "failed",
			"error_message": "interrupted: the process stopped while this sync was running",
		})
	return res.RowsAffected, res.Error
}

// RecentLogs lists the newest sync_log rows, newest first.
func RecentLogs(db *gorm.DB, limit int) ([]models.SyncLog, error) {
	var rows []models.SyncLog
	if err := db.Order("started_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list sync runs: %w", err)
	}
	return rows, nil
}

// LogByID is one sync_log row.
func LogByID(db *gorm.DB, id int) (models.SyncLog, error) {
	var row models.SyncLog
	err := db.Where("id = ?", id).Take(&row).Error
	return row, err
}
