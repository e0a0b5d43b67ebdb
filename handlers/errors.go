package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// Envelope is the JSON shape of every API answer.
type Envelope struct {
	OK      bool   `json:"ok"`
	Data    any    `json:"data,omitempty"`
	Error   string `json:"error,omitempty"`
	ErrorID string `json:"error_id,omitempty"`
}

// apiOK answers 200 with {"ok":true,"data":…}.
func apiOK(c fiber.Ctx, data any) error {
	return c.Status(fiber.StatusOK).JSON(Envelope{OK: true, Data: data})
}

// apiError answers with the status and {"ok":false,"error":…}.
func apiError(c fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(Envelope{OK: false, Error: msg})
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/")
}

// errorPage describes how an HTML error page looks for a status.
type errorPage struct {
	Emoji, Headline, Message, ErrorID string
}

var errorPages = map[int]errorPage{
	fiber.StatusNotFound:  {"🗺️", "You've wandered into uncharted territory", "The page you're looking for doesn't exist or has moved.", ""},
	fiber.StatusForbidden: {"🛡️", "Access Denied", "You don't have permission to view this page.", ""},
	fiber.StatusInternalServerError: {"⚔️", "Something broke",
		"Our raid leader pulled before the tank was ready. It's been logged — blame Trog, then try again.", ""},
}

// notFound is the last handler: nothing else matched.
func (s *Server) notFound(c fiber.Ctx) error {
	return fiber.ErrNotFound
}

// handleError is Fiber's error handler: a JSON envelope under /api/, an
// HTML page elsewhere. Unexpected errors get an id that is logged with the
// detail, so users see the id and never the internals.
func (s *Server) handleError(c fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	msg := ""
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
		msg = fe.Message
	}
	errorID := ""
	if status >= 500 {
		errorID = newErrorID()
		s.Log.Error("request failed", "error_id", errorID, "path", c.Path(), "method", c.Method(), "err", err)
		msg = "Internal server error"
	}
	if status == fiber.StatusNotFound && (msg == "" || msg == fiber.ErrNotFound.Message) {
		msg = "Not found"
	}
	if isAPIPath(c.Path()) || strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) && !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return c.Status(status).JSON(Envelope{OK: false, Error: msg, ErrorID: errorID})
	}
	page, ok := errorPages[status]
	if !ok {
		page = errorPage{"⚠️", fiberStatusText(status), msg, ""}
	} else if status != fiber.StatusNotFound && status < 500 && msg != "" && msg != fiberStatusText(status) {
		page.Message = msg
	}
	page.ErrorID = errorID
	p := &Page{Title: page.Headline, Data: page, Status: status}
	// Error pages show as for a visitor: no user block, no admin links.
	c.Locals(viewerKey, nil)
	if rerr := s.render(c, status, "pages/errors/error", p); rerr != nil {
		s.Log.Error("render error page", "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(page.Headline)
	}
	return nil
}

func fiberStatusText(status int) string {
	return fiber.NewError(status).Message
}

func newErrorID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
