// Package app is the runtime of `patt serve`: it builds the dependencies
// once (config, database, clock, logger, the Notifier, the job runner, the
// integrations), registers every background job, serves HTTP, and shuts it
// all down in order. An integration plugs in here with one line in
// plugIntegrations and its jobs with one Jobs.Add call; nothing else in the
// code base starts goroutines of its own.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/bot"
	"patt/config"
	"patt/handlers"
	"patt/migrations"
	"patt/models"
	"patt/notify"
	"patt/onboarding"
	"patt/schedule"
	"patt/seal"
	guildsync "patt/sync"
	"patt/sync/addonupload"
	"patt/voting"
)

// ShutdownTimeout bounds the whole shutdown: draining requests, stopping
// jobs, closing integrations and the database.
const ShutdownTimeout = 20 * time.Second

// Integration is an optional part that talks to an outside service (the
// Discord bot, the Blizzard sync, Raid-Helper). Start is called once the
// database is ready and must not block; an error is logged and the site
// keeps running. Close is called at shutdown, before the database closes.
type Integration interface {
	Name() string
	Start(ctx context.Context) error
	Close(ctx context.Context) error
}

// App is the running platform.
type App struct {
	Config  *config.Config
	DB      *gorm.DB
	Log     *slog.Logger
	Clock   func() time.Time
	Version string
	// Notifier reaches Discord: the bot when configured, notify.Nop if not.
	Notifier notify.Notifier
	Jobs     *jobs.Runner
	// RaidHelper books raids and syncs signups; its key and ids are read
	// from common.discord_config on each use.
	RaidHelper schedule.RaidHelper
	// Onboarding walks new Discord members to a website account; the bot
	// drives it, officers act on its queue.
	Onboarding *onboarding.Service

	// DrainTimeout bounds how long Shutdown waits for requests in flight
	// before it cuts them (default DefaultDrainTimeout).
	DrainTimeout time.Duration

	integrations []Integration
	http         *fiber.App
	drain        *drainer
	// guild is the guild sync; a Discord member sync that changed the
	// members asks it to match identities (thenMatch).
	guild *guildsync.Service
}

// New opens and migrates the database and assembles everything; nothing
// runs until Run.
func New(cfg *config.Config, log *slog.Logger, version string) (*App, error) {
	db, err := models.Open(cfg.DatabaseURL, nil)
	if err != nil {
		return nil, err
	}
	if err := migrations.Migrate(db); err != nil {
		closeDB(db)
		return nil, err // it says "migrate: …" itself
	}
	a, err := Assemble(cfg, db, log, version)
	if err != nil {
		closeDB(db)
		return nil, err
	}
	return a, nil
}

// Assemble builds the app on an open, migrated database (tests use it with
// a dbtest database).
func Assemble(cfg *config.Config, db *gorm.DB, log *slog.Logger, version string) (*App, error) {
	if log == nil {
		log = slog.Default()
	}
	a := &App{
		Config: cfg, DB: db, Log: log, Version: version,
		Clock:    cfg.Clock(),
		Notifier: notify.Nop{},
	}
	if !cfg.FakeNow.IsZero() {
		// Said once, loudly: every page, job and session runs on this clock.
		log.Warn("FAKE CLOCK: PATT_FAKE_NOW is set; the site believes it is "+cfg.FakeNow.Format(time.RFC3339)+
			" and runs on from there (development only, never in production)", "fake_now", cfg.FakeNow.Format(time.RFC3339))
	}
	if len(cfg.JWTSecret) == 0 {
		// A shared (Postgres) database with no PATT_JWT_SECRET: every
		// instance signs sessions with the one key kept in the database.
		secret, err := models.SharedSecret(context.Background(), db, models.JWTSecretName, a.Clock())
		if err != nil {
			return nil, fmt.Errorf("session secret (PATT_JWT_SECRET is unset): %w", err)
		}
		cfg.JWTSecret = secret
	}
	a.Jobs = jobs.New(db, log, a.Clock)
	keys, err := seal.New(cfg.JWTSecret, schedule.KeyBoxPurpose)
	if err != nil {
		return nil, err
	}
	a.RaidHelper = schedule.RaidHelper{BaseURL: cfg.RaidHelperAPIURL, SiteURL: cfg.BaseURL, Keys: keys}
	// A Raid-Helper key saved in plain text before sealing is sealed now.
	if sealed, err := a.RaidHelper.SealStoredKey(db); err != nil {
		log.Warn("raid-helper: could not seal the saved API key", "err", err)
	} else if sealed {
		log.Info("raid-helper: the saved API key is now encrypted at rest")
	}
	a.Onboarding = onboarding.New(db, onboarding.Config{GuildName: cfg.Guild.Name, BaseURL: cfg.BaseURL,
		AuditChannelID: cfg.AuditChannelID}, log, a.Clock, func() notify.Notifier { return a.Notifier })
	if err := a.plugIntegrations(); err != nil {
		return nil, err
	}
	if err := a.addCoreJobs(); err != nil {
		return nil, err
	}
	h, err := handlers.New(&handlers.Server{DB: db, Config: cfg, Log: log, Version: version, Now: a.Clock, Jobs: a.Jobs,
		RaidHelper: a.RaidHelper, Onboarding: a.Onboarding, Notifier: a.Notifier})
	if err != nil {
		return nil, err
	}
	a.http = h
	return a, nil
}

