package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// An officer links an unknown Raid-Helper signer to a player with one
// htmx click: the section comes back without the signer and with the
// result; the signup counts at once. A bad choice is said in the section
// (422); a second click on a row already linked is a 409, also swapped.
func TestAdminRaidHelperLinkUnknown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Now = func() time.Time { return raidsClock }
		ev := raidsSeed(t, db)
		who, _ := seedMember(t, db, "Nova", 2)
		entry := raidsClock.Add(-time.Hour)
		u := models.RaidHelperUnknownSignup{EventID: ev.ID, DiscordID: "999", Name: "Nova", Status: schedule.SignupTentative,
			SeenAt: raidsClock, ClassName: "Tentative", SpecName: "Frost1", EntryTime: &entry}
		require.NoError(t, db.Create(&u).Error)
		link := "/admin/raid-helper/unknown/" + strconv.Itoa(u.ID) + "/link"

		_, mu := seedMember(t, db, "Member", 2)
		resp, _ := newBrowser(t, app).loginAs(s, mu).htmxSend("POST", link, url.Values{"player_id": {strconv.Itoa(who.ID)}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		_, ou := seedMember(t, db, "Officer", 4)
		b := newBrowser(t, app).loginAs(s, ou)
		resp, body := b.get("/admin/raid-helper")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `id="rh-unknown-`+strconv.Itoa(u.ID)+`"`)
		require.Contains(t, body, "Tentative (Tentative · Frost1)")
		require.Contains(t, body, `<option value="`+strconv.Itoa(who.ID)+`" selected>Nova</option>`, "the player named like the signer is preselected")

		resp, body = b.htmxSend("POST", link, url.Values{"player_id": {""}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "choose a player")
		require.Contains(t, body, `id="rh-unknown"`)

		resp, body = b.htmxSend("POST", link, url.Values{"player_id": {strconv.Itoa(who.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Linked to Nova; 1 Raid-Helper signup(s) now count for them.")
		require.NotContains(t, body, `id="rh-unknown-`+strconv.Itoa(u.ID)+`"`)
		require.Contains(t, body, "Everyone who signed up in Raid-Helper is a known player.")
		s2, err := schedule.SignupOf(db, ev.ID, who.ID)
		require.NoError(t, err)
		require.NotNil(t, s2)
		require.Equal(t, schedule.SignupTentative, s2.Status)

		resp, body = b.htmxSend("POST", link, url.Values{"player_id": {strconv.Itoa(who.ID)}})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "no longer on the list")
	})
}
