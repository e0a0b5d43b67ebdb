package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

var chipButton = regexp.MustCompile(`<button type="submit" form="pm-act" formaction="([^"]+)" hx-post="([^"]+)" name="main_alt" value="(\w+)"`)

// The chip actions carry no form and no hidden fields of their own: every
// button submits the page's one #pm-act form (its CSRF field) without JS,
// and htmx posts to the same URL with the page's CSRF header. Both paths
// are taken here with the URLs read from the page.
func TestPlayerManagerChipsShareOneForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		alpha, _ := seedMember(t, db, "Alpha", 3)
		main := pmCharacter(t, db, "Alphamain")
		second := pmCharacter(t, db, "Alphasecond")
		pmLink(t, db, alpha, main)
		pmLink(t, db, alpha, second)
		require.NoError(t, db.Model(&alpha).Update("main_character_id", main.ID).Error)

		b := newBrowser(t, app).loginAs(s, offUser)
		resp, page := b.get("/admin/players")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, 1, strings.Count(page, `<form id="pm-act" method="post"`))
		require.Contains(t, page, `<form id="pm-act" method="post" action="/admin/players" hidden><input type="hidden" name="_csrf" value="`+b.csrf+`"></form>`)
		require.NotContains(t, page, `<form class="pm-chip__actions`)
		require.NotContains(t, page, `name="from"`)

		// Without JS: the browser posts #pm-act's fields plus the button's
		// name/value to the button's formaction.
		var action string
		for _, m := range chipButton.FindAllStringSubmatch(page, -1) {
			require.Equal(t, m[1], m[2], "formaction and hx-post agree")
			if strings.Contains(m[1], fmt.Sprintf("/admin/characters/%d/role?from=card", second.ID)) && m[3] == "offspec" {
				action = m[1]
			}
		}
		require.NotEmpty(t, action, "the card offers Off-spec for the second character")
		resp, _ = b.postForm(action, url.Values{"main_alt": {"offspec"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		var a models.Player
		require.NoError(t, db.Take(&a, alpha.ID).Error)
		require.NotNil(t, a.OffspecCharacterID)
		require.Equal(t, second.ID, *a.OffspecCharacterID)

		// With htmx: the same URL, the CSRF header, the card comes back.
		resp, body := b.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/role?from=card", second.ID), url.Values{"main_alt": {"alt"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, fmt.Sprintf(`id="player-%d"`, alpha.ID))
		require.NoError(t, db.Take(&a, alpha.ID).Error)
		require.Nil(t, a.OffspecCharacterID)

		// The chip in the characters column: unlink, answered with the chip.
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/unlink?from=chip", second.ID), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, fmt.Sprintf(`id="char-%d"`, second.ID))
		require.Contains(t, body, "Unlinked")
	})
}
