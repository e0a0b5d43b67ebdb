package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// seedOwnedCharacter creates a character of the named class, owned by owner
// when owner is not nil.
func seedOwnedCharacter(t *testing.T, db *gorm.DB, name, className string, owner *models.Player) models.Character {
	t.Helper()
	var class models.Class
	require.NoError(t, db.Where("name = ?", className).Take(&class).Error)
	realm := "Sen'jin"
	ch := models.Character{Name: name, RealmSlug: "senjin", RealmName: &realm, ClassID: &class.ID}
	require.NoError(t, db.Create(&ch).Error)
	if owner != nil {
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: owner.ID, CharacterID: ch.ID}).Error)
	}
	return ch
}

func profileSpecID(t *testing.T, db *gorm.DB, className, specName string) int {
	t.Helper()
	var sp models.Specialization
	c := models.Table(db, &models.Class{})
	require.NoError(t, db.Joins("JOIN "+c+" ON "+c+".id = class_id").
		Where(c+".name = ? AND "+models.Table(db, &models.Specialization{})+".name = ?", className, specName).Take(&sp).Error)
	return sp.ID
}

func TestProfilePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		resp, _ := get(t, app, "/profile")
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/login?next=%2Fprofile", resp.Header.Get("Location"))

		_, u := seedMember(t, db, "Newbie", 0)
		b := newBrowser(t, app).loginAs(s, u)
		resp, body := b.get("/profile")
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, body, "Unranked")
		require.Contains(t, body, "Not linked")
		require.Equal(t, 18, strings.Count(body, "<option value=\"America/")+strings.Count(body, "<option value=\"Europe/")+
			strings.Count(body, "<option value=\"Australia/")+strings.Count(body, "<option value=\"Pacific/"), "the 18 zones")
		require.Contains(t, body, "No characters are linked to you yet")
		require.Contains(t, body, `action="/profile/password"`)
		// The private calendar feed is on the profile, and it is the one /availability shows.
		m := regexp.MustCompile(`id="profile-calendar-url"[^>]*value="(http://[^"]+/calendar/[0-9a-f]+\.ics)"`).FindStringSubmatch(body)
		require.Len(t, m, 2, "calendar URL on the profile")
		_, avail := b.get("/availability")
		require.Contains(t, avail, `value="`+m[1]+`"`)
		resp, ics := b.get(strings.TrimPrefix(m[1], s.Config.BaseURL))
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, ics, "BEGIN:VCALENDAR")

		p, v := seedMember(t, db, "Trog", 4)
		ch := seedOwnedCharacter(t, db, "Trogmoon", "Paladin", &p)
		b = newBrowser(t, app).loginAs(s, v)
		require.NoError(t, db.Model(&p).Updates(map[string]any{"main_character_id": ch.ID, "main_spec_id": profileSpecID(t, db, "Paladin", "Holy")}).Error)
		_, body = b.get("/profile")
		require.Contains(t, body, "Officer")
		require.Contains(t, body, "Trogmoon — Sen&#39;jin")
		require.Contains(t, body, "<dd>Holy</dd>")
	})
}

