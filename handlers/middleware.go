package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"
)

// contentSecurityPolicy allows only our own scripts (no inline script, so
// all behaviour lives in assets/js) and the image hosts campaign entries use.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: https://drive.google.com https://lh3.googleusercontent.com https://*.googleusercontent.com; " +
	"font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(c fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(c fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = explain(c, err).Status // what the error handler will answer
	}
	level := slog.LevelInfo
	switch {
	case status == fiber.StatusServiceUnavailable:
		// "Try again": a busy database or an outage, which is logged on
		// its own (once), not an error of this request.
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	}
	s.Log.LogAttrs(c.Context(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("ip", s.clientIP(c)),
	)
	return err
}

// recoverPanics turns a panic in a handler into a 500 with an error id.
func (s *Server) recoverPanics(c fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("panic", "path", c.Path(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// requestContext gives the request a context with a deadline, which every
// query takes through s.db(c): a database that does not answer in time
// fails the statement with context.DeadlineExceeded, which the error
// translator answers with 503, instead of holding the request for ever.
// (Fiber v3's c.Context() is context.Background() unless set here.)
func (s *Server) requestContext(c fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.RequestTimeout)
	defer cancel()
	c.SetContext(ctx)
	return c.Next()
}

// db is the database bound to the request's context.
func (s *Server) db(c fiber.Ctx) *gorm.DB {
	return s.DB.WithContext(c.Context())
}
