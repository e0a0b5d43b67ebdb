package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
)

// A display name saved through htmx replaces the header's name out of band
// (the layout's span has the id the fragment targets); a refused one and a
// plain form post do not carry it.
func TestProfileInfoUpdatesHeaderName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)
		_, body := b.get("/profile")
		require.Contains(t, body, `<span id="nav-user-name" class="nav-user__name">Trog</span>`)

		resp, body := profileHTMXPost(b, "/profile/info", url.Values{"display_name": {"  Trogdor "}, "timezone": {"Europe/Berlin"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `<span id="nav-user-name" hx-swap-oob="true" class="nav-user__name">Trogdor</span>`)

		resp, body = profileHTMXPost(b, "/profile/info", url.Values{"display_name": {""}, "timezone": {"Europe/Berlin"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.NotContains(t, body, `id="nav-user-name"`, "nothing saved, the header keeps its name")

		_, body = b.get("/profile")
		require.Contains(t, body, `<span id="nav-user-name" class="nav-user__name">Trogdor</span>`)
	})
}
