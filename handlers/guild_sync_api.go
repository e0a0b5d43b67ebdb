package handlers

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/bot/settings"
	"patt/fault"
	"patt/models"
	guildsync "patt/sync"
)

// The guild sync's JSON API (spec guild_sync §11), officer-only (W8): the
// reference left these open. Triggers start a job on the runner and answer
// 202 at once; a run already going is 409, never a second run; no job
// runner (or no bot for the Discord trigger) is 503.

// apiSyncRun is a sync_log row as the API shows it.
type apiSyncRun struct {
	ID              int        `json:"id"`
	Source          string     `json:"source"`
	Status          string     `json:"status"`
	Stage           *string    `json:"stage"`
	ProgressDone    *int       `json:"progress_done"`
	ProgressTotal   *int       `json:"progress_total"`
	Found           *int       `json:"characters_found"`
	Updated         *int       `json:"characters_updated"`
	New             *int       `json:"characters_new"`
	Removed         *int       `json:"characters_removed"`
	Error           *string    `json:"error_message"`
	DurationSeconds *float64   `json:"duration_seconds"`
	StartedAt       time.Time  `json:"started_at"`
	CompletedAt     *time.Time `json:"completed_at"`
}

func apiRun(l models.SyncLog) apiSyncRun {
	return apiSyncRun{ID: l.ID, Source: l.Source, Status: l.Status, Stage: l.Stage, ProgressDone: l.ProgressDone,
		ProgressTotal: l.ProgressTotal, Found: l.CharactersFound, Updated: l.CharactersUpdated, New: l.CharactersNew,
		Removed: l.CharactersRemoved, Error: l.ErrorMessage, DurationSeconds: l.DurationSeconds,
		StartedAt: l.StartedAt.UTC(), CompletedAt: l.CompletedAt}
}

// GET /api/guild-sync/status — per source the newest finished run, whether
// one is running now, and where the Blizzard connection comes from (never
// the secret).
func (s *Server) guildSyncAPIStatus(c fiber.Ctx) error {
	db := s.db(c)
	logs, err := guildsync.RecentLogs(db, 200)
	if err != nil {
		return err
	}
	sources := fiber.Map{}
	var running []apiSyncRun
	for _, l := range logs {
		if l.Status == guildsync.StatusRunning {
			running = append(running, apiRun(l))
			continue
		}
		if _, seen := sources[l.Source]; !seen {
			sources[l.Source] = fiber.Map{"last_sync": l.CompletedAt, "status": l.Status, "run_id": l.ID}
		}
	}
	if running == nil {
		running = []apiSyncRun{}
	}
	conn, err := guildsync.LoadConnection(c.Context(), db, s.Config)
	if err != nil {
		return err
	}
	var source any
	if conn.Source != "" {
		source = conn.Source
	}
	return apiOK(c, fiber.Map{"sources": sources, "running": running, "blizzard": fiber.Map{
		"configured": conn.Configured(), "source": source, "region": conn.Region,
		"realm_slug": conn.RealmSlug, "guild_slug": conn.GuildSlug, "client_id": conn.ClientID, "secret_hint": conn.SecretHint}})
}

// GET /api/guild-sync/runs?limit=N — the newest runs (25; at most 200).
func (s *Server) guildSyncAPIRuns(c fiber.Ctx) error {
	limit := 25
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return fault.Invalid("limit", "limit must be a whole number from 1 to 200.")
		}
		limit = n
	}
	logs, err := guildsync.RecentLogs(s.db(c), limit)
	if err != nil {
		return err
	}
	out := make([]apiSyncRun, len(logs))
	for i, l := range logs {
		out[i] = apiRun(l)
	}
	return apiOK(c, out)
}

// GET /api/guild-sync/runs/:id — one run (its live progress while running).
func (s *Server) guildSyncAPIRun(c fiber.Ctx) error {
	id, ok := idParam(c, "id")
	if !ok {
		return fault.NotFound("There is no sync run with that id.")
	}
	l, err := guildsync.LogByID(s.db(c), id)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fault.NotFound("There is no sync run with that id.")
	}
	if err != nil {
		return err
	}
	return apiOK(c, apiRun(l))
}

// GET /api/guild-sync/issues — open audit issues, critical first.
func (s *Server) guildSyncAPIIssues(c fiber.Ctx) error {
	issues, err := guildsync.OpenIssues(s.db(c), false)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(issues))
	for i, is := range issues {
		var details any
		if len(is.Details) > 0 {
			_ = json.Unmarshal(is.Details, &details)
		}
		out[i] = fiber.Map{"id": is.ID, "issue_type": is.IssueType, "severity": is.Severity, "summary": is.Summary,
			"details": details, "wow_character_id": is.WowCharacterID, "discord_member_id": is.DiscordMemberID,
			"created_at": is.CreatedAt.UTC(), "last_detected_at": is.LastDetectedAt, "notified_at": is.NotifiedAt}
	}
	return apiOK(c, out)
}

// startJob starts a job by hand for the API: 202 with the status word, 409
// when it is already running, 503 without a runner.
func (s *Server) startJob(c fiber.Ctx, job, status string, extra fiber.Map) error {
	if s.Jobs == nil {
		return fault.Unavailable("Background jobs are not running.")
	}
	if err := s.Jobs.RunNow(job); err != nil {
		return err
	}
	data := fiber.Map{"status": status}
	for k, v := range extra {
		data[k] = v
	}
	return c.Status(fiber.StatusAccepted).JSON(Envelope{OK: true, Data: data})
}

// POST /api/guild-sync/blizzard/trigger[?force=true] — the Blizzard
// pipeline now (force lifts the 20 % removal guard for this run).
func (s *Server) guildSyncAPIBlizzardTrigger(c fiber.Ctx) error {
	force := c.Query("force") == "true" || c.Query("force") == "1"
	if force {
		guildsync.RequestForcedRun()
	}
	err := s.startJob(c, guildsync.JobBlizzard, "sync_triggered", fiber.Map{"force": force})
	if err != nil && force {
		guildsync.CancelForcedRun()
	}
	return err
}

// POST /api/guild-sync/discord/trigger — the bot's full member sync now
// (matching and the integrity check follow when members changed); 503
// when the bot is not running here.
func (s *Server) guildSyncAPIDiscordTrigger(c fiber.Ctx) error {
	if s.Jobs == nil || !s.hasJob(settings.JobMemberSync) {
		return fault.Unavailable("Discord bot is not running.")
	}
	return s.startJob(c, settings.JobMemberSync, "discord_sync_triggered", nil)
}

func (s *Server) hasJob(name string) bool {
	for _, j := range s.Jobs.Jobs() {
		if j.Name == name {
			return true
		}
	}
	return false
}

// POST /api/identity/run-matching[?dry_run=true] — the identity engine:
// a dry run answers at once with what it would link and suggest; a real
// one starts the job (then the integrity check) and answers 202.
func (s *Server) identityAPIRunMatching(c fiber.Ctx) error {
	switch c.Query("dry_run") {
	case "true", "1":
		res, err := guildsync.MatchIdentities(c.Context(), s.db(c), s.Now(), true)
		if err != nil {
			return err
		}
		return apiOK(c, res)
	case "", "false", "0":
		return s.startJob(c, guildsync.JobIdentity, "matching_started", nil)
	}
	return fault.Malformed("dry_run must be true or false.")
}
