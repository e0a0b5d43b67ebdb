// Package sync keeps the guild's data current from outside sources (spec
// guild_sync): the Blizzard roster and profiles into
// guild_identity.wow_characters, with guards so an outage never empties the
// roster; every run recorded in guild_identity.sync_log with live progress;
// the runs registered as jobs on the app's job runner. The Battle.net client
// is sync/blizzard; sync/fakeblizzard is the local fake the tests use.
package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/config"
	"patt/notify"
	"patt/sync/blizzard"
)

// Job names on the runner.
const (
	JobBlizzard  = "guild-sync"
	JobIdentity  = "identity-match"
	JobIntegrity = "integrity-check"
)

// ForceKey marks a context whose roster sync may exceed the removal guard.
type forceKey struct{}

// WithForce asks the roster sync run under ctx to lift the removal guard.
func WithForce(ctx context.Context) context.Context { return context.WithValue(ctx, forceKey{}, true) }

var pkgLog = slog.Default()

func logger() *slog.Logger { return pkgLog }

// Service is the guild sync as the app runs it.
type Service struct {
	DB    *gorm.DB
	Log   *slog.Logger
	Clock func() time.Time
	// API is the Blizzard client; nil when credentials are missing, in
	// which case Why says so and every run fails with that reason.
	API                  RosterAPI
	Why                  error
	RealmSlug, GuildSlug string
	Zone                 *time.Location
	Workers              int
	// Notifier reaches the audit channel; it is asked at report time, so
	// a bot that starts later is used. AuditChannel "" sends nothing.
	Notifier     func() notify.Notifier
	AuditChannel string
	BaseURL      string

	// cfg is kept to build a client from the settings officers save on
	// /admin/sync when the environment has no credentials; site caches it
	// while the settings stay the same (one token, one rate limit).
	cfg  *config.Config
	mu   gosync.Mutex
	site struct {
		key    string
		client *blizzard.Client
	}
	// discordSeen fingerprints the Discord members last matched against
	// (DiscordChanged).
	discordSeen string
}

// ForgetDiscord makes the next DiscordChanged say yes.
func (s *Service) ForgetDiscord() {
	s.mu.Lock()
	s.discordSeen = ""
	s.mu.Unlock()
}

// New builds the service from the configuration. Missing or malformed
// credentials do not fail: the reason is kept, said once in the log, and
// each sync run records it as a failed sync_log row.
func New(cfg *config.Config, db *gorm.DB, log *slog.Logger, clock func() time.Time) *Service {
	if log == nil {
		log = slog.Default()
	}
	pkgLog = log
	s := &Service{
		DB: db, Log: log, Clock: clock, Zone: cfg.GuildTimezone, cfg: cfg,
		AuditChannel: cfg.AuditChannelID, BaseURL: cfg.BaseURL,
		RealmSlug: strings.ToLower(cfg.Guild.RealmSlug), GuildSlug: strings.ToLower(cfg.Guild.NameSlug),
	}
	client, err := blizzard.New(blizzard.Config{
		ClientID: cfg.BlizzardClientID, ClientSecret: cfg.BlizzardClientSecret,
		Region: cfg.Guild.Region, APIURL: cfg.BlizzardAPIURL, TokenURL: cfg.BlizzardOAuthURL,
	})
	if err != nil {
		s.Why = err
		if !errors.Is(err, blizzard.ErrNoCredentials) {
			log.Error("blizzard sync off", "err", err)
		}
		// Without credentials in the environment, each run reads the ones
		// officers saved on /admin/sync.
		return s
	}
	s.API = client
	return s
}

// Name is the integration's name.
func (s *Service) Name() string { return "guild-sync" }

