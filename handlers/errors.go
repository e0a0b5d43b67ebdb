package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/models"
)

// Envelope is the JSON shape of every API answer.
type Envelope struct {
	OK    bool   `json:"ok"`
	Data  any    `json:"data,omitempty"`
	Error string `json:"error,omitempty"`
	// Fields holds one message per input when a request broke several rules.
	Fields  map[string]string `json:"fields,omitempty"`
	ErrorID string            `json:"error_id,omitempty"`
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
	fiber.StatusServiceUnavailable: {"⏳", "Taking too long", msgUnavailable, ""},
}

// outagePage is the 503 page while the database is unreachable.
var outagePage = errorPage{"🏰", "Back in a moment", msgOutage, ""}

// notFound is the last handler: nothing else matched.
func (s *Server) notFound(c fiber.Ctx) error {
	return fiber.ErrNotFound
}

// statusOf is the one mapping from an error kind to an HTTP status
// (decision 1).
func statusOf(k fault.Kind) int {
	switch k {
	case fault.KindMalformed:
		return fiber.StatusBadRequest
	case fault.KindUnauthenticated:
		return fiber.StatusUnauthorized
	case fault.KindForbidden:
		return fiber.StatusForbidden
	case fault.KindNotFound:
		return fiber.StatusNotFound
	case fault.KindConflict:
		return fiber.StatusConflict
	case fault.KindInvalid:
		return fiber.StatusUnprocessableEntity
	case fault.KindTooMany:
		return fiber.StatusTooManyRequests
	case fault.KindUnavailable:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// Answers for the two kinds whose detail is never shown.
const (
	msgInternal    = "Internal server error"
	msgUnavailable = "The server is busy right now. Please try again in a moment."
)

// problem is what the translator makes of an error: the status, the text a
// user may read, the per-field messages, and for server-side failures the
// id that ties the answer to the log line.
type problem struct {
	Status  int
	Message string
	Fields  map[string]string
	ErrorID string
}

// explain is the one translator from an error to what the user is told. A
// *fault.Error speaks for itself; a *fiber.Error (routing, body limits, the
// handlers' own 404s) keeps its code and text; a deadline is a 503; anything
// else is a 500 whose detail goes to the log (handleError) and never to the
// user.
func explain(c fiber.Ctx, err error) problem {
	var p problem
	var fe *fiber.Error
	if _, isFault := fault.As(err); !isFault && errors.As(err, &fe) {
		p = problem{Status: fe.Code, Message: fe.Message}
		if fe.Code == fiber.StatusNotFound && fe.Message == fiber.ErrNotFound.Message {
			p.Message = "Not found"
		}
	} else {
		kind := fault.KindOf(err)
		// A database held by someone else is "try again", not a bug; so is
		// a failure after the request's deadline passed, even when the
		// driver's error lost the chain (GORM joins a failed statement and
		// its rollback with %v).
		if kind == fault.KindInternal && (models.IsBusy(err) || errors.Is(c.Context().Err(), context.DeadlineExceeded)) {
			kind = fault.KindUnavailable
		}
		outage := kind == fault.KindInternal && models.IsUnreachable(err)
		if outage {
			kind = fault.KindUnavailable
		}
		p = problem{Status: statusOf(kind), Message: fault.MessageOf(err), Fields: fault.FieldsOf(err)}
		if outage {
			p.Message = msgOutage
		}
	}
	switch {
	case p.Status == fiber.StatusServiceUnavailable:
		if p.Message == "" {
			p.Message = msgUnavailable
		}
	case p.Status >= 500:
		p.Message, p.Fields = msgInternal, nil
	case p.Status == fiber.StatusNotFound && p.Message == "":
		p.Message = "Not found"
	}
	return p
}

// isRefusal reports whether err is a rule the user broke (a 4xx kind), as
// opposed to a failure: refusals may be shown inside a re-rendered form,
// failures go to the error handler.
func isRefusal(err error) bool {
	_, ok := fault.As(err)
	if !ok {
		return false
	}
	k := fault.KindOf(err)
	return k != fault.KindInternal && k != fault.KindUnavailable
}

// refusal is the status for a rule the user broke, for handlers that answer
// it inside a re-rendered form or card; ok is false for a failure, which the
// handler returns for the error handler to answer.
func refusal(err error) (status int, ok bool) {
	if !isRefusal(err) {
		return 0, false
	}
	return statusOf(fault.KindOf(err)), true
}

// shown is what the error handler would tell the user about err, for
// handlers that show it inside their own page or fragment: the status and
// message; ok is false for an internal error, which the handler returns so
// the error handler logs it under an id.
func shown(c fiber.Ctx, err error) (status int, msg string, ok bool) {
	p := explain(c, err)
	if p.Status >= 500 && p.Status != fiber.StatusServiceUnavailable {
		return 0, "", false
	}
	return p.Status, p.Message, true
}

// asJSON returns err for the error handler with the JSON envelope as the
// answer, for the few JSON endpoints outside /api/ (the Player Manager's
// page scripts and toasts).
func asJSON(c fiber.Ctx, err error) error {
	c.Locals(jsonErrorsKey{}, true)
	return err
}

type jsonErrorsKey struct{}

// wording gives a domain refusal the words one surface uses for it, where
// the spec words the form and the API differently.
type wording struct {
	err *fault.Error
	msg string
}

// reword returns err with the message its surface uses, keeping its kind and
// its chain (errors.Is still finds the domain's sentinel).
func reword(err error, words []wording) error {
	for _, w := range words {
		if errors.Is(err, w.err) {
			return fault.Wrap(w.err.Kind, w.msg, err)
		}
	}
	return err
}

// wantsJSON: the API, or a client that asked for JSON and not for HTML.
func wantsJSON(c fiber.Ctx) bool {
	accept := c.Get(fiber.HeaderAccept)
	if forced, _ := c.Locals(jsonErrorsKey{}).(bool); forced {
		return true
	}
	return isAPIPath(c.Path()) || strings.Contains(accept, fiber.MIMEApplicationJSON) && !strings.Contains(accept, "text/html")
}

// handleError is Fiber's error handler, so a handler may simply return a
// domain error: a JSON envelope under /api/, the error page elsewhere (its
// bare fragment for htmx, as render does for every page). Forms that
// re-render with field messages do so themselves (fault.FieldsOf) and never
// reach here.
func (s *Server) handleError(c fiber.Ctx, err error) error {
	p := explain(c, err)
	// Server-side failures get an id that ties the answer to the log line.
	outage := false
	switch {
	case p.Status == fiber.StatusServiceUnavailable:
		retry := busyRetryAfter
		if s.outage.failed(err) || isOutage(err) {
			// Logged once for the whole outage (outageWatch), not here.
			outage, retry = true, outageRetryAfter
			s.outage.count(false)
		} else {
			p.ErrorID = newErrorID()
			s.Log.Warn("request unavailable", "error_id", p.ErrorID, "path", c.Path(), "method", c.Method(), "err", err)
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retry.Seconds())))
	case p.Status >= 500:
		p.ErrorID = newErrorID()
		s.Log.Error("request failed", "error_id", p.ErrorID, "path", c.Path(), "method", c.Method(), "err", err)
	}
	if wantsJSON(c) {
		return c.Status(p.Status).JSON(Envelope{OK: false, Error: p.Message, Fields: p.Fields, ErrorID: p.ErrorID})
	}
	page, ok := errorPages[p.Status]
	if outage {
		page = outagePage
	} else if !ok {
		page = errorPage{"⚠️", fiberStatusText(p.Status), p.Message, ""}
	} else if p.Status != fiber.StatusNotFound && p.Status != fiber.StatusInternalServerError &&
		p.Message != "" && p.Message != fiberStatusText(p.Status) {
		page.Message = p.Message
	}
	page.ErrorID = p.ErrorID
	pg := &Page{Title: page.Headline, Data: page, Status: p.Status}
	// A logged-in member keeps their own header on an error page (issue 11
	// item 14): drawing it needs no query, so it is safe even when the
	// request's deadline or the database is what failed.
	if rerr := s.render(c, p.Status, "pages/errors/error", pg); rerr != nil {
		s.Log.Error("render error page", "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(p.Status).SendString(page.Headline)
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
