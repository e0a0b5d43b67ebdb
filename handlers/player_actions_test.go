package handlers

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// The officers' player actions have three surfaces: the Player Manager's
// htmx forms, its PATCH JSON endpoints and /api/v1/admin/members/:id. Each
// action is one identity function; these tests drive every surface that
// offers an action with the same input and require the same answer (status
// and message) and the same stored result.

// pmSurface sends one action's input through one surface and returns the
// status and the body with HTML entities decoded (htmx answers are
// fragments, the others JSON envelopes).
type pmSurface struct {
	name string
	send func(id int, input string) (int, string)
}

type pmSurfaces struct {
	t       *testing.T
	db      *gorm.DB
	browser *browser
	s       *Server
	api     func(method, path, body string) (*http.Response, string)
}

func newPMSurfaces(t *testing.T, db *gorm.DB) *pmSurfaces {
	app, s := testApp(t, db)
	_, officer := seedMember(t, db, "Officer4", 4)
	tok := tokenFor(t, s, officer)
	return &pmSurfaces{t: t, db: db, s: s, browser: newBrowser(t, app).loginAs(s, officer),
		api: func(method, path, body string) (*http.Response, string) {
			return apiCall(t, app, tok, method, path, body)
		}}
}

func (p *pmSurfaces) htmx(path, field string) pmSurface {
	return pmSurface{"htmx form", func(id int, input string) (int, string) {
		resp, body := p.browser.htmxSend("POST", fmt.Sprintf(path, id), url.Values{field: {input}})
		return resp.StatusCode, html.UnescapeString(body)
	}}
}

// pageJSON is the Player Manager's PATCH endpoint; body is a format with
// the input already JSON-encoded in it.
func (p *pmSurfaces) pageJSON(path, body string) pmSurface {
	return pmSurface{"page JSON", func(id int, input string) (int, string) {
		resp, out := p.browser.sendJSON("PATCH", fmt.Sprintf(path, id), fmt.Sprintf(body, input))
		return resp.StatusCode, out
	}}
}

func (p *pmSurfaces) membersAPI(body string) pmSurface {
	return pmSurface{"members API", func(id int, input string) (int, string) {
		resp, out := p.api("PATCH", fmt.Sprintf("/api/v1/admin/members/%d", id), fmt.Sprintf(body, input))
		return resp.StatusCode, out
	}}
}

// pmRefusal is one input every surface must refuse the same way.
type pmRefusal struct {
	why     string
	id      func() int
	input   string
	status  int
	message string
}

func (p *pmSurfaces) requireSameRefusals(surfaces []pmSurface, cases []pmRefusal) {
	p.t.Helper()
	for _, rc := range cases {
		for _, sf := range surfaces {
			st, body := sf.send(rc.id(), rc.input)
			require.Equal(p.t, rc.status, st, "%s: %s: %s", rc.why, sf.name, body)
			require.Contains(p.t, body, rc.message, "%s: %s", rc.why, sf.name)
		}
	}
}

func (p *pmSurfaces) player(name string) models.Player {
	pl := models.Player{DisplayName: name, IsActive: true}
	require.NoError(p.t, p.db.Omit("Characters").Create(&pl).Error)
	return pl
}

func (p *pmSurfaces) reload(id int) models.Player {
	var pl models.Player
	require.NoError(p.t, p.db.Take(&pl, id).Error)
	return pl
}

func fixed(id int) func() int { return func() int { return id } }