// plugIntegrations creates each configured integration; each one that is
// not configured is said once in the log, and the site runs without it.
func (a *App) plugIntegrations() error {
	if a.Config.DiscordToken == "" {
		a.Log.Info("discord bot off: PATT_DISCORD_TOKEN is not set; posts and DMs wait until it is")
	} else if err := a.plugBot(); err != nil {
		return err
	}
	if a.Config.BlizzardClientID == "" || a.Config.BlizzardClientSecret == "" {
		a.Log.Info("blizzard sync off unless officers saved credentials on /admin/sync: BLIZZARD_CLIENT_ID and BLIZZARD_CLIENT_SECRET are not set")
	}
	guild := guildsync.New(a.Config, a.DB, a.Log, a.Clock)
	guild.Notifier = func() notify.Notifier { return a.Notifier }
	a.guild = guild
	if err := a.plug(guild); err != nil {
		return err
	}
	if a.Config.AddonAPIKey == "" {
		a.Log.Info("addon uploads: the legacy PATT_API_KEY is not set; uploads need an uploader key from /admin/addon-uploaders")
	}
	if rh, err := schedule.LoadRaidHelperSettings(a.DB); err == nil && !rh.Configured() {
		a.Log.Info("raid-helper booking off: no API key and server id saved (officers set them on /admin/raid-helper); raids and signups run on the site alone")
	}
	return nil
}

// plug adds an integration: its Start/Close join the app's lifecycle, its
// jobs the runner, and when it is a Notifier it becomes the app's.
func (a *App) plug(in interface {
	Integration
	Jobs() []jobs.Job
}) error {
	a.integrations = append(a.integrations, in)
	if n, ok := in.(notify.Notifier); ok {
		a.Notifier = n
	}
	// An integration that reacts to site events (the bot moving roles when
	// a rank changes) starts its jobs through the runner.
	if u, ok := in.(interface{ UseJobs(func(string) error) }); ok {
		u.UseJobs(a.Jobs.RunNow)
	}
	js := in.Jobs()
	for i := range js {
		if js[i].Name == bot.JobMemberSync {
			js[i].Run = a.thenMatch(js[i].Run)
		}
	}
	return a.Jobs.Add(js...)
}

// thenMatch follows a Discord member sync with the identity engine and the
// integrity check (one job on the runner) when the members the engine
// looks at changed (W11: the reference never matched after a Discord
// sync). The bot does not know about the guild sync; the runtime joins
// them here.
func (a *App) thenMatch(run func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := run(ctx); err != nil || a.guild == nil {
			return err
		}
		changed, err := a.guild.DiscordChanged(ctx)
		if err != nil {
			return err
		}
		if !changed {
			jobs.Report(ctx, "Discord members unchanged: no identity matching needed")
			return nil
		}
		switch err := a.Jobs.RunNow(guildsync.JobIdentity); {
		case err == nil:
			jobs.Report(ctx, "Discord members changed: identity matching started")
		case errors.Is(err, jobs.ErrBusy):
			// The running match may have read the old list: try next time.
			a.guild.ForgetDiscord()
			jobs.Report(ctx, "Discord members changed; identity matching is already running")
		default:
			return err
		}
		return nil
	}
}

