package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
)

// An unexpected error shows an error id to the user, logs the detail, and
// never leaks the error text.
func TestServerErrorsCarryAnIDAndHideDetail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, s := testApp(t, db)
		app := fiber.New(fiber.Config{ErrorHandler: s.handleError})
		app.Use(s.recoverPanics)
		app.Get("/boom", func(c fiber.Ctx) error { return errors.New("secret db detail") })
		app.Get("/api/boom", func(c fiber.Ctx) error { panic("secret panic detail") })
		app.Get("/forbidden", func(c fiber.Ctx) error { return fiber.NewError(http.StatusForbidden, "Officers only.") })

		resp, body := do(t, app, httptest.NewRequest(http.MethodGet, "/boom", nil))
		require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		require.Contains(t, body, "Something broke")
		require.Regexp(t, regexp.MustCompile(`Error ID: [0-9a-f]{8}`), body)
		require.NotContains(t, body, "secret")

		resp, body = do(t, app, httptest.NewRequest(http.MethodGet, "/api/boom", nil))
		require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		var env Envelope
		require.NoError(t, json.Unmarshal([]byte(body), &env))
		require.False(t, env.OK)
		require.Equal(t, "Internal server error", env.Error)
		require.Len(t, env.ErrorID, 8)
		require.NotContains(t, body, "secret")

		resp, body = do(t, app, httptest.NewRequest(http.MethodGet, "/forbidden", nil))
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Contains(t, body, "Access Denied")
		require.Contains(t, body, "Officers only.")
	})
}
