package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/models"
)

// healthShow answers GET /healthz and /api/health: 200 when the database
// answers within two seconds, 503 otherwise. The database error is logged,
// never shown.
func (s *Server) healthShow(c fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.Context(), 2*time.Second)
	defer cancel()
	if err := models.Ping(ctx, s.db(c)); err != nil {
		s.Log.Warn("health: database unreachable", "err", err)
		return apiError(c, fiber.StatusServiceUnavailable, "database unavailable")
	}
	return apiOK(c, fiber.Map{"db": "ok", "version": s.Version})
}