func TestPlayerActionRename(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		htmx := p.htmx("/admin/players/%d/rename", "display_name")
		page := p.pageJSON("/admin/players/%d/display-name", `{"display_name":%s}`)
		api := p.membersAPI(`{"display_name":%s}`)
		quote := func(sf pmSurface) pmSurface {
			if sf.name == "htmx form" {
				return sf
			}
			send := sf.send
			return pmSurface{sf.name, func(id int, in string) (int, string) { return send(id, string(jsonString(in))) }}
		}
		surfaces := []pmSurface{htmx, quote(page), quote(api)}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"blank name", fixed(target.ID), "   ", http.StatusUnprocessableEntity, "display_name required"},
			{"too long", fixed(target.ID), strings.Repeat("x", 101), http.StatusUnprocessableEntity, "Display name must be at most 100 characters."},
			{"no such player", fixed(99999), "Ghost", http.StatusNotFound, "Player 99999 not found"},
		})
		require.Equal(t, "Target", p.reload(target.ID).DisplayName, "a refused rename writes nothing")
		for i, sf := range surfaces {
			name := fmt.Sprintf("Renamed %d", i)
			st, body := sf.send(target.ID, "  "+name+" ")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.Equal(t, name, p.reload(target.ID).DisplayName, sf.name)
		}
	})
}

func TestPlayerActionSetRank(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		surfaces := []pmSurface{
			p.htmx("/admin/players/%d/rank", "rank_id"),
			p.membersAPI(`{"guild_rank_id":%s}`),
		}
		var veteran models.GuildRank
		require.NoError(t, db.Where("level = ?", 3).Take(&veteran).Error)
		before := p.reload(target.ID)
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"no such rank", fixed(target.ID), "99999", http.StatusUnprocessableEntity, "Rank 99999 not found"},
			{"no such player", fixed(99999), fmt.Sprint(veteran.ID), http.StatusNotFound, "Player 99999 not found"},
		})
		require.Equal(t, before.GuildRankID, p.reload(target.ID).GuildRankID, "a refused rank writes nothing")
		for _, sf := range surfaces {
			require.NoError(t, db.Model(&models.Player{}).Where("id = ?", target.ID).
				Updates(map[string]any{"guild_rank_id": nil, "guild_rank_source": nil}).Error)
			st, body := sf.send(target.ID, fmt.Sprint(veteran.ID))
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			got := p.reload(target.ID)
			require.Equal(t, veteran.ID, *got.GuildRankID, sf.name)
			require.Equal(t, "admin_override", *got.GuildRankSource, "%s: an officer's rank is an override", sf.name)
		}
	})
}

func TestPlayerActionSetActive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		htmx := p.htmx("/admin/players/%d/active", "active")
		api := p.membersAPI(`{"is_active":%s}`)
		asAPI := func(form string) string { return map[string]string{"0": "false", "1": "true"}[form] }
		surfaces := []pmSurface{htmx, {api.name, func(id int, in string) (int, string) { return api.send(id, asAPI(in)) }}}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"no such player", fixed(99999), "0", http.StatusNotFound, "Player 99999 not found"},
		})
		for _, sf := range surfaces {
			member, user := seedMember(t, db, "Member "+sf.name, 2)
			st, body := sf.send(member.ID, "0")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.False(t, p.reload(member.ID).IsActive, sf.name)
			var u models.User
			require.NoError(t, db.Take(&u, user.ID).Error)
			require.False(t, u.IsActive, "%s: the account follows the player", sf.name)
			require.Equal(t, user.TokenVersion+1, u.TokenVersion, "%s: deactivating ends the sessions", sf.name)
			st, body = sf.send(member.ID, "1")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.True(t, p.reload(member.ID).IsActive, sf.name)
			require.NoError(t, db.Take(&u, user.ID).Error)
			require.True(t, u.IsActive, "%s: reactivating opens the login again", sf.name)
		}
	})
}

