package handlers

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// htmxSend sends a form the way htmx does: with HX-Request and the CSRF
// header, no _csrf field.
func (b *browser) htmxSend(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, b.csrf)
	return b.send(req)
}

type pmFixture struct {
	app              http.Handler
	officer          *browser
	alpha, bravo     models.Player
	alphaMain, loose models.Character
}

func pmCharacter(t *testing.T, db *gorm.DB, name string) models.Character {
	t.Helper()
	var mage models.Class
	require.NoError(t, db.Where("name = ?", "Mage").Take(&mage).Error)
	c := models.Character{Name: name, RealmSlug: "senjin", ClassID: &mage.ID}
	require.NoError(t, db.Create(&c).Error)
	return c
}

func pmLink(t *testing.T, db *gorm.DB, p models.Player, c models.Character) {
	t.Helper()
	require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: c.ID}).Error)
}

func TestPlayerManagerPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)
		alpha, _ := seedMember(t, db, "Alpha", 3)
		bravo := models.Player{DisplayName: "Bravo", IsActive: true}
		require.NoError(t, db.Omit("Characters").Create(&bravo).Error)
		main := pmCharacter(t, db, "Alphamain")
		loose := pmCharacter(t, db, "Loosechar")
		pmLink(t, db, alpha, main)
		require.NoError(t, db.Model(&alpha).Update("main_character_id", main.ID).Error)

		resp, _ := get(t, app, "/admin/players")
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/login?next="))
		mem := newBrowser(t, app).loginAs(s, memUser)
		resp, _ = mem.get("/admin/players")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = mem.get("/admin/roster")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, offUser)
		resp, body := b.get("/admin/roster")
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "/admin/players", resp.Header.Get("Location"))
		resp, body = b.get("/admin/players")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		for _, want := range []string{"Player Manager", `id="player-` + fmt.Sprint(alpha.ID), "Bravo", "Alphamain", "Loosechar",
			">Reg<", "pm-badge--main", `href="/admin/players"`, "Reference Tables", "js/admin_players"} {
			require.Contains(t, body, want)
		}

		// Column filter fragment.
		resp, body = b.get("/admin/players/columns/players?pq=alp", "HX-Request", "true")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `id="pm-players-list"`)
		require.Contains(t, body, "Alpha")
		require.NotContains(t, body, "Bravo")
		_, body = b.get("/admin/players/columns/characters?cunlinked=1", "HX-Request", "true")
		require.Contains(t, body, "Loosechar")
		require.NotContains(t, body, "Alphamain")
		_, body = b.get(fmt.Sprintf("/admin/players?nochars=1&rank=%d", *alpha.GuildRankID))
		require.NotContains(t, body, `id="player-`+fmt.Sprint(alpha.ID)+`"`)

		// Link the loose character to Bravo (htmx): Bravo's card plus the chip.
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/characters", bravo.ID), url.Values{"character_id": {fmt.Sprint(loose.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, fmt.Sprintf(`id="player-%d"`, bravo.ID))
		require.Regexp(t, fmt.Sprintf(`id="char-%d"[^>]*hx-swap-oob="true"`, loose.ID), body)

		// Move Alpha's main to Bravo: two cards change; Alpha loses the main.
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/characters", bravo.ID), url.Values{"character_id": {fmt.Sprint(main.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Regexp(t, fmt.Sprintf(`id="player-%d"[^>]*hx-swap-oob="true"`, alpha.ID), body)
		var a models.Player
		require.NoError(t, db.Take(&a, alpha.ID).Error)
		require.Nil(t, a.MainCharacterID)

		// Main / off-spec toggle from the card, then unlink from the chip.
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/role", main.ID), url.Values{"main_alt": {"offspec"}, "from": {"card"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var br models.Player
		require.NoError(t, db.Take(&br, bravo.ID).Error)
		require.Equal(t, main.ID, *br.OffspecCharacterID)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/role", main.ID), url.Values{"main_alt": {"boss"}, "from": {"card"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "main_alt must be")
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/unlink", main.ID), url.Values{"from": {"chip"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Unlinked")
		require.NoError(t, db.Take(&br, bravo.ID).Error)
		require.Nil(t, br.OffspecCharacterID)

		// Without JavaScript: the same forms redirect back with a message.
		resp, _ = b.postForm(fmt.Sprintf("/admin/players/%d/characters", alpha.ID), url.Values{"character_id": {fmt.Sprint(main.ID)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Location"), "flash=pm-character-linked")

		// Create, rename (empty → 422 edit card), rank override and derive.
		resp, body = b.htmxSend("POST", "/admin/players", url.Values{"display_name": {"  Charlie "}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Charlie")
		resp, body = b.htmxSend("POST", "/admin/players", url.Values{"display_name": {" "}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Equal(t, "#pm-create", resp.Header.Get("HX-Retarget"))
		require.Contains(t, body, "display_name required")
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rename", bravo.ID), url.Values{"display_name": {""}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, `name="display_name"`)
		_, body = b.get(fmt.Sprintf("/admin/players/%d/rename", bravo.ID), "HX-Request", "true")
		require.Contains(t, body, "pm-rename")
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rename", bravo.ID), url.Values{"display_name": {"Bravissimo"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Bravissimo")
		var officerRank models.GuildRank
		require.NoError(t, db.Where("level = 4").Take(&officerRank).Error)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rank", bravo.ID), url.Values{"rank_id": {fmt.Sprint(officerRank.ID)}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "an officer cannot make another officer (issue 10)")
		require.Contains(t, body, "at or above your own")
		officerRank = models.GuildRank{}
		require.NoError(t, db.Where("level = 3").Take(&officerRank).Error)
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rank", bravo.ID), url.Values{"rank_id": {fmt.Sprint(officerRank.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, db.Take(&br, bravo.ID).Error)
		require.Equal(t, officerRank.ID, *br.GuildRankID)
		require.Equal(t, "admin_override", *br.GuildRankSource)
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/rank", bravo.ID), url.Values{"rank_id": {"derive"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)

		// Discord: unknown → 404, linked elsewhere → 409.
		du := models.DiscordUser{DiscordID: "777000", Username: "bravo_d", IsPresent: true}
		require.NoError(t, db.Create(&du).Error)
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/discord", bravo.ID), url.Values{"discord_id": {"404"}})
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/discord", bravo.ID), url.Values{"discord_id": {"777000"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "@bravo_d")
		require.Regexp(t, fmt.Sprintf(`id="discord-%d"[^>]*hx-swap-oob`, du.ID), body)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/discord", alpha.ID), url.Values{"discord_id": {"777000"}})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "already linked to Bravissimo")

		// Invite: generate (code, link, expiry), then revoke.
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/invite", bravo.ID), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var inv models.InviteCode
		require.NoError(t, db.Where("player_id = ?", bravo.ID).Take(&inv).Error)
		require.Contains(t, body, inv.Code)
		require.Contains(t, body, "/register?code="+inv.Code)
		require.Contains(t, body, "valid until")
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/invite/revoke", bravo.ID), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "expired / revoked")
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/invite", alpha.ID), nil)
		require.Equal(t, http.StatusConflict, resp.StatusCode, "a registered player needs no invite")

		// Deactivating a registered player ends their session.
		alphaTok := tokenFor(t, s, models.User{ID: *alpha.WebsiteUserID})
		resp, _ = apiCall(t, app, alphaTok, "GET", "/api/v1/auth/me", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/active", alpha.ID), url.Values{"active": {"0"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Inactive")
		resp, _ = apiCall(t, app, alphaTok, "GET", "/api/v1/auth/me", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

		// Delete: a player with dependents is refused with them named; one
		// without goes, its characters stay.
		camp := models.Campaign{Title: "C", StartAt: s.Now(), DurationHours: 1, MinRankToVote: 1}
		require.NoError(t, db.Omit("Entries").Create(&camp).Error)
		require.NoError(t, db.Create(&models.Vote{CampaignID: &camp.ID, PlayerID: bravo.ID, Rank: 1}).Error)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/delete", bravo.ID), nil)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "1 vote")
		require.NoError(t, db.Where("player_id = ?", bravo.ID).Delete(&models.Vote{}).Error)
		require.NoError(t, db.Where("player_id = ?", bravo.ID).Delete(&models.InviteCode{}).Error)
		resp, body = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/delete", bravo.ID), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.NotContains(t, body, fmt.Sprintf(`id="player-%d"`, bravo.ID))
		var n int64
		db.Model(&models.Character{}).Where("id = ?", loose.ID).Count(&n)
		require.EqualValues(t, 1, n)

		// Delete a character from its chip: gone, pointers cleared.
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/delete", loose.ID), url.Values{"from": {"chip"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		db.Model(&models.Character{}).Where("id = ?", loose.ID).Count(&n)
		require.Zero(t, n)
		resp, _ = b.htmxSend("POST", "/admin/characters/99999/delete", nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

// The page-JSON endpoints of §6.3 answer with decision 1's statuses.
func TestPlayerManagerJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		b := newBrowser(t, app).loginAs(s, offUser)
		ch := pmCharacter(t, db, "Jsonchar")

		resp, body := b.sendJSON("POST", "/admin/players/create", `{"display_name":"Jason"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		created := dataMap(t, body)
		require.Equal(t, "Initiate", created["rank_name"])
		require.Equal(t, false, created["registered"])
		pid := int(created["id"].(float64))

		resp, body = b.sendJSON("PATCH", fmt.Sprintf("/admin/characters/%d/assign", ch.ID), fmt.Sprintf(`{"member_id":%d}`, pid))
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, "Jason", dataMap(t, body)["player_name"])
		resp, body = b.sendJSON("PATCH", fmt.Sprintf("/admin/characters/%d/main-alt", ch.ID), `{"main_alt":"main"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, _ = b.sendJSON("PATCH", fmt.Sprintf("/admin/characters/%d/main-alt", ch.ID), `{"main_alt":"tank"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = b.sendJSON("PATCH", fmt.Sprintf("/admin/characters/%d/assign", ch.ID), `not json`)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)

		resp, body = b.get("/admin/players-data")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"main_alt":"main"`)
		require.Contains(t, body, `"in_wow_scan":true`)

		resp, _ = b.sendJSON("PATCH", fmt.Sprintf("/admin/players/%d/link-discord", pid), `{"discord_id":"123"}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, body = b.sendJSON("PATCH", fmt.Sprintf("/admin/players/%d/display-name", pid), `{"display_name":"Jay"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = b.sendJSON("POST", fmt.Sprintf("/admin/players/%d/send-invite", pid), ``)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Len(t, dataMap(t, body)["code"], 8)

		resp, body = b.sendJSON("PATCH", fmt.Sprintf("/admin/characters/%d/assign", ch.ID), `{"player_id":null}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, "Unlinked", dataMap(t, body)["player_name"])
		var p models.Player
		require.NoError(t, db.Take(&p, pid).Error)
		require.Nil(t, p.MainCharacterID, "unlinking clears the main")

		resp, body = b.sendJSON("DELETE", fmt.Sprintf("/admin/players/%d", pid), ``)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = b.sendJSON("DELETE", fmt.Sprintf("/admin/characters/%d", ch.ID), ``)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, _ = b.sendJSON("DELETE", fmt.Sprintf("/admin/characters/%d", ch.ID), ``)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

// A change raises pm-changed; the counts fragment then redraws the column
// counts and the cards' link-select options out of band.
func TestPlayerManagerCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		bravo := models.Player{DisplayName: "Bravo", IsActive: true}
		require.NoError(t, db.Omit("Characters").Create(&bravo).Error)
		loose := pmCharacter(t, db, "Loosechar")
		other := pmCharacter(t, db, "Otherchar")
		require.NoError(t, db.Create(&models.DiscordUser{DiscordID: "555", Username: "free_d", IsPresent: true}).Error)
		b := newBrowser(t, app).loginAs(s, offUser)

		_, body := b.get("/admin/players")
		require.Contains(t, body, `id="pm-chars-count">(2 total, 2 unlinked)`)
		require.Contains(t, body, `id="pm-players-count">(2)`)
		require.Contains(t, body, `hx-get="/admin/players/counts" hx-trigger="pm-changed from:body"`)

		resp, body := b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/characters", bravo.ID), url.Values{"character_id": {fmt.Sprint(loose.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, "pm-changed", resp.Header.Get("HX-Trigger"))
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/characters", bravo.ID), url.Values{"character_id": {"x"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Empty(t, resp.Header.Get("HX-Trigger"), "a refused change changes nothing")
		resp, _ = b.postForm(fmt.Sprintf("/admin/players/%d/characters", bravo.ID), url.Values{"character_id": {fmt.Sprint(loose.ID)}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, "without JavaScript: a redirect, no event")
		require.Empty(t, resp.Header.Get("HX-Trigger"))

		resp, body = b.get("/admin/players/counts", "HX-Request", "true")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotContains(t, body, "<html")
		require.Contains(t, body, `<span class="board__count" id="pm-chars-count" hx-swap-oob="true">(2 total, 1 unlinked)</span>`)
		require.Contains(t, body, `<span class="board__count" id="pm-discord-count" hx-swap-oob="true">(1 total, 1 unlinked)</span>`)
		require.Contains(t, body, `<span class="board__count" id="pm-players-count" hx-swap-oob="true">(2)</span>`)
		require.Regexp(t, `<select hx-swap-oob="innerHTML:.pm-link-char select"><option value="`+fmt.Sprint(other.ID)+`">Otherchar — senjin</option></select>`, body)
		require.NotContains(t, body, "Loosechar", "a linked character is no longer offered")
		require.Contains(t, body, `<select hx-swap-oob="innerHTML:.pm-link-discord select"><option value="555">free_d (@free_d)</option></select>`)

		// Nothing left to link: the select says so (and stays, so the next
		// refresh has somewhere to put options).
		resp, _ = b.htmxSend("POST", fmt.Sprintf("/admin/players/%d/characters", bravo.ID), url.Values{"character_id": {fmt.Sprint(other.ID)}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		_, body = b.get("/admin/players/counts", "HX-Request", "true")
		require.Contains(t, body, `(2 total, 0 unlinked)`)
		require.Contains(t, body, `<option value="">No unlinked characters</option>`)
		_, body = b.get("/admin/players")
		require.Contains(t, body, `class="pm-inline pm-link-char"`)

		resp, _ = newBrowser(t, app).get("/admin/players/counts")
		require.Equal(t, http.StatusFound, resp.StatusCode, "officers only")
	})
}

// ◎ focus: ?focus=player:N / discord:N / char:N keeps the entity and what is
// linked to it in all three columns.
func TestPlayerManagerFocus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		offPlayer, offUser := seedMember(t, db, "Officer4", 4)
		alpha, _ := seedMember(t, db, "Alpha", 3)
		bravo := models.Player{DisplayName: "Bravo", IsActive: true}
		require.NoError(t, db.Omit("Characters").Create(&bravo).Error)
		a1, a2 := pmCharacter(t, db, "Alphaone"), pmCharacter(t, db, "Alphatwo")
		b1, loose := pmCharacter(t, db, "Bravoone"), pmCharacter(t, db, "Loosechar")
		pmLink(t, db, alpha, a1)
		pmLink(t, db, alpha, a2)
		pmLink(t, db, bravo, b1)
		du := models.DiscordUser{DiscordID: "111", Username: "alpha_d", IsPresent: true}
		zed := models.DiscordUser{DiscordID: "222", Username: "zed_d", IsPresent: true}
		require.NoError(t, db.Create(&du).Error)
		require.NoError(t, db.Create(&zed).Error)
		require.NoError(t, db.Model(&alpha).Update("discord_user_id", du.ID).Error)
		b := newBrowser(t, app).loginAs(s, offUser)

		player := func(id int) string { return fmt.Sprintf(`id="player-%d"`, id) }
		char := func(id int) string { return fmt.Sprintf(`id="char-%d"`, id) }
		discord := func(id int) string { return fmt.Sprintf(`id="discord-%d"`, id) }
		alphaSet := []string{player(alpha.ID), discord(du.ID), char(a1.ID), char(a2.ID)}
		others := []string{player(bravo.ID), player(offPlayer.ID), discord(zed.ID), char(b1.ID), char(loose.ID)}

		for _, tc := range []struct {
			focus, label, focused string
			shown, hidden         []string
		}{
			{fmt.Sprintf("player:%d", alpha.ID), "player Alpha", `pm-card is-focused" ` + player(alpha.ID), alphaSet, others},
			{fmt.Sprintf("discord:%d", du.ID), "Discord member alpha_d", `is-linked is-focused" ` + discord(du.ID), alphaSet, others},
			{fmt.Sprintf("char:%d", a2.ID), "character Alphatwo", `is-linked is-focused" ` + char(a2.ID), alphaSet, others},
			{fmt.Sprintf("char:%d", loose.ID), "character Loosechar", `pm-char is-focused" ` + char(loose.ID),
				[]string{char(loose.ID)}, append(alphaSet, player(bravo.ID), discord(zed.ID), char(b1.ID))},
			{fmt.Sprintf("discord:%d", zed.ID), "Discord member zed_d", `pm-discord is-focused" ` + discord(zed.ID),
				[]string{discord(zed.ID)}, append(alphaSet, player(bravo.ID), char(loose.ID))},
		} {
			t.Run(tc.focus, func(t *testing.T) {
				resp, body := b.get("/admin/players/board?focus="+tc.focus, "HX-Request", "true")
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.NotContains(t, body, "<html")
				require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<div class="board pm-board" id="player-manager">`), body[:min(len(body), 200)])
				require.Contains(t, body, "Focused on "+tc.label)
				require.Contains(t, body, tc.focused)
				for _, want := range tc.shown {
					require.Contains(t, body, want)
				}
				for _, not := range tc.hidden {
					require.NotContains(t, body, not)
				}
				// The focused entity's ◎ clears; the filters keep the focus.
				require.Contains(t, body, `aria-pressed="true"`)
				require.Contains(t, body, `hx-get="/admin/players/board" hx-target="#player-manager" hx-swap="outerHTML" hx-push-url="/admin/players"`)
				require.Contains(t, body, `<input type="hidden" name="focus" value="`+tc.focus+`">`)
				require.Contains(t, body, "(2 total, 1 unlinked)", "the counts stay the guild's totals")
			})
		}

		// Unfocused: everything, and each ◎ focuses its own entity.
		_, body := b.get("/admin/players/board", "HX-Request", "true")
		for _, want := range append(alphaSet, others...) {
			require.Contains(t, body, want)
		}
		require.NotContains(t, body, "Focused on")
		require.Contains(t, body, fmt.Sprintf(`href="/admin/players?focus=player:%d"`, alpha.ID))
		require.Contains(t, body, fmt.Sprintf(`hx-get="/admin/players/board?focus=player:%d"`, alpha.ID))
		require.Contains(t, body, fmt.Sprintf(`hx-get="/admin/players/board?focus=discord:%d"`, du.ID))
		require.Contains(t, body, fmt.Sprintf(`hx-get="/admin/players/board?focus=char:%d"`, a1.ID))
		require.Contains(t, body, fmt.Sprintf(`hx-push-url="/admin/players?focus=char:%d"`, a1.ID))

		// Nonsense is no focus; a vanished entity leaves an empty board.
		_, body = b.get("/admin/players/board?focus=bogus:1", "HX-Request", "true")
		require.NotContains(t, body, "Focused on")
		require.Contains(t, body, player(bravo.ID))
		_, body = b.get("/admin/players/board?focus=char:999999", "HX-Request", "true")
		require.Contains(t, body, "Focused on something no longer on the board")
		require.Contains(t, body, "No players match.")

		// Without JavaScript the page itself takes ?focus=, and a column
		// filter within a focus keeps it.
		resp, body := b.get(fmt.Sprintf("/admin/players?focus=player:%d", alpha.ID))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "<html")
		require.Contains(t, body, "Focused on player Alpha")
		require.Contains(t, body, `href="/admin/players"`)
		require.NotContains(t, body, player(bravo.ID))
		_, body = b.get(fmt.Sprintf("/admin/players/columns/characters?focus=player:%d&cq=two", alpha.ID), "HX-Request", "true")
		require.Contains(t, body, char(a2.ID))
		require.NotContains(t, body, char(a1.ID))
		require.NotContains(t, body, char(loose.ID))
	})
}
