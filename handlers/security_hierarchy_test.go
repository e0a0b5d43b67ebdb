package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

func rankIDOf(t *testing.T, db *gorm.DB, level int) int {
	t.Helper()
	var r models.GuildRank
	require.NoError(t, db.Where("level = ?", level).Take(&r).Error)
	return r.ID
}

func rankLevelOfPlayer(t *testing.T, db *gorm.DB, id int) int {
	t.Helper()
	var p models.Player
	require.NoError(t, db.Preload("Rank").Take(&p, id).Error)
	if p.Rank == nil {
		return 0
	}
	return p.Rank.Level
}

// Issue 10 item 2: officers cannot crown themselves or raise anyone to or
// above their own rank, cannot touch those at or above it, and only the
// Guild Leader edits the rank table; every change lands in the audit log.
func TestOfficerHierarchy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		gl, glUser := seedMember(t, db, "Boss", 5)
		off, offUser := seedMember(t, db, "Sarge", 4)
		off2, _ := seedMember(t, db, "Other Officer", 4)
		mem, _ := seedMember(t, db, "Trog", 2)
		glRank := rankIDOf(t, db, 5)
		ghost := models.Player{DisplayName: "Ghost", IsActive: true, GuildRankID: &glRank, Timezone: "UTC"}
		require.NoError(t, db.Create(&ghost).Error)
		officer := tokenFor(t, s, offUser)
		leader := tokenFor(t, s, glUser)
		members := "/api/v1/admin/members/"

		for _, tc := range []struct {
			name, method, path, body string
			status                   int
		}{
			{"crown self", "PATCH", members + strconv.Itoa(off.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 5)), 403},
			{"edit self at all", "PATCH", members + strconv.Itoa(off.ID), `{"notes":"x"}`, 403},
			{"demote the Guild Leader", "PATCH", members + strconv.Itoa(gl.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 2)), 403},
			{"deactivate the Guild Leader", "PATCH", members + strconv.Itoa(gl.ID), `{"is_active":false}`, 403},
			{"demote a peer", "PATCH", members + strconv.Itoa(off2.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 1)), 403},
			{"raise a member to officer", "PATCH", members + strconv.Itoa(mem.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 4)), 403},
			{"create a Guild Leader", "POST", "/api/v1/admin/members", fmt.Sprintf(`{"display_name":"Sock","guild_rank_id":%d}`, rankIDOf(t, db, 5)), 403},
			{"create rank 50", "POST", "/api/v1/admin/ranks", `{"name":"God","level":50}`, 403},
			{"raise Member's level", "PATCH", "/api/v1/admin/ranks/" + strconv.Itoa(rankIDOf(t, db, 2)), `{"level":4}`, 403},
			{"rename a rank", "PATCH", "/api/v1/admin/ranks/" + strconv.Itoa(rankIDOf(t, db, 2)), `{"name":"Grunt"}`, 403},
			{"delete a rank", "DELETE", "/api/v1/admin/ranks/" + strconv.Itoa(rankIDOf(t, db, 1)), "", 403},
			{"invite a Guild Leader", "POST", members + strconv.Itoa(ghost.ID) + "/send-invite", "", 403},
			// What an officer may do: below their own rank.
			{"promote a member to veteran", "PATCH", members + strconv.Itoa(mem.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 3)), 200},
			{"create a veteran", "POST", "/api/v1/admin/members", fmt.Sprintf(`{"display_name":"Newbie","guild_rank_id":%d}`, rankIDOf(t, db, 3)), 200},
		} {
			resp, body := apiCall(t, app, officer, tc.method, tc.path, tc.body)
			require.Equal(t, tc.status, resp.StatusCode, "%s: %s", tc.name, body)
		}
		require.Equal(t, 4, rankLevelOfPlayer(t, db, off.ID), "the officer is still an officer")
		require.Equal(t, 5, rankLevelOfPlayer(t, db, gl.ID))
		require.Equal(t, 3, rankLevelOfPlayer(t, db, mem.ID))
		var n int64
		require.NoError(t, db.Model(&models.Player{}).Where("display_name = ?", "Sock").Count(&n).Error)
		require.Zero(t, n)
		var member models.GuildRank
		require.NoError(t, db.Take(&member, rankIDOf(t, db, 3)).Error)

		// The Player Manager form refuses the same (403, nothing saved).
		b := newBrowser(t, app).loginAs(s, offUser)
		b.get("/admin/players")
		resp, _ := b.postForm("/admin/players/"+strconv.Itoa(off.ID)+"/rank", url.Values{"rank_id": {strconv.Itoa(rankIDOf(t, db, 5))}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = b.htmxSend("POST", "/admin/players/"+strconv.Itoa(gl.ID)+"/active", url.Values{"active": {"0"}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Equal(t, 4, rankLevelOfPlayer(t, db, off.ID))

		// The Guild Leader edits the rank table, within levels 1–5.
		resp, body := apiCall(t, app, leader, "POST", "/api/v1/admin/ranks", `{"name":"God","level":50}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.Contains(t, body, "Level must be between 1 and 5")
		resp, body = apiCall(t, app, leader, "PATCH", "/api/v1/admin/ranks/"+strconv.Itoa(rankIDOf(t, db, 2)), `{"level":4}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode, "levels stay unique: %s", body)
		resp, body = apiCall(t, app, leader, "PATCH", "/api/v1/admin/ranks/"+strconv.Itoa(rankIDOf(t, db, 2)), `{"name":"Grunt"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = apiCall(t, app, leader, "PATCH", members+strconv.Itoa(off2.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 3)))
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		// Not even the Guild Leader crowns a second Guild Leader or edits themselves.
		resp, _ = apiCall(t, app, leader, "PATCH", members+strconv.Itoa(mem.ID), fmt.Sprintf(`{"guild_rank_id":%d}`, rankIDOf(t, db, 5)))
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = apiCall(t, app, leader, "PATCH", members+strconv.Itoa(gl.ID), `{"is_active":false}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		// The audit log: the Guild Leader's page lists who did what; officers get 403.
		var actions []models.OfficerAction
		require.NoError(t, db.Order("id").Find(&actions).Error)
		var got []string
		for _, a := range actions {
			got = append(got, a.Action+" "+a.TargetName)
		}
		require.Equal(t, []string{"player.update Trog", "player.create Newbie", "rank.update Grunt", "player.update Other Officer"}, got)
		require.Equal(t, off.ID, *actions[0].ActorPlayerID)
		require.Contains(t, *actions[0].BeforeJSON, `"rank_level":2`)
		require.Contains(t, *actions[0].AfterJSON, `"rank_level":3`)
		resp, body = b.get("/admin/audit")
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		g := newBrowser(t, app).loginAs(s, glUser)
		resp, body = g.get("/admin/audit")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "player.update")
		require.Contains(t, body, "Sarge")
		require.Contains(t, body, "Other Officer")
		require.Contains(t, body, `href="/admin/audit"`, "the Guild Leader's sidebar links it")
		_, body = b.get("/admin/players")
		require.NotContains(t, body, `href="/admin/audit"`, "officers do not see the link")
	})
}

// Issue 10 item 2: the last active Guild Leader is never demoted, removed
// or deactivated, whoever asks (the system included).
func TestLastGuildLeaderStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		gl, _ := seedMember(t, db, "Boss", 5)
		_, err := identity.SetRankOverride(db, identity.System, gl.ID, rankIDOf(t, db, 4))
		require.ErrorIs(t, err, identity.ErrLastGuildLeader)
		_, err = identity.SetPlayerActive(db, identity.System, gl.ID, false)
		require.ErrorIs(t, err, identity.ErrLastGuildLeader)
		_, err = identity.UpdateRank(db, identity.System, rankIDOf(t, db, 5), identity.RankPatch{Level: identity.To(5)})
		require.NoError(t, err, "an unchanged level is fine")
		require.Equal(t, 5, rankLevelOfPlayer(t, db, gl.ID))

		heir, _ := seedMember(t, db, "Heir", 5)
		_, err = identity.SetRankOverride(db, identity.System, gl.ID, rankIDOf(t, db, 4))
		require.NoError(t, err, "with another Guild Leader the old one may step down")
		_, err = identity.SetPlayerActive(db, identity.System, heir.ID, false)
		require.ErrorIs(t, err, identity.ErrLastGuildLeader)
	})
}