func TestPlayerActionLinkDiscord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		other := p.player("Other")
		taken := models.DiscordUser{DiscordID: "700001", Username: "taken_d", IsPresent: true}
		free := models.DiscordUser{DiscordID: "700002", Username: "free_d", IsPresent: true}
		require.NoError(t, db.Create(&taken).Error)
		require.NoError(t, db.Create(&free).Error)
		require.NoError(t, db.Model(&other).Update("discord_user_id", taken.ID).Error)
		surfaces := []pmSurface{
			p.htmx("/admin/players/%d/discord", "discord_id"),
			p.pageJSON("/admin/players/%d/link-discord", `{"discord_id":"%s"}`),
		}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"unknown member", fixed(target.ID), "404404", http.StatusNotFound, "Discord user 404404 not found"},
			{"linked to someone else", fixed(target.ID), "700001", http.StatusConflict, "Discord user @taken_d is already linked to Other"},
			{"no such player", fixed(99999), "700002", http.StatusNotFound, "Player 99999 not found"},
		})
		require.Nil(t, p.reload(target.ID).DiscordUserID, "a refused link writes nothing")
		for _, sf := range surfaces {
			st, body := sf.send(target.ID, "700002")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.Equal(t, free.ID, *p.reload(target.ID).DiscordUserID, sf.name)
			st, body = sf.send(target.ID, "")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.Nil(t, p.reload(target.ID).DiscordUserID, "%s: empty unlinks", sf.name)
		}
	})
}

func TestPlayerActionLinkCharacter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		other := p.player("Other")
		ch := pmCharacter(t, db, "Movingchar")
		htmx := p.htmx("/admin/players/%d/characters", "character_id")
		// The JSON surface addresses the character and names the player.
		page := pmSurface{"page JSON", func(playerID int, charID string) (int, string) {
			resp, out := p.browser.sendJSON("PATCH", "/admin/characters/"+charID+"/assign", fmt.Sprintf(`{"player_id":%d}`, playerID))
			return resp.StatusCode, out
		}}
		surfaces := []pmSurface{htmx, page}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"no such character", fixed(target.ID), "99999", http.StatusNotFound, "Character 99999 not found"},
			{"no such player", fixed(99999), fmt.Sprint(ch.ID), http.StatusNotFound, "Player 99999 not found"},
		})
		owner := func() *int {
			var links []models.PlayerCharacter
			require.NoError(t, db.Where("character_id = ?", ch.ID).Find(&links).Error)
			require.LessOrEqual(t, len(links), 1, "a character has at most one owner")
			if len(links) == 0 {
				return nil
			}
			return &links[0].PlayerID
		}
		require.Nil(t, owner(), "a refused link writes nothing")
		for _, sf := range surfaces {
			// Owned by Other as their main: linking moves it and clears
			// Other's main.
			require.NoError(t, db.Where("character_id = ?", ch.ID).Delete(&models.PlayerCharacter{}).Error)
			pmLink(t, db, other, ch)
			require.NoError(t, db.Model(&other).Update("main_character_id", ch.ID).Error)
			st, body := sf.send(target.ID, fmt.Sprint(ch.ID))
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.Equal(t, target.ID, *owner(), sf.name)
			require.Nil(t, p.reload(other.ID).MainCharacterID, "%s: the old owner's main is cleared", sf.name)
		}
	})
}

func TestPlayerActionUnlinkCharacter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		ch := pmCharacter(t, db, "Leavingchar")
		surfaces := []pmSurface{
			{"htmx form", func(charID int, _ string) (int, string) {
				resp, body := p.browser.htmxSend("POST", fmt.Sprintf("/admin/characters/%d/unlink", charID), url.Values{"from": {"chip"}})
				return resp.StatusCode, html.UnescapeString(body)
			}},
			{"page JSON", func(charID int, _ string) (int, string) {
				resp, out := p.browser.sendJSON("PATCH", fmt.Sprintf("/admin/characters/%d/assign", charID), `{"player_id":null}`)
				return resp.StatusCode, out
			}},
		}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"no such character", fixed(99999), "", http.StatusNotFound, "Character 99999 not found"},
		})
		for _, sf := range surfaces {
			require.NoError(t, db.Where("character_id = ?", ch.ID).Delete(&models.PlayerCharacter{}).Error)
			pmLink(t, db, target, ch)
			require.NoError(t, db.Model(&target).Update("offspec_character_id", ch.ID).Error)
			st, body := sf.send(ch.ID, "")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			var n int64
			require.NoError(t, db.Model(&models.PlayerCharacter{}).Where("character_id = ?", ch.ID).Count(&n).Error)
			require.Zero(t, n, sf.name)
			require.Nil(t, p.reload(target.ID).OffspecCharacterID, "%s: no longer anyone's off-spec", sf.name)
		}
	})
}