// addCoreJobs registers the platform's own background work.
func (a *App) addCoreJobs() error {
	agent := &voting.Agent{BaseURL: a.Config.BaseURL, Zone: a.Config.GuildTimezone, Log: a.Log}
	return a.Jobs.Add(
		jobs.Job{
			Name:        "voting-checker",
			Description: "Opens and closes vote campaigns on time and queues the contest agent's posts.",
			Schedule:    jobs.Every(time.Minute),
			Timeout:     time.Minute,
			Run: func(ctx context.Context) error {
				return voting.CheckerPass(ctx, a.DB, a.Clock(), agent)
			},
		},
		jobs.Job{
			Name:        "contest-agent-delivery",
			Description: "Posts the contest agent's queued messages to Discord.",
			Schedule:    jobs.Every(time.Minute),
			Timeout:     time.Minute,
			Run: func(ctx context.Context) error {
				return voting.DeliverAgentMessages(ctx, a.DB, a.Notifier, a.Clock(), a.announcementChannel(ctx))
			},
		},
		jobs.Job{
			Name:        "raid-helper-sync",
			Description: "Books the coming week's raids in Raid-Helper and brings signups both ways (site ⇄ Raid-Helper). Does nothing until Raid-Helper is configured.",
			Schedule:    jobs.Every(10 * time.Minute),
			Timeout:     5 * time.Minute,
			Run: func(ctx context.Context) error {
				db, now := a.DB.WithContext(ctx), a.Clock()
				booked, berr := a.RaidHelper.BookDue(ctx, db, a.Notifier, now)
				if booked.Off {
					jobs.Report(ctx, "Raid-Helper is not configured; nothing booked")
					return nil
				}
				synced, serr := a.RaidHelper.SyncSignups(ctx, db, 0, a.Clock())
				jobs.Report(ctx, "%d booked, %d updated, %d found after a crash, %d failed, %d officer alerts; signups: %d imported, %d pushed, %d unknown signers",
					booked.Booked, booked.Updated, booked.Adopted, booked.Failed, booked.Alerted, synced.Imported, synced.Pushed, synced.Unknown)
				return errors.Join(berr, serr)
			},
		},
		jobs.Job{
			Name:        "raid-attendance-prefill",
			Description: "After each raid, marks those who signed up as attended, so officers only correct the sheet.",
			Schedule:    jobs.Every(15 * time.Minute),
			Timeout:     time.Minute,
			Run: func(ctx context.Context) error {
				n, err := schedule.PrefillAttendance(a.DB.WithContext(ctx), a.Clock())
				jobs.Report(ctx, "%d attendance rows prefilled from signups", n)
				return err
			},
		},
		jobs.Job{
			Name:        "raid-events-generate",
			Description: "Creates the raid events of the next three weeks from the active raid nights and applies members' auto-signup (hourly, so a member who turns auto-signup on is signed up within the hour).",
			Schedule:    jobs.Every(time.Hour),
			Timeout:     2 * time.Minute,
			Run: func(ctx context.Context) error {
				res, err := schedule.GenerateRaidEvents(a.DB.WithContext(ctx), a.Config.GuildTimezone, a.Clock())
				jobs.Report(ctx, "%d raid events created, %d auto-signups", res.Created, res.AutoSignups)
				return err
			},
		},
		jobs.Job{
			Name:        "addon-upload-retention",
			Description: "Clears the raw body of PATTSync uploads older than 30 days (the upload's record and summary stay).",
			Schedule:    jobs.DailyAt(a.Config.GuildTimezone, 4, 30),
			Timeout:     time.Minute,
			Run: func(ctx context.Context) error {
				n, err := addonupload.PruneRaw(ctx, a.DB, a.Clock())
				jobs.Report(ctx, "%d raw uploads cleared", n)
				return err
			},
		},
	)
}

// announcementChannel is the guild's default announcement channel from
// common.discord_config, or "".
func (a *App) announcementChannel(ctx context.Context) string {
	var cfg models.DiscordConfig
	if err := a.DB.WithContext(ctx).Order("id").Limit(1).Find(&cfg).Error; err != nil || cfg.DefaultAnnouncementChannelID == nil {
		return ""
	}
	return *cfg.DefaultAnnouncementChannelID
}

// HTTP is the Fiber app (tests drive it with app.Test).
func (a *App) HTTP() *fiber.App { return a.http }

// Run starts the integrations and the jobs, serves HTTP on cfg.Addr until
// ctx ends, then shuts down in order: stop accepting and drain requests,
// stop the jobs and wait for them, close the integrations, close the
// database — all within ShutdownTimeout.
func (a *App) Run(ctx context.Context) error {
	// Bind before starting anything or saying "running": the address is
	// ours, or the start fails with one line naming it.
	ln, lerr := net.Listen("tcp", a.Config.Addr)
	if lerr != nil {
		closeDB(a.DB)
		return fmt.Errorf("cannot listen on PATT_ADDR=%s: %w", a.Config.Addr, listenProblem(lerr))
	}
	for _, in := range a.integrations {
		if err := in.Start(ctx); err != nil {
			a.Log.Error("integration did not start; the site runs without it", "integration", in.Name(), "err", err)
		}
	}
	a.Jobs.Start(ctx)

	errc := make(chan error, 1)
	a.drain = newDrainer()
	go func() { errc <- a.serveHTTP(a.drain, ln) }()
	a.Log.Info("patt is running", "url", a.Config.BaseURL, "addr", a.Config.Addr,
		"database", string(models.DialectOf(a.DB)), "version", a.Version)

	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		a.Log.Info("shutting down")
	}
	err := a.Shutdown()
	return errors.Join(serveErr, err)
}

// Shutdown stops everything in order within ShutdownTimeout.
func (a *App) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := a.shutdownHTTP(ctx); err != nil {
		errs = append(errs, fmt.Errorf("http: %w", err))
	}
	if err := a.Jobs.Stop(ctx); err != nil {
		errs = append(errs, err)
	}
	for i := len(a.integrations) - 1; i >= 0; i-- {
		if err := a.integrations[i].Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.integrations[i].Name(), err))
		}
	}
	closeDB(a.DB)
	if len(errs) == 0 {
		a.Log.Info("stopped")
	}
	return errors.Join(errs...)
}

// listenProblem is the reason a bind failed without the "listen tcp
// 127.0.0.1:8100:" the address already names.
func listenProblem(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
