package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// postJSONForm submits a form as a script would: CSRF token, JSON answer.
func (b *browser) postJSONForm(path string, form url.Values) (*http.Response, Envelope) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(csrfHeader, b.csrf)
	resp, body := b.send(req)
	var env Envelope
	require.NoError(b.t, json.Unmarshal([]byte(body), &env), body)
	return resp, env
}

func classAndSpec(t *testing.T, db *gorm.DB, class, spec string) (int, int) {
	t.Helper()
	var c models.Class
	require.NoError(t, db.Where("name = ?", class).Take(&c).Error)
	var s models.Specialization
	require.NoError(t, db.Where("class_id = ? AND name = ?", c.ID, spec).Take(&s).Error)
	return c.ID, s.ID
}

// Issue 11 item 1: an officer adds a character by hand; bad input is 422
// naming the field, a character already known (any case of name or realm)
// is 409, and nothing is half-written.
func TestOfficerAddsACharacterByHand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		target, _ := seedMember(t, db, "Trog", 2)
		_, officer := seedMember(t, db, "Offy", 4)
		b := newBrowser(t, app).loginAs(s, officer)
		shaman, enh := classAndSpec(t, db, "Shaman", "Enhancement")
		_, frost := classAndSpec(t, db, "Mage", "Frost")
		var rank models.GuildRank
		require.NoError(t, db.Where("level = 2").Take(&rank).Error)
		form := func(kv ...string) url.Values {
			v := url.Values{"name": {"thrall"}, "realm": {"Area 52"}, "class_id": {strconv.Itoa(shaman)},
				"spec_id": {strconv.Itoa(enh)}, "rank_id": {strconv.Itoa(rank.ID)}, "level": {"80"},
				"player_id": {strconv.Itoa(target.ID)}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		for _, bad := range []struct{ field, key, value string }{
			{"name", "name", " "},
			{"name", "name", "Thr4ll"},
			{"realm", "realm", ""},
			{"class_id", "class_id", "9999"},
			{"spec_id", "spec_id", strconv.Itoa(frost)},
			{"level", "level", "200"},
			{"rank_id", "rank_id", "9999"},
		} {
			resp, env := b.postJSONForm("/admin/characters", form(bad.key, bad.value))
			require.Equal(t, 422, resp.StatusCode, bad)
			require.False(t, env.OK)
			require.Contains(t, env.Fields, bad.field, "the refusal names the field")
		}
		var n int64
		require.NoError(t, db.Model(&models.Character{}).Count(&n).Error)
		require.Zero(t, n, "nothing was written")

		resp, env := b.postJSONForm("/admin/characters", form())
		require.Equal(t, 201, resp.StatusCode, env)
		var ch models.Character
		require.NoError(t, db.Take(&ch).Error)
		require.Equal(t, "Thrall", ch.Name)
		require.Equal(t, "area-52", ch.RealmSlug, "keyed like the sync keys it")
		require.Equal(t, shaman, *ch.ClassID)
		require.Equal(t, enh, *ch.ActiveSpecID)
		require.Equal(t, 80, *ch.Level)
		require.Equal(t, rank.ID, *ch.GuildRankID)
		var link models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", ch.ID).Take(&link).Error)
		require.Equal(t, target.ID, link.PlayerID)
		require.False(t, identity.Unverified(link), "an officer's character is confirmed")

		resp, env = b.postJSONForm("/admin/characters", form("name", "THRALL", "realm", "AREA-52", "player_id", ""))
		require.Equal(t, 409, resp.StatusCode, env)
		require.Contains(t, env.Error, "already known")
		require.NoError(t, db.Model(&models.Character{}).Count(&n).Error)
		require.EqualValues(t, 1, n)

		// The form without JavaScript lands back on the Player Manager.
		resp, _ = b.postForm("/admin/characters", form("name", "Garrosh", "player_id", ""))
		require.Equal(t, 303, resp.StatusCode)
		_, page := b.get("/admin/players")
		require.Contains(t, page, "Garrosh")

		// A member may not.
		_, member := seedMember(t, db, "Pleb", 1)
		mb := newBrowser(t, app).loginAs(s, member)
		resp, _ = mb.postJSONForm("/admin/characters", form("name", "Sneaky"))
		require.Equal(t, 403, resp.StatusCode)
	})
}

