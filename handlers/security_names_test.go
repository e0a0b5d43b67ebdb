package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// Issue 10 item 5: display names cannot impersonate. Copies of another
// player's name (any case, full-width letters), bidi overrides, zero-width
// and control characters are refused; names are stored normalised.
func TestDisplayNamesCannotImpersonate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		trog, _ := seedMember(t, db, "Trog", 2)
		mito, mitoUser := seedMember(t, db, "Mito", 2)
		officer := tokenFor(t, s, offUser)

		for _, tc := range []struct {
			name   string
			status int
		}{
			{"trog", http.StatusConflict},
			{"TROG", http.StatusConflict},
			{"Ｔｒｏｇ", http.StatusConflict}, // full-width letters fold to Trog
			{"Tr\u202Egort", http.StatusUnprocessableEntity},
			{"Trog\u200B", http.StatusUnprocessableEntity},
			{"\u2066Trog\u2069", http.StatusUnprocessableEntity},
			{"Tr\u0007og", http.StatusUnprocessableEntity},
			{"Tr\u3164og", http.StatusUnprocessableEntity},
		} {
			resp, body := apiCall(t, app, officer, "POST", "/api/v1/admin/members", `{"display_name":`+string(jsonString(tc.name))+`}`)
			require.Equal(t, tc.status, resp.StatusCode, "%q: %s", tc.name, body)
		}
		resp, body := apiCall(t, app, officer, "POST", "/api/v1/admin/members", `{"display_name":"Tr\u202Egort"}`)
		require.Contains(t, body, "U+202E", "the message names the character")
		resp, body = apiCall(t, app, officer, "POST", "/api/v1/admin/members", `{"display_name":"  New \t  Guy "}`)
		require.Equal(t, 200, resp.StatusCode, body)
		require.Equal(t, "New Guy", dataMap(t, body)["display_name"])

		// Renames through the officer API and the Player Manager JSON.
		resp, body = apiCall(t, app, officer, "PATCH", fmt.Sprintf("/api/v1/admin/members/%d", mito.ID), `{"display_name":"TROG"}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		resp, body = apiCall(t, app, officer, "PATCH", fmt.Sprintf("/admin/players/%d/display-name", mito.ID), `{"display_name":"trog"}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		resp, body = apiCall(t, app, officer, "PATCH", fmt.Sprintf("/api/v1/admin/members/%d", trog.ID), `{"display_name":"trog"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, "a player may keep their own name in another case: %s", body)

		// The player's own profile form.
		b := newBrowser(t, app).loginAs(s, mitoUser)
		b.get("/profile")
		for _, name := range []string{"Trog", "Mito\u202E", "Mi\u0000to", "Mi\u200Dto"} {
			resp, body := profileHTMXPost(b, "/profile/info", url.Values{"display_name": {name}, "timezone": {"Europe/Berlin"}})
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%q: %.300s", name, body)
		}
		resp, _ = profileHTMXPost(b, "/profile/info", url.Values{"display_name": {"Ｍｉｔｏ  the   Wise"}, "timezone": {"Europe/Berlin"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var got models.Player
		require.NoError(t, db.Take(&got, mito.ID).Error)
		require.Equal(t, "Mito the Wise", got.DisplayName)
	})
}
