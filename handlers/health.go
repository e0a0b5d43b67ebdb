package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/bot/settings"
	"patt/models"
)

// healthShow answers GET /healthz and /api/health: 200 when the database
// answers and takes a write (rolled back: models.WriteCheck) within two
// seconds, 503 otherwise — a database that went read-only (a standby, a
// full or read-only disk) cannot serve votes or logins, so the instance is
// not healthy. The database error is logged, never shown. The Discord bot's
// state rides along ("bot": connected, disconnected or off) but never fails
// the check: the site serves without Discord.
func (s *Server) healthShow(c fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.Context(), 2*time.Second)
	defer cancel()
	db := s.db(c)
	if err := models.Ping(ctx, db); err != nil {
		s.Log.Warn("health: database unreachable", "err", err)
		return apiError(c, fiber.StatusServiceUnavailable, "database unavailable")
	}
	if err := models.WriteCheck(ctx, db); err != nil {
		s.Log.Warn("health: database refuses writes", "err", err)
		return apiError(c, fiber.StatusServiceUnavailable, "database read-only")
	}
	out := fiber.Map{"db": "ok", "version": s.Version}
	h, err := settings.LoadHealth(ctx, db.WithContext(ctx), s.Config.DiscordToken != "", s.Now())
	if err != nil {
		s.Log.Warn("health: bot status unreadable", "err", err)
		h = settings.Health{Bot: "unknown", State: "unknown"}
	}
	out["bot"], out["bot_state"] = h.Bot, h.State
	if h.LastReadyAt != nil {
		out["bot_last_ready_at"] = h.LastReadyAt.UTC().Format(time.RFC3339)
	}
	if h.MemberCount != nil {
		out["guild_member_count"] = *h.MemberCount
	}
	return apiOK(c, out)
}
