package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// postHTMXForm submits a form as htmx does: HX-Request and the CSRF header.
func (b *browser) postHTMXForm(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, b.csrf)
	return b.send(req)
}

// Issue 11 item 1: a refused add-character form comes back with what the
// user typed and the message beside the field at fault — the whole page
// without JavaScript, the form alone in place with htmx — with 422 (409
// for a character already known), never an error page; a saved one goes
// on to the page that shows it.
func TestAddCharacterFormsComeBackWithWhatWasTyped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, officer := seedMember(t, db, "Offy", 4)
		_, member := seedMember(t, db, "Jay", 2)
		shaman, enh := classAndSpec(t, db, "Shaman", "Enhancement")
		var rank models.GuildRank
		require.NoError(t, db.Where("level = 2").Take(&rank).Error)
		ob := newBrowser(t, app).loginAs(s, officer)
		mb := newBrowser(t, app).loginAs(s, member)
		selected := func(body, id string, value int) bool {
			sel := body[strings.Index(body, `id="`+id+`"`):]
			sel = sel[:strings.Index(sel, "</select>")]
			return strings.Contains(sel, `<option value="`+strconv.Itoa(value)+`" selected>`)
		}

		typed := url.Values{"name": {"Thr4ll"}, "realm": {"Area 52"}, "class_id": {strconv.Itoa(shaman)},
			"spec_id": {strconv.Itoa(enh)}, "rank_id": {strconv.Itoa(rank.ID)}, "level": {"80"}}

		// The officer's form, without JavaScript: the Player Manager again.
		resp, body := ob.postForm("/admin/characters", cloneValues(typed))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.Contains(t, body, "<title>", "the whole page")
		require.Contains(t, body, `id="pm-chars-list"`, "the board is there")
		require.Regexp(t, `<details class="pm-add-char" id="pm-add-char" open>`, body)
		require.Contains(t, body, `value="Thr4ll"`)
		require.Contains(t, body, `value="Area 52"`)
		require.Contains(t, body, `value="80"`)
		require.Regexp(t, `id="pm-add-name-error">[^<]*letters`, body)
		require.NotContains(t, body, `id="pm-add-realm-error"`, "only the field at fault")
		require.True(t, selected(body, "pm-add-class", shaman))
		require.True(t, selected(body, "pm-add-spec", enh))
		require.True(t, selected(body, "pm-add-rank", rank.ID))

		// With htmx: the form alone, to swap in place.
		resp, body = ob.postHTMXForm("/admin/characters", cloneValues(typed))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<details class="pm-add-char" id="pm-add-char" open>`), body)
		require.NotContains(t, body, "<title>")
		require.Contains(t, body, `hx-target="#pm-add-char"`)
		require.Contains(t, body, `value="Thr4ll"`)
		require.Regexp(t, `id="pm-add-name-error">[^<]*letters`, body)
		require.True(t, selected(body, "pm-add-class", shaman))
		require.Contains(t, body, `name="_csrf" value="`+ob.csrf+`"`)

		// Saved with htmx: the page that shows it.
		ok := cloneValues(typed)
		ok.Set("name", "Thrall")
		resp, _ = ob.postHTMXForm("/admin/characters", ok)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "true", resp.Header.Get("HX-Refresh"), "the board is loaded again")

		// Already known: 409, said above the form, values kept.
		resp, body = ob.postForm("/admin/characters", ok)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Regexp(t, `<p class="field-error" role="alert">Thrall on area-52 is already known`, body)
		require.Contains(t, body, `value="Thrall"`)
		resp, body = ob.postHTMXForm("/admin/characters", ok)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "already known")
		var n int64
		require.NoError(t, db.Model(&models.Character{}).Count(&n).Error)
		require.EqualValues(t, 1, n)

		// The member's form on /profile, both ways.
		mine := url.Values{"name": {"Jaina"}, "realm": {""}, "class_id": {strconv.Itoa(shaman)}, "level": {"70"}}
		resp, body = mb.postForm("/profile/characters/add", cloneValues(mine))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.Contains(t, body, "<title>")
		require.Contains(t, body, `id="profile-characters"`)
		require.Contains(t, body, `<details class="add-char" id="add-character" open>`)
		require.Contains(t, body, `value="Jaina"`)
		require.Contains(t, body, `value="70"`)
		require.Contains(t, body, `id="add-char-realm-error"`)
		require.NotContains(t, body, `id="add-char-name-error"`)
		require.True(t, selected(body, "add-char-class", shaman))

		resp, body = mb.postHTMXForm("/profile/characters/add", cloneValues(mine))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<details class="add-char" id="add-character" open>`), body)
		require.Contains(t, body, `value="Jaina"`)
		require.Contains(t, body, `id="add-char-realm-error"`)

		mine.Set("realm", "Area 52")
		mine.Set("name", "thrall")
		resp, body = mb.postHTMXForm("/profile/characters/add", cloneValues(mine))
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		require.Contains(t, body, "already known")
		require.Contains(t, body, `value="thrall"`)

		mine.Set("name", "Jaina")
		resp, _ = mb.postHTMXForm("/profile/characters/add", cloneValues(mine))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "true", resp.Header.Get("HX-Refresh"))
		resp, _ = mb.postForm("/profile/characters/add", url.Values{"name": {"Kael"}, "realm": {"Area 52"}, "class_id": {strconv.Itoa(shaman)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)

		// A member still may not use the officers' form.
		resp, _ = mb.postForm("/admin/characters", cloneValues(ok))
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Issue 11 item 1: on the Player Manager a member's own character carries
// an "unverified" badge and a Confirm button, on its owner's card and its
// chip; Confirm (htmx) swaps the card without them; a character an
// officer added has neither.
func TestPlayerManagerConfirmsUnverifiedCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		me, member := seedMember(t, db, "Jay", 2)
		_, officer := seedMember(t, db, "Offy", 4)
		mage, frost := classAndSpec(t, db, "Mage", "Frost")
		mb := newBrowser(t, app).loginAs(s, member)
		resp, _ := mb.postForm("/profile/characters/add", url.Values{"name": {"Jaina"}, "realm": {"Proudmoore"},
			"class_id": {strconv.Itoa(mage)}, "spec_id": {strconv.Itoa(frost)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		ob := newBrowser(t, app).loginAs(s, officer)
		resp, _ = ob.postForm("/admin/characters", url.Values{"name": {"Medivh"}, "realm": {"Proudmoore"},
			"class_id": {strconv.Itoa(mage)}, "player_id": {strconv.Itoa(me.ID)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		var jaina, medivh models.Character
		require.NoError(t, db.Where("character_name = ?", "Jaina").Take(&jaina).Error)
		require.NoError(t, db.Where("character_name = ?", "Medivh").Take(&medivh).Error)

		confirm := `hx-post="/admin/characters/` + strconv.Itoa(jaina.ID) + `/confirm?from=card"`
		_, page := ob.get("/admin/players")
		card := between(t, page, `id="player-`+strconv.Itoa(me.ID)+`"`, "</article>")
		require.Contains(t, card, confirm)
		require.Equal(t, 1, strings.Count(card, `pm-unverified`), "Jaina's badge only, not Medivh's")
		require.Regexp(t, `Jaina</span>\s*<span class="pm-badge[^>]*>[^<]*</span>\s*<span class="badge badge--warning pm-unverified"`, card)
		chip := between(t, page, `id="char-`+strconv.Itoa(jaina.ID)+`"`, "</li>")
		require.Contains(t, chip, "unverified")
		require.Contains(t, chip, `/confirm?from=chip"`)
		require.NotContains(t, between(t, page, `id="char-`+strconv.Itoa(medivh.ID)+`"`, "</li>"), "unverified")

		resp, body := ob.postHTMXForm("/admin/characters/"+strconv.Itoa(jaina.ID)+"/confirm?from=card", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, pmChangedEvent, resp.Header.Get("HX-Trigger"))
		swapped := between(t, body, `id="player-`+strconv.Itoa(me.ID)+`"`, "</article>")
		require.Contains(t, swapped, "Jaina")
		require.NotContains(t, swapped, "unverified")
		require.NotContains(t, swapped, "/confirm")
		require.Regexp(t, `id="char-`+strconv.Itoa(jaina.ID)+`"[^>]*hx-swap-oob="true"`, body, "the chip is redrawn too")
		var link models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", jaina.ID).Take(&link).Error)
		require.False(t, identity.Unverified(link))

		// Confirming a character nobody owns is refused in the card's way.
		var orphan models.Character
		resp, _ = ob.postForm("/admin/characters", url.Values{"name": {"Khadgar"}, "realm": {"Proudmoore"}, "class_id": {strconv.Itoa(mage)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.NoError(t, db.Where("character_name = ?", "Khadgar").Take(&orphan).Error)
		resp, body = ob.postForm("/admin/characters/"+strconv.Itoa(orphan.ID)+"/confirm", url.Values{})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "no owner to confirm")
	})
}

// between is the part of s from the first from up to the next to.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	require.GreaterOrEqual(t, i, 0, "%q not found", from)
	j := strings.Index(s[i:], to)
	require.GreaterOrEqual(t, j, 0, "%q not found after %q", to, from)
	return s[i : i+j]
}

// Issue 11 item 1: the composition tab and the home page's recruiting
// count a member's unconfirmed main only when the officers allow it —
// like the roster — and as soon as the setting changes.
func TestCompositionAndRecruitingHonourUnverifiedSetting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		me, member := seedMember(t, db, "Jay", 2)
		_, officer := seedMember(t, db, "Offy", 4)
		mage, frost := classAndSpec(t, db, "Mage", "Frost")
		mb := newBrowser(t, app).loginAs(s, member)
		resp, _ := mb.postForm("/profile/characters/add", url.Values{"name": {"Jaina"}, "realm": {"Proudmoore"},
			"class_id": {strconv.Itoa(mage)}, "spec_id": {strconv.Itoa(frost)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		var jaina models.Character
		require.NoError(t, db.Where("character_name = ?", "Jaina").Take(&jaina).Error)
		resp, _ = mb.postForm("/profile/characters", url.Values{"main_character_id": {strconv.Itoa(jaina.ID)}, "main_spec_id": {strconv.Itoa(frost)}})
		require.Less(t, resp.StatusCode, 400)
		var p models.Player
		require.NoError(t, db.Take(&p, me.ID).Error)
		require.NotNil(t, p.MainCharacterID)

		ranged := regexp.MustCompile(`(?s)role-card__name">Ranged DPS</span>\s*<span class="role-card__count">(\d+) / 6`)
		needed := regexp.MustCompile(`<strong>Ranged DPS</strong> <span class="muted">(\d+) needed`)
		counts := func() (string, string, string) {
			_, comp := get(t, app, "/roster?tab=composition")
			m := ranged.FindStringSubmatch(comp)
			require.NotNil(t, m, comp)
			_, home := get(t, app, "/")
			h := needed.FindStringSubmatch(home)
			require.NotNil(t, h, "recruiting lists ranged DPS")
			return m[1], h[1], comp
		}
		comp, need, page := counts()
		require.Equal(t, "0", comp, "unconfirmed: not in the composition")
		require.Equal(t, "6", need, "nor in recruiting")
		require.NotContains(t, page, "Mage", "nor in the class distribution")
		rc, err := identity.RoleCounts(db)
		require.NoError(t, err)
		require.Zero(t, rc["Ranged DPS"])

		ob := newBrowser(t, app).loginAs(s, officer)
		resp, _ = ob.postForm("/admin/players/settings", url.Values{"count_unverified": {"1"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		comp, need, page = counts()
		require.Equal(t, "1", comp, "allowed: counted at once")
		require.Equal(t, "5", need)
		require.Contains(t, page, "Mage")
		rc, err = identity.RoleCounts(db)
		require.NoError(t, err)
		require.Equal(t, 1, rc["Ranged DPS"])

		resp, _ = ob.postForm("/admin/players/settings", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		comp, need, _ = counts()
		require.Equal(t, "0", comp)
		require.Equal(t, "6", need)

		resp, _ = ob.postForm("/admin/characters/"+strconv.Itoa(jaina.ID)+"/confirm", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		comp, need, _ = counts()
		require.Equal(t, "1", comp, "confirmed: counted whatever the setting")
		require.Equal(t, "5", need)
	})
}
