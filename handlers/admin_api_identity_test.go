package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// envelopeOf decodes a JSON envelope.
func envelopeOf(t *testing.T, body string) (ok bool, data json.RawMessage, errMsg string) {
	t.Helper()
	var env struct {
		OK    bool            `json:"ok"`
		Data  json.RawMessage `json:"data"`
		Error string          `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &env), body)
	return env.OK, env.Data, env.Error
}

func dataMap(t *testing.T, body string) map[string]any {
	t.Helper()
	ok, data, msg := envelopeOf(t, body)
	require.True(t, ok, msg)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

// HTTP vectors of identity §10.4 for the admin API, with decision 1's
// status codes instead of the original's 200 + ok:false.
func TestAdminAPIRanksByRank(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, member := seedMember(t, db, "Member2", 2)
		_, officer := seedMember(t, db, "Officer4", 4)

		resp, _ := apiCall(t, app, "", "GET", "/api/v1/admin/ranks", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		resp, _ = apiCall(t, app, tokenFor(t, s, member), "GET", "/api/v1/admin/ranks", "")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		tok := tokenFor(t, s, officer)
		resp, body := apiCall(t, app, tok, "GET", "/api/v1/admin/ranks", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		ok, data, _ := envelopeOf(t, body)
		require.True(t, ok)
		var ranks []map[string]any
		require.NoError(t, json.Unmarshal(data, &ranks))
		require.Len(t, ranks, 5)
		require.Equal(t, "Initiate", ranks[0]["name"])
		require.EqualValues(t, 4, ranks[0]["wow_rank_index"])

		// The rank table is the Guild Leader's (issue 10): officers read it only.
		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/ranks", `{"name":"Legend_cr","level":3}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		_, leader := seedMember(t, db, "Leader5", 5)
		tok = tokenFor(t, s, leader)
		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/ranks", `{"name":"Legend_cr","level":99}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "levels stay 1–5: %s", body)
		var vet models.GuildRank
		require.NoError(t, db.Where("level = 3").Take(&vet).Error)
		resp, body = apiCall(t, app, tok, "DELETE", fmt.Sprintf("/api/v1/admin/ranks/%d", vet.ID), "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/ranks", `{"name":"Legend_cr","level":3}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		legend := dataMap(t, body)
		require.Equal(t, "Legend_cr", legend["name"])
		require.EqualValues(t, 3, legend["level"])
		id := int(legend["id"].(float64))

		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/ranks", `{"name":"Other","level":3}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "already exists")
		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/ranks", `{"name":"NoLevel"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/ranks", `{"name":`)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)

		// PATCH: absent fields stay, null clears, duplicates 409, bad values 422.
		path := fmt.Sprintf("/api/v1/admin/ranks/%d", id)
		resp, body = apiCall(t, app, tok, "PATCH", path, `{"description":"Top","discord_role_id":"42","wow_rank_index":7}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = apiCall(t, app, tok, "PATCH", path, `{"discord_role_id":null,"wow_rank_index":null}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		got := dataMap(t, body)
		require.Nil(t, got["discord_role_id"])
		require.Nil(t, got["wow_rank_index"])
		require.Equal(t, "Top", got["description"], "absent field untouched")
		resp, body = apiCall(t, app, tok, "PATCH", path, `{"name":"Officer"}`)
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		resp, _ = apiCall(t, app, tok, "PATCH", path, `{"scheduling_weight":9}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "PATCH", path, `{"scheduling_weight":"high"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "PATCH", "/api/v1/admin/ranks/99999", `{"name":"x"}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		// DELETE: the Member rank is in use → 409; the new one goes.
		var memberRank models.GuildRank
		require.NoError(t, db.Where("level = 2").Take(&memberRank).Error)
		resp, body = apiCall(t, app, tok, "DELETE", fmt.Sprintf("/api/v1/admin/ranks/%d", memberRank.ID), "")
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		require.Contains(t, body, "in use")
		resp, body = apiCall(t, app, tok, "DELETE", path, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, true, dataMap(t, body)["deleted"])
		resp, _ = apiCall(t, app, tok, "DELETE", path, "")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestAdminAPIMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, officer := seedMember(t, db, "Officer4", 4)
		tok := tokenFor(t, s, officer)
		var vet models.GuildRank
		require.NoError(t, db.Where("level = 3").Take(&vet).Error)

		resp, body := apiCall(t, app, tok, "POST", "/api/v1/admin/members", `{"display_name":"Newbie"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		created := dataMap(t, body)
		require.Equal(t, "Newbie", created["display_name"])
		id := int(created["id"].(float64))

		resp, body = apiCall(t, app, tok, "PATCH", fmt.Sprintf("/api/v1/admin/members/%d", id), fmt.Sprintf(`{"guild_rank_id":%d}`, vet.ID))
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.EqualValues(t, vet.ID, dataMap(t, body)["guild_rank_id"])

		resp, body = apiCall(t, app, tok, "GET", fmt.Sprintf("/api/v1/admin/members/%d", id), "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, []any{}, dataMap(t, body)["characters"])

		resp, body = apiCall(t, app, tok, "GET", "/api/v1/admin/members/99999", "")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		ok, _, msg := envelopeOf(t, body)
		require.False(t, ok)
		require.Equal(t, "Player 99999 not found", msg)

		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/members", `{"display_name":"  "}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, tok, "PATCH", fmt.Sprintf("/api/v1/admin/members/%d", id), `{"is_active":"false"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "JSON booleans only")

		resp, body = apiCall(t, app, tok, "POST", fmt.Sprintf("/api/v1/admin/members/%d/send-invite", id), "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		inv := dataMap(t, body)
		require.Len(t, inv["code"], 8)
		require.Contains(t, inv["url"], "/register?code=")
		require.Equal(t, false, inv["dm_sent"])
		resp, _ = apiCall(t, app, tok, "POST", fmt.Sprintf("/api/v1/admin/members/%d/send-invite", officer.ID), "")
		require.NotEqual(t, http.StatusOK, resp.StatusCode)

		resp, body = apiCall(t, app, tok, "GET", "/api/identity/players", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `"Newbie"`)
		require.Contains(t, body, `"state":"open"`)
	})
}

func TestAdminAPIReferenceData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, officer := seedMember(t, db, "Officer4", 4)
		tok := tokenFor(t, s, officer)

		_, body := apiCall(t, app, tok, "GET", "/api/v1/admin/specializations", "")
		ok, data, _ := envelopeOf(t, body)
		require.True(t, ok)
		var specs []map[string]any
		require.NoError(t, json.Unmarshal(data, &specs))
		require.Len(t, specs, 39)
		require.Equal(t, "Death Knight", specs[0]["class_name"])
		require.Equal(t, "blood-death-knight", specs[0]["wowhead_slug"])
		require.Equal(t, "Tank", specs[0]["default_role"])

		_, body = apiCall(t, app, tok, "GET", "/api/v1/admin/classes", "")
		require.Contains(t, body, `"color_hex":"#C69B6D"`)

		resp, body := apiCall(t, app, tok, "PATCH", "/api/v1/admin/roles/1", `{"display_name":"Meat Shield"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		role := dataMap(t, body)
		require.Equal(t, "Tank", role["name"])
		require.Equal(t, "Meat Shield", role["display_name"])
		resp, _ = apiCall(t, app, tok, "PATCH", "/api/v1/admin/roles/99", `{"display_name":"x"}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		resp, body = apiCall(t, app, tok, "POST", "/api/v1/admin/seasons", `{"name":"Liberation of Undermine","start_date":"2025-03-01"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		se := dataMap(t, body)
		require.Equal(t, "2025-03-01", se["start_date"])
		require.Equal(t, true, se["is_active"])
		resp, _ = apiCall(t, app, tok, "POST", "/api/v1/admin/seasons", `{"name":"Bad","start_date":"03/01/2025"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		sid := int(se["id"].(float64))
		resp, body = apiCall(t, app, tok, "PATCH", fmt.Sprintf("/api/v1/admin/seasons/%d", sid), `{"is_active":false}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, false, dataMap(t, body)["is_active"])
		resp, _ = apiCall(t, app, tok, "PATCH", fmt.Sprintf("/api/v1/admin/seasons/%d", sid), `{"start_date":"2025-04-01"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "start date is immutable")
		resp, _ = apiCall(t, app, tok, "PATCH", "/api/v1/admin/seasons/99999", `{"name":"x"}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