func TestPlayerActionMainOffspec(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		ch := pmCharacter(t, db, "Rolechar")
		loose := pmCharacter(t, db, "Loosechar")
		pmLink(t, db, target, ch)
		surfaces := []pmSurface{
			p.htmx("/admin/characters/%d/role", "main_alt"),
			p.pageJSON("/admin/characters/%d/main-alt", `{"main_alt":"%s"}`),
		}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"no such role", fixed(ch.ID), "tank", http.StatusUnprocessableEntity, "main_alt must be 'main', 'offspec', or 'alt'"},
			{"not linked", fixed(loose.ID), "main", http.StatusNotFound, "Character not linked to a player"},
			{"no such character", fixed(99999), "main", http.StatusNotFound, "Character 99999 not found"},
		})
		require.Nil(t, p.reload(target.ID).MainCharacterID, "a refused role writes nothing")
		for _, sf := range surfaces {
			st, body := sf.send(ch.ID, "main")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			got := p.reload(target.ID)
			require.Equal(t, ch.ID, *got.MainCharacterID, sf.name)
			st, body = sf.send(ch.ID, "offspec")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			got = p.reload(target.ID)
			require.Nil(t, got.MainCharacterID, "%s: never both main and off-spec", sf.name)
			require.Equal(t, ch.ID, *got.OffspecCharacterID, sf.name)
			st, body = sf.send(ch.ID, "alt")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			require.Nil(t, p.reload(target.ID).OffspecCharacterID, sf.name)
		}
	})
}

func TestPlayerActionInvite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := newPMSurfaces(t, db)
		target := p.player("Target")
		registered, _ := seedMember(t, db, "Registered", 2)
		surfaces := []pmSurface{
			{"htmx form", func(id int, _ string) (int, string) {
				resp, body := p.browser.htmxSend("POST", fmt.Sprintf("/admin/players/%d/invite", id), nil)
				return resp.StatusCode, html.UnescapeString(body)
			}},
			{"page JSON", func(id int, _ string) (int, string) {
				resp, out := p.browser.sendJSON("POST", fmt.Sprintf("/admin/players/%d/send-invite", id), "")
				return resp.StatusCode, out
			}},
			{"members API", func(id int, _ string) (int, string) {
				resp, out := p.api("POST", fmt.Sprintf("/api/v1/admin/members/%d/send-invite", id), "")
				return resp.StatusCode, out
			}},
		}
		p.requireSameRefusals(surfaces, []pmRefusal{
			{"has an account", fixed(registered.ID), "", http.StatusConflict, "Registered already has a website account."},
			{"no such player", fixed(99999), "", http.StatusNotFound, "Player 99999 not found"},
		})
		var n int64
		require.NoError(t, db.Model(&models.InviteCode{}).Count(&n).Error)
		require.Zero(t, n, "a refused invite writes nothing")
		for _, sf := range surfaces {
			st, body := sf.send(target.ID, "")
			require.Equal(t, http.StatusOK, st, "%s: %s", sf.name, body)
			var open []models.InviteCode
			require.NoError(t, db.Where("player_id = ? AND expires_at > ?", target.ID, p.s.Now()).Find(&open).Error)
			require.Len(t, open, 1, "%s: only the newest code works", sf.name)
			require.Contains(t, body, open[0].Code, sf.name)
		}
	})
}