// Start closes sync_log rows a crash left running (older than any run can
// last) and checks the credentials once, so a wrong secret shows in the log
// at start; neither stops the site.
func (s *Service) Start(ctx context.Context) error {
	if n, err := CloseStale(ctx, s.DB, s.Clock(), 2*time.Hour); err != nil {
		s.Log.Warn("guild sync: close interrupted runs", "err", err)
	} else if n > 0 {
		s.Log.Info("guild sync: closed runs left running by a crash", "count", n)
	}
	api, _, _, err := s.rosterAPI(ctx)
	if c, ok := api.(*blizzard.Client); ok && err == nil {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := c.CheckCredentials(cctx); err != nil {
			s.Log.Error("blizzard sync: credentials check failed; syncs will fail until fixed", "err", err)
		}
	} else if err != nil && !errors.Is(err, blizzard.ErrNoCredentials) {
		s.Log.Error("blizzard sync: cannot build the client; syncs will fail until fixed", "err", err)
	}
	return nil
}

// rosterAPI is the client a run uses and the guild it syncs: the one built
// from the environment (or set by a test), else one built from the
// settings officers saved on /admin/sync, kept while they stay the same.
func (s *Service) rosterAPI(ctx context.Context) (RosterAPI, string, string, error) {
	if s.API != nil {
		return s.API, s.RealmSlug, s.GuildSlug, nil
	}
	if s.Why != nil && !errors.Is(s.Why, blizzard.ErrNoCredentials) || s.cfg == nil {
		why := s.Why
		if why == nil {
			why = blizzard.ErrNoCredentials
		}
		return nil, "", "", why
	}
	conn, err := LoadConnection(ctx, s.DB, s.cfg)
	if err != nil {
		return nil, "", "", err
	}
	if conn.Unreadable != "" {
		return nil, "", "", errors.New(conn.Unreadable)
	}
	if !conn.Configured() {
		return nil, "", "", blizzard.ErrNoCredentials
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{conn.ClientID, conn.secret, conn.Region}, "\x00")))
	key := hex.EncodeToString(sum[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.site.key != key {
		client, err := blizzard.New(conn.clientConfig(s.cfg))
		if err != nil {
			return nil, "", "", err
		}
		s.site.key, s.site.client = key, client
	}
	return s.site.client, conn.RealmSlug, conn.GuildSlug, nil
}

// Close has nothing to release: runs stop with the job runner.
func (s *Service) Close(context.Context) error { return nil }

// Jobs are the service's jobs for the runner.
func (s *Service) Jobs() []jobs.Job {
	return []jobs.Job{{
		Name:        JobBlizzard,
		Description: "Syncs the guild roster and character profiles from Blizzard, then links characters to players, checks integrity and reports new issues.",
		Schedule:    TimesOfDay(s.Zone, 1, 7, 13, 19),
		Timeout:     time.Hour,
		Run:         s.RunBlizzard,
	}, {
		Name:        JobIdentity,
		Description: "Links unlinked characters to players (the identity engine) and files suggestions for officers.",
		Timeout:     10 * time.Minute,
		Run:         s.RunIdentity,
	}, {
		Name:        JobIntegrity,
		Description: "Checks links, roles and activity, opens and resolves audit issues, and reports new ones.",
		Timeout:     10 * time.Minute,
		Run:         s.RunIntegrity,
	}}
}

// RunBlizzard is the Blizzard pipeline, one sync_log row: roster sync, then
// the identity engine, the integrity check and the report. A missing
// credential or a failed roster is a failed row and stops the pipeline; the
// removal guard's refusal is recorded as a failure too, but the matching
// and checks still run on the updated roster.
func (s *Service) RunBlizzard(ctx context.Context) error {
	run, err := startLog(ctx, s.DB, SourceBlizzard, s.Clock)
	if err != nil {
		return err
	}
	st, err := s.syncRoster(ctx, run)
	var counts *Counts
	if st.Found > 0 {
		c := st.Counts()
		counts = &c
	}
	jobs.Report(ctx, "%s", st)
	if err == nil || errors.Is(err, ErrRemovalGuard) {
		if perr := s.afterRoster(ctx, run); perr != nil {
			err = errors.Join(err, perr)
		}
	}
	if ferr := run.finish(counts, err); ferr != nil {
		s.Log.Error("guild sync: record end", "err", ferr)
	}
	return err
}

// afterRoster runs matching, the integrity check and the report.
func (s *Service) afterRoster(ctx context.Context, run *logRun) error {
	run.stage("identity")
	m, err := MatchIdentities(ctx, s.DB, s.Clock(), false)
	if err != nil {
		return fmt.Errorf("identity engine: %w", err)
	}
	jobs.Report(ctx, "identity: %s", m)
	s.ranksMayHaveChanged()
	return s.integrity(ctx, run)
}

// ranksMayHaveChanged tells the Discord bot that the roster and the
// identity engine may have moved players' ranks, so their Discord roles
// follow now rather than at the role push's next run.
func (s *Service) ranksMayHaveChanged() {
	if s.Notifier != nil {
		notify.RanksChanged(s.Notifier())
	}
}

func (s *Service) integrity(ctx context.Context, run *logRun) error {
	run.stage("integrity")
	is, err := CheckIntegrity(ctx, s.DB, s.Clock())
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	jobs.Report(ctx, "%s", is)
	if is.TotalNew == 0 || s.Notifier == nil {
		return nil
	}
	run.stage("report")
	sent, err := ReportIssues(ctx, s.DB, s.Notifier(), s.AuditChannel, s.BaseURL, s.Clock())
	if err != nil {
		// The issues stay unnotified and go out with the next report.
		s.Log.Warn("audit report not posted", "err", err)
		return nil
	}
	jobs.Report(ctx, "reported %d issues to Discord", sent)
	return nil
}

// RunIdentity runs the identity engine on its own (by hand, or after a
// Discord member sync), then the integrity check.
func (s *Service) RunIdentity(ctx context.Context) error {
	run, err := startLog(ctx, s.DB, SourceIdentity, s.Clock)
	if err != nil {
		return err
	}
	err = s.afterRoster(ctx, run)
	if ferr := run.finish(nil, err); ferr != nil {
		s.Log.Error("identity run: record end", "err", ferr)
	}
	return err
}

// RunIntegrity runs the integrity check and report on their own.
func (s *Service) RunIntegrity(ctx context.Context) error {
	run, err := startLog(ctx, s.DB, SourceAudit, s.Clock)
	if err != nil {
		return err
	}
	err = s.integrity(ctx, run)
	if ferr := run.finish(nil, err); ferr != nil {
		s.Log.Error("integrity run: record end", "err", ferr)
	}
	return err
}

func (s *Service) syncRoster(ctx context.Context, run *logRun) (RosterStats, error) {
	api, realm, guild, err := s.rosterAPI(ctx)
	if err != nil {
		return RosterStats{}, err
	}
	force, _ := ctx.Value(forceKey{}).(bool)
	force = forceNext.Swap(false) || force
	rs := &RosterSync{
		DB: s.DB, API: api, RealmSlug: realm, GuildSlug: guild,
		Clock: s.Clock, Workers: s.Workers, Force: force, Progress: run.progress,
	}
	st, err := rs.Run(ctx)
	if err != nil {
		return st, err
	}
	s.Log.Info("roster synced", "summary", st.String())
	return st, nil
}

// TimesOfDay is a schedule at the given hours of the guild's wall clock
// (Blizzard syncs run four times a day: 01, 07, 13, 19).
func TimesOfDay(zone *time.Location, hours ...int) jobs.Schedule {
	var all anyOf
	for _, h := range hours {
		all = append(all, jobs.DailyAt(zone, h, 0))
	}
	return all
}

type anyOf []jobs.Schedule

func (a anyOf) Next(t time.Time) time.Time {
	var best time.Time
	for _, s := range a {
		if n := s.Next(t); best.IsZero() || n.Before(best) {
			best = n
		}
	}
	return best
}

func (a anyOf) AtStart() bool { return false }

func (a anyOf) String() string {
	parts := make([]string, len(a))
	for i, s := range a {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}

// forceNext asks the next Blizzard run in this process to lift the removal
// guard: an officer ticked "Force" on /admin/sync. It is consumed by that
// run, so a forced run never carries over to the schedule.
var forceNext atomic.Bool

// RequestForcedRun makes the next roster sync here a forced one.
func RequestForcedRun() { forceNext.Store(true) }

// CancelForcedRun withdraws the request (the run did not start).
func CancelForcedRun() { forceNext.Store(false) }