// A member adds their own character on /profile: unverified until an
// officer confirms it.
func TestMemberAddsOwnCharacterUnverified(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		me, user := seedMember(t, db, "Jay", 2)
		_, officer := seedMember(t, db, "Offy", 4)
		mage, frost := classAndSpec(t, db, "Mage", "Frost")
		b := newBrowser(t, app).loginAs(s, user)
		b.get("/profile")
		resp, env := b.postJSONForm("/profile/characters/add", url.Values{"name": {"Jaina"}, "realm": {"Proudmoore"},
			"class_id": {strconv.Itoa(mage)}, "spec_id": {strconv.Itoa(frost)}, "level": {"70"}, "rank_id": {"1"}})
		require.Equal(t, 201, resp.StatusCode, env)
		var ch models.Character
		require.NoError(t, db.Where("character_name = ?", "Jaina").Take(&ch).Error)
		require.Nil(t, ch.GuildRankID, "a member does not set guild ranks")
		var link models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", ch.ID).Take(&link).Error)
		require.Equal(t, me.ID, link.PlayerID)
		require.True(t, identity.Unverified(link))

		resp, env = b.postJSONForm("/profile/characters/add", url.Values{"name": {"jaina"}, "realm": {"proudmoore"}, "class_id": {strconv.Itoa(mage)}})
		require.Equal(t, 409, resp.StatusCode, env)
		resp, env = b.postJSONForm("/profile/characters/add", url.Values{"name": {"Kael"}, "realm": {"Proudmoore"}})
		require.Equal(t, 422, resp.StatusCode, env)
		require.Contains(t, env.Fields, "class_id")

		_, page := b.get("/profile")
		require.Contains(t, page, "Jaina")
		require.Contains(t, page, "unverified")

		// The member cannot confirm it; an officer can.
		resp, _ = b.postJSONForm("/admin/characters/"+strconv.Itoa(ch.ID)+"/confirm", url.Values{})
		require.Equal(t, 403, resp.StatusCode)
		ob := newBrowser(t, app).loginAs(s, officer)
		resp, env = ob.postJSONForm("/admin/characters/"+strconv.Itoa(ch.ID)+"/confirm", url.Values{})
		require.Equal(t, 200, resp.StatusCode, env)
		require.NoError(t, db.Where("character_id = ?", ch.ID).Take(&link).Error)
		require.False(t, identity.Unverified(link))
	})
}

// A member's own character counts on the roster only once an officer
// confirms it or allows unconfirmed characters.
func TestUnverifiedCharactersOnTheRoster(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		me, user := seedMember(t, db, "Jay", 2)
		_, officer := seedMember(t, db, "Offy", 4)
		mage, frost := classAndSpec(t, db, "Mage", "Frost")
		b := newBrowser(t, app).loginAs(s, user)
		resp, env := b.postJSONForm("/profile/characters/add", url.Values{"name": {"Jaina"}, "realm": {"Proudmoore"},
			"class_id": {strconv.Itoa(mage)}, "spec_id": {strconv.Itoa(frost)}})
		require.Equal(t, 201, resp.StatusCode, env)
		var ch models.Character
		require.NoError(t, db.Where("character_name = ?", "Jaina").Take(&ch).Error)
		resp, _ = b.postForm("/profile/characters", url.Values{"main_character_id": {strconv.Itoa(ch.ID)}, "main_spec_id": {strconv.Itoa(frost)}})
		require.Less(t, resp.StatusCode, 400)
		var p models.Player
		require.NoError(t, db.Take(&p, me.ID).Error)
		require.NotNil(t, p.MainCharacterID, "the member chose the character as main")

		_, page := get(t, app, "/roster")
		require.NotContains(t, page, "Jaina", "unconfirmed: not on the roster")

		ob := newBrowser(t, app).loginAs(s, officer)
		_, pm := ob.get("/admin/players")
		require.Contains(t, pm, `name="count_unverified"`)
		resp, _ = ob.postForm("/admin/players/settings", url.Values{"count_unverified": {"1"}})
		require.Equal(t, 303, resp.StatusCode)
		_, page = get(t, app, "/roster")
		require.Contains(t, page, "Jaina", "allowed by the officer")

		resp, _ = ob.postForm("/admin/players/settings", url.Values{})
		require.Equal(t, 303, resp.StatusCode)
		_, page = get(t, app, "/roster")
		require.NotContains(t, page, "Jaina")

		resp, _ = b.postForm("/admin/players/settings", url.Values{"count_unverified": {"1"}})
		require.Equal(t, 403, resp.StatusCode, "members may not switch it")

		resp, _ = ob.postForm("/admin/characters/"+strconv.Itoa(ch.ID)+"/confirm", url.Values{})
		require.Equal(t, 303, resp.StatusCode)
		_, page = get(t, app, "/roster")
		require.Contains(t, page, "Jaina", "confirmed")
	})
}
