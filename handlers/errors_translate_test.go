package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
)

// The one translator: every kind has its status; the envelope carries the
// user's message (also through wrapping) and the field messages; internal
// failures never leak their text and carry an error id that is logged.
func TestTranslatorMapsKinds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, s := testApp(t, db)
		var logs bytes.Buffer
		s.Log = slog.New(slog.NewTextHandler(&logs, nil))
		cases := []struct {
			name   string
			err    error
			status int
			msg    string
			fields map[string]string
			id     bool
		}{
			{"malformed", fault.Malformed("Bad body."), 400, "Bad body.", nil, false},
			{"unauthenticated", fault.Unauthenticated("Log in."), 401, "Log in.", nil, false},
			{"forbidden", fault.Forbidden("Officers only."), 403, "Officers only.", nil, false},
			{"not found", fault.NotFound("Campaign 7 not found"), 404, "Campaign 7 not found", nil, false},
			{"conflict", fault.Conflict("Campaign is not live."), 409, "Campaign is not live.", nil, false},
			{"invalid field", fault.Invalid("name", "Name is required."), 422, "Name is required.", map[string]string{"name": "Name is required."}, false},
			{"invalid fields", fault.InvalidFields("Fix them.", map[string]string{"a": "A!", "b": "B!"}), 422, "Fix them.", map[string]string{"a": "A!", "b": "B!"}, false},
			{"too many", fault.TooMany("Slow down."), 429, "Slow down.", nil, false},
			{"unavailable", fault.Unavailable("Blizzard is down."), 503, "Blizzard is down.", nil, true},
			{"wrapped keeps message", fmt.Errorf("close campaign 3: %w", fault.Conflict("Campaign is not live.")), 409, "Campaign is not live.", nil, false},
			{"wrapped cause stays hidden", fault.Wrap(fault.KindConflict, "Already taken.", errors.New("secret: duplicate key")), 409, "Already taken.", nil, false},
			{"deadline", fmt.Errorf("load roster: %w", context.DeadlineExceeded), 503, msgUnavailable, nil, true},
			{"database busy", fmt.Errorf("add quote: %w", &pgconn.PgError{Code: "55P03", Message: "secret: lock not available"}), 503, msgUnavailable, nil, true},
			{"internal", errors.New("secret: connection refused"), 500, msgInternal, nil, true},
			{"internal fault", fault.Wrap(fault.KindInternal, "secret message", errors.New("secret cause")), 500, msgInternal, nil, true},
			{"fiber error", fiber.NewError(http.StatusBadRequest, "order must list entry ids"), 400, "order must list entry ids", nil, false},
			{"fiber not found", fiber.ErrNotFound, 404, "Not found", nil, false},
		}
		app := fiber.New(fiber.Config{ErrorHandler: s.handleError})
		for i, tc := range cases {
			err := tc.err
			app.Get(fmt.Sprintf("/api/case/%d", i), func(c fiber.Ctx) error { return err })
			app.Get(fmt.Sprintf("/case/%d", i), func(c fiber.Ctx) error { return err })
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				logs.Reset()
				resp, body := do(t, app, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/case/%d", i), nil))
				assert.Equal(t, tc.status, resp.StatusCode)
				var env Envelope
				require.NoError(t, json.Unmarshal([]byte(body), &env), body)
				assert.False(t, env.OK)
				assert.Equal(t, tc.msg, env.Error)
				assert.Equal(t, tc.fields, env.Fields)
				assert.NotContains(t, body, "secret")
				if tc.id {
					assert.Len(t, env.ErrorID, 8)
					assert.Contains(t, logs.String(), env.ErrorID, "the id ties the answer to the log line")
				} else {
					assert.Empty(t, env.ErrorID)
				}

				// The same error as a page, and as the htmx fragment of that page.
				resp, page := do(t, app, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/case/%d", i), nil))
				assert.Equal(t, tc.status, resp.StatusCode)
				assert.Contains(t, page, "<html")
				assert.Contains(t, page, `class="error-page"`)
				assert.NotContains(t, page, "secret")
				switch tc.status {
				case 404: // the 404 page has its own words
				case 500:
					assert.Contains(t, page, "Something broke")
				default:
					assert.Contains(t, page, html.EscapeString(tc.msg))
				}
				req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/case/%d", i), nil)
				req.Header.Set("HX-Request", "true")
				resp, frag := do(t, app, req)
				assert.Equal(t, tc.status, resp.StatusCode)
				assert.Contains(t, frag, `class="error-page"`)
				assert.NotContains(t, frag, "<html")
			})
		}
	})
}
