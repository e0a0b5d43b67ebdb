package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// Inline editing round trips of the Reference Tables page.
func TestReferenceTablesInlineEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)
		var vet models.GuildRank
		require.NoError(t, db.Where("level = 3").Take(&vet).Error)
		rowPath := fmt.Sprintf("/admin/reference-tables/ranks/%d", vet.ID)

		resp, _ := newBrowser(t, app).loginAs(s, memUser).get("/admin/reference-tables")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		// Officers read the rank table; only the Guild Leader changes it (issue 10).
		off := newBrowser(t, app).loginAs(s, offUser)
		off.get("/admin/reference-tables")
		resp, _ = off.htmxSend("PATCH", rowPath, url.Values{"name": {"Veteran"}, "scheduling_weight": {"4"}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		_, glUser := seedMember(t, db, "Leader5", 5)
		b := newBrowser(t, app).loginAs(s, glUser)
		resp, body := b.get("/admin/reference-tables")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		for _, want := range []string{"Guild Ranks", "Combat Roles", "Raid Seasons", "Death Knight", `data-class-color="#C41E3A"`,
			"Blood", fmt.Sprintf(`id="rank-%d"`, vet.ID), "Edits apply immediately"} {
			require.Contains(t, body, want)
		}

		// Edit → the row in edit mode.
		resp, body = b.get(rowPath+"/edit", "HX-Request", "true")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "row--editing")
		require.Contains(t, body, `name="scheduling_weight"`)
		require.Contains(t, body, `value="3"`)
		require.NotContains(t, body, "<html")

		// Save with a bad weight → 422, the edit row again with the message
		// and the submitted values.
		form := url.Values{"name": {"Veteran"}, "description": {"Key performer"}, "scheduling_weight": {"9"}, "wow_rank_index": {"2"}, "discord_role_id": {""}}
		resp, body = b.htmxSend("PATCH", rowPath, form)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "row--editing")
		require.Contains(t, body, "Scheduling weight must be between 0 and 5")
		require.Contains(t, body, `value="9"`)
		form.Set("discord_role_id", "12ab")
		form.Set("scheduling_weight", "4")
		resp, body = b.htmxSend("PATCH", rowPath, form)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "digits only")

		// Good save → the display row with the new value.
		form.Set("discord_role_id", "123456789012345678")
		resp, body = b.htmxSend("PATCH", rowPath, form)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "row--saved")
		require.Contains(t, body, `<td class="num">4</td>`)
		require.NotContains(t, body, "row--editing")
		require.NoError(t, db.Take(&vet, vet.ID).Error)
		require.Equal(t, 4, vet.SchedulingWeight)
		require.Equal(t, "123456789012345678", *vet.DiscordRoleID)
		require.Equal(t, "Key performer", *vet.Description)

		// Blank clears the optional fields.
		form.Set("discord_role_id", "")
		form.Set("wow_rank_index", "")
		resp, _ = b.htmxSend("PATCH", rowPath, form)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, db.Take(&vet, vet.ID).Error)
		require.Nil(t, vet.DiscordRoleID)
		require.Nil(t, vet.WowRankIndex)

		// Duplicate name → 409 with the message in the row, never a 500.
		form.Set("name", "Officer")
		resp, body = b.htmxSend("PATCH", rowPath, form)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "already exists")
		require.Contains(t, body, "row--editing")

		// Cancel → the stored row, unchanged.
		resp, body = b.get(rowPath, "HX-Request", "true")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "<strong>Veteran</strong>")

		// Without JavaScript: Edit is a page, Save a form post.
		resp, body = b.get("/admin/reference-tables?edit=rank-" + fmt.Sprint(vet.ID))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "row--editing")
		form.Set("name", "Veteran")
		form.Set("scheduling_weight", "2")
		resp, _ = b.postForm(rowPath, form)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		form.Set("scheduling_weight", "-1")
		resp, body = b.postForm(rowPath, form)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "<html")
		require.Contains(t, body, "Scheduling weight must be between 0 and 5")

		// Roles: the label changes, the key stays.
		resp, body = b.htmxSend("PATCH", "/admin/reference-tables/roles/1", url.Values{"display_name": {"Meat Shield"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Meat Shield")
		require.Contains(t, body, `<td class="mono">Tank</td>`)
		resp, _ = b.htmxSend("PATCH", "/admin/reference-tables/roles/1", url.Values{"display_name": {" "}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)

		// Seasons: create (row comes back), bad create (form, 422), toggle.
		resp, body = b.htmxSend("POST", "/admin/reference-tables/seasons", url.Values{"name": {"Undermine"}, "start_date": {"2025-03-01"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Undermine")
		require.Contains(t, body, "2025-03-01")
		resp, body = b.htmxSend("POST", "/admin/reference-tables/seasons", url.Values{"name": {"No date"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Equal(t, "#season-create", resp.Header.Get("HX-Retarget"))
		require.Contains(t, body, "start date are required")
		var se models.RaidSeason
		require.NoError(t, db.Where("name = ?", "Undermine").Take(&se).Error)
		resp, body = b.htmxSend("PATCH", fmt.Sprintf("/admin/reference-tables/seasons/%d", se.ID), url.Values{"name": {"Undermine"}, "is_active": {"0"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Inactive")
		resp, _ = b.get("/admin/reference-tables/seasons/99999/edit", "HX-Request", "true")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
