package app_test

import (
	"context"
	"log/slog"
	"patt/logtest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/config"
	"patt/dbtest"
	"patt/models"
	"patt/raidhelper/rhfake"
	"patt/schedule"
)

// The raid jobs on the runner: generation makes the coming weeks' raids;
// the Raid-Helper job does nothing (and says so) until settings are saved,
// then books the coming week against PATT_RAID_HELPER_API_URL.
func TestRaidJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := rhfake.New("k", "111", "222")
		defer f.Close()
		env := map[string]string{"PATT_DATA_DIR": t.TempDir(), "PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test",
			"PATT_RAID_HELPER_API_URL": f.BaseURL()}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		logs := &logtest.Buffer{}
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
		require.NoError(t, err)
		require.Contains(t, logs.String(), "raid-helper booking off")
		now := time.Date(2025, 1, 13, 12, 0, 0, 0, time.UTC)
		a.Clock = func() time.Time { return now }
		require.NoError(t, db.Create(&models.RecurringEvent{Label: "Heroic", DayOfWeek: 4, DefaultStartTime: models.TimeOfDay{Hour: 21},
			DefaultDurationMinutes: 120, IsActive: true, RaidHelperTemplateID: "wowretail2"}).Error)

		ctx := context.Background()
		run, err := a.Jobs.RunAndWait(ctx, "raid-events-generate")
		require.NoError(t, err)
		require.Equal(t, "ok", run.Status)
		var n int64
		require.NoError(t, db.Model(&models.RaidEvent{}).Count(&n).Error)
		require.EqualValues(t, 3, n)

		run, err = a.Jobs.RunAndWait(ctx, "raid-helper-sync")
		require.NoError(t, err)
		require.Equal(t, "ok", run.Status)
		require.Contains(t, *run.Summary, "not configured")
		require.Empty(t, f.Calls())

		require.NoError(t, a.RaidHelper.SaveSettings(db, schedule.RaidHelperSettingsInput{APIKey: "k", ServerID: "111", ChannelID: "222"}, now))
		run, err = a.Jobs.RunAndWait(ctx, "raid-helper-sync")
		require.NoError(t, err)
		require.Equal(t, "ok", run.Status, "%v", run.Error)
		require.Contains(t, *run.Summary, "1 booked")
		require.Len(t, f.Events(), 1)
	})
}