func TestProfileInfo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		p, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)
		b.get("/profile")

		// Without JS: post, redirect with a flash code, page shows it.
		resp, _ := b.postForm("/profile/info", url.Values{"display_name": {"  Trogdor "}, "timezone": {"Europe/Berlin"}, "auto_invite_events": {"on"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/profile?flash=profile-saved", resp.Header.Get("Location"))
		var got models.Player
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.Equal(t, "Trogdor", got.DisplayName)
		require.Equal(t, "Europe/Berlin", got.Timezone)
		require.True(t, got.AutoInviteEvents)
		_, body := b.get("/profile?flash=profile-saved")
		require.Contains(t, body, "Identity settings saved")

		// Unchecked box turns auto-invite off.
		resp, _ = b.postForm("/profile/info", url.Values{"display_name": {"Trogdor"}, "timezone": {"Europe/Berlin"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.False(t, got.AutoInviteEvents)

		// Errors beside their fields, whole page without JS.
		resp, body = b.postForm("/profile/info", url.Values{"display_name": {"   "}, "timezone": {"Mars/Olympus"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, `id="profile-display-name-error">Display name cannot be empty<`)
		require.Contains(t, body, `id="profile-timezone-error">Invalid timezone selected<`)
		require.Contains(t, body, "<html")
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.Equal(t, "Trogdor", got.DisplayName, "nothing saved")

		// htmx: the card comes back, with the error (422) or the saved message.
		resp, body = profileHTMXPost(b, "/profile/info", url.Values{"display_name": {""}, "timezone": {"Europe/Berlin"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.NotContains(t, body, "<html")
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<section class="card profile-card" id="profile-info">`))
		require.Contains(t, body, "Display name cannot be empty")
		resp, body = profileHTMXPost(b, "/profile/info", url.Values{"display_name": {"Trog"}, "timezone": {"America/Chicago"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Identity settings saved")
		require.Contains(t, body, `hx-swap-oob="true"`, "the banner comes along")

		// CSRF: refused without the token.
		req := httptest.NewRequest(http.MethodPost, "/profile/info", strings.NewReader("display_name=Evil&timezone=Europe/Berlin"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ = b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.Equal(t, "Trog", got.DisplayName)
	})
}

func profileHTMXPost(b *browser, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, b.csrf)
	return b.send(req)
}

func TestProfileCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		p, u := seedMember(t, db, "Trog", 2)
		other, _ := seedMember(t, db, "Mito", 2)
		pala := seedOwnedCharacter(t, db, "Trogmoon", "Paladin", &p)
		mage := seedOwnedCharacter(t, db, "Trogfrost", "Mage", &p)
		theirs := seedOwnedCharacter(t, db, "Mitochar", "Priest", &other)
		holy, frost, shadow := profileSpecID(t, db, "Paladin", "Holy"), profileSpecID(t, db, "Mage", "Frost"), profileSpecID(t, db, "Priest", "Shadow")

		b := newBrowser(t, app).loginAs(s, u)
		_, body := b.get("/profile")
		require.Contains(t, body, "Trogmoon — Sen&#39;jin")
		require.NotContains(t, body, "Mitochar", "only the player's own characters are offered")
		require.Contains(t, body, `<optgroup label="Paladin"`)

		resp, _ := b.postForm("/profile/characters", url.Values{
			"main_character_id": {strID(pala.ID)}, "main_spec_id": {strID(holy)},
			"offspec_character_id": {strID(mage.ID)}, "offspec_spec_id": {strID(frost)},
		})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/profile?flash=characters-saved", resp.Header.Get("Location"))
		var got models.Player
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.Equal(t, pala.ID, *got.MainCharacterID)
		require.Equal(t, holy, *got.MainSpecID)
		require.Equal(t, mage.ID, *got.OffspecCharacterID)
		require.Equal(t, frost, *got.OffspecSpecID)

		for _, tc := range []struct {
			name  string
			form  url.Values
			field string
			msg   string
		}{
			{"someone else's character", url.Values{"main_character_id": {strID(theirs.ID)}}, "main_character_id", "Invalid main character selection"},
			{"unknown character", url.Values{"offspec_character_id": {"999999"}}, "offspec_character_id", "Invalid off-spec character selection"},
			{"spec of another class", url.Values{"main_character_id": {strID(pala.ID)}, "main_spec_id": {strID(shadow)}}, "main_spec_id", "Shadow Priest is not a spec of Trogmoon&#39;s class"},
			{"spec without character", url.Values{"offspec_spec_id": {strID(frost)}}, "offspec_spec_id", "Choose a off-spec character for this spec"},
		} {
			resp, body := b.postForm("/profile/characters", tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, tc.name)
			require.Contains(t, body, `id="profile-`+tc.field+`-error">`+tc.msg, tc.name)
			resp, body = profileHTMXPost(b, "/profile/characters", tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, tc.name)
			require.Contains(t, body, tc.msg, tc.name)
			require.NotContains(t, body, "<html", tc.name)
		}
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.Equal(t, pala.ID, *got.MainCharacterID, "refused saves change nothing")

		// Blank clears; htmx answer carries the updated banner.
		resp, body = profileHTMXPost(b, "/profile/characters", url.Values{"main_character_id": {""}, "main_spec_id": {"x"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Character settings saved")
		require.Contains(t, body, `id="profile-banner"`)
		require.NoError(t, db.Take(&got, p.ID).Error)
		require.Nil(t, got.MainCharacterID)
		require.Nil(t, got.MainSpecID)
		require.Nil(t, got.OffspecCharacterID)

		req := httptest.NewRequest(http.MethodPost, "/profile/characters", strings.NewReader("main_character_id="+strID(pala.ID)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ = b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "CSRF")
	})
}

func TestProfilePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)
		b.get("/profile")
		for _, tc := range []struct {
			name          string
			cur, new, cnf string
			field, msg    string
		}{
			{"mismatch", "correct-horse-1", "brand-new-pw", "brand-new-px", "confirm_password", "New passwords do not match"},
			{"short", "correct-horse-1", "short", "short", "new_password", "Password must be at least 8 characters"},
			{"long", "correct-horse-1", strings.Repeat("x", 73), strings.Repeat("x", 73), "new_password", "Password must be at most 72 bytes"},
			{"wrong current", "nope-nope-nope", "brand-new-pw", "brand-new-pw", "current_password", "Current password is incorrect"},
		} {
			form := url.Values{"current_password": {tc.cur}, "new_password": {tc.new}, "confirm_password": {tc.cnf}}
			resp, body := b.postForm("/profile/password", form)
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, tc.name)
			require.Contains(t, body, strings.ReplaceAll(`id="profile-`+tc.field+`-error">`, "_", "-")+tc.msg, tc.name)
			require.Nil(t, sessionCookie(resp))
		}

		resp, body := profileHTMXPost(b, "/profile/password", url.Values{"current_password": {"correct-horse-1"}, "new_password": {"brand-new-pw"}, "confirm_password": {"brand-new-pw"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Password updated successfully")
		require.NotNil(t, sessionCookie(resp), "fresh cookie for this browser")
		resp, _ = b.get("/profile")
		require.Equal(t, 200, resp.StatusCode, "still logged in here")

		req := httptest.NewRequest(http.MethodPost, "/profile/password", strings.NewReader("current_password=brand-new-pw&new_password=x&confirm_password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ = b.send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "CSRF")
	})
}

func TestPasswordChangeRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, u := seedMember(t, db, "Trog", 2)
		b := newBrowser(t, app).loginAs(s, u)
		b.get("/profile")
		form := url.Values{"current_password": {"x"}, "new_password": {"a"}, "confirm_password": {"b"}}
		for i := 0; i < passwordLimit; i++ {
			resp, _ := b.postForm("/profile/password", form)
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		}
		resp, body := b.postForm("/profile/password", form)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Contains(t, body, msgTooManyPasswords)
	})
}
