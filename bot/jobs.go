package bot

import (
	"context"
	"time"

	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/bot/outbox"
	"patt/bot/settings"
	"patt/models"
)

// Job names (the settings page's "sync now" runs them by name).
const (
	JobGateway    = "discord-gateway"
	JobOutbox     = "discord-dm-outbox"
	JobMemberSync = settings.JobMemberSync
	JobRoleSync   = settings.JobRoleSync
	JobRolePush   = "discord-role-push"
)

// Jobs is the bot's background work, for the app's runner.
func (b *Bot) Jobs() []jobs.Job {
	return []jobs.Job{
		{Name: JobGateway, Description: "Keeps one Discord gateway connection for the site (takes over when the instance running it stops).",
			Schedule: jobs.Every(30 * time.Second), Timeout: 3 * time.Minute, Run: b.KeepGateway},
		{Name: JobOutbox, Description: "Delivers queued Discord DMs that the DM switches allow.",
			Schedule: jobs.Every(15 * time.Second), Timeout: 2 * time.Minute,
			Run: func(ctx context.Context) error {
				if !b.Enabled() {
					return nil // DMs wait in the outbox
				}
				_, err := outbox.Deliver(ctx, b.db, b.now(), b.SendDM)
				return err
			}},
		{Name: JobMemberSync, Description: "Reads the whole Discord member list into discord_users.",
			Schedule: jobs.Every(15 * time.Minute), Timeout: 5 * time.Minute, Run: b.SyncMembers},
		{Name: JobRolePush, Description: "Moves Discord rank roles of members whose site rank changed.",
			Schedule: jobs.Every(2 * time.Minute), Timeout: 2 * time.Minute, Run: b.PushRoles},
		{Name: JobRoleSync, Description: "Full role sync both ways by role id, every role_sync_interval_hours.",
			Schedule: RoleSyncSchedule{DB: b.db}, Timeout: 10 * time.Minute, Run: b.SyncRoles},
	}
}

// RoleSyncSchedule runs the role sync every
// discord_config.role_sync_interval_hours (24 without a config row), read
// anew for each run so a change applies without a restart.
type RoleSyncSchedule struct{ DB *gorm.DB }

func (s RoleSyncSchedule) hours() int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var cfg models.DiscordConfig
	if err := s.DB.WithContext(ctx).Order("id").Limit(1).Find(&cfg).Error; err != nil || cfg.RoleSyncIntervalHours <= 0 {
		return 24
	}
	return cfg.RoleSyncIntervalHours
}

func (s RoleSyncSchedule) Next(t time.Time) time.Time {
	return t.Add(time.Duration(s.hours()) * time.Hour)
}
func (s RoleSyncSchedule) AtStart() bool  { return false }
func (s RoleSyncSchedule) String() string { return "every role_sync_interval_hours" }
