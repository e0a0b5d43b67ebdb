package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// The input layer answers bad text and numbers with a 422 naming the field,
// the same on both dialects (issue 10 item 6: on Postgres these were 500s).
func TestInputLayerNamesTheField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, leader := seedMember(t, db, "Layer Leader", identity.GuildLeaderLevel)
		b := newBrowser(t, app).loginAs(s, leader)

		for _, tc := range []struct{ method, path, body, field string }{
			{"POST", "/api/v1/guild/mito/quotes", `{"quote":"a\u0000b"}`, "quote"},
			{"POST", "/api/v1/guild/mito/titles", `{"title":"bell\u0007"}`, "title"},
			{"POST", "/api/v1/admin/ranks", `{"name":"Huge","level":2147483648}`, "level"},
			{"POST", "/api/v1/admin/ranks", `{"name":"Low","level":-2147483649}`, "level"},
			{"POST", "/api/v1/admin/campaigns", `{"title":"Vote\u0000","type":"ranked_choice"}`, "title"},
			{"POST", "/api/v1/admin/campaigns", `{"title":"Two\nlines"}`, "title"},
			{"POST", "/api/v1/admin/campaigns", `{"title":"ok","entries":[{"name":"x\u001b"}]}`, "name"},
		} {
			resp, body := b.sendJSON(tc.method, tc.path, tc.body)
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s %s: %s", tc.path, tc.body, body)
			var env Envelope
			require.NoError(t, json.Unmarshal([]byte(body), &env))
			require.Contains(t, env.Fields, tc.field, body)
		}

		// Bytes that are not UTF-8 at all: a 400 for a JSON body, a 422
		// naming the field for a form.
		resp, _ := b.sendJSON("POST", "/api/v1/guild/mito/quotes", "{\"quote\":\"\xff\xfe\"}")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)

		resp, body := b.postForm("/admin/reference-tables/seasons", url.Values{"name": {"Season\x00One"}, "start_date": {"2026-01-06"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
		require.Contains(t, body, "Name contains a control character (U&#43;0000)")
		resp, _ = b.postForm("/admin/reference-tables/seasons", url.Values{"name": {"Season \xff"}, "start_date": {"2026-01-06"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, body = b.postForm("/mitos-corner/quotes", url.Values{"text": {"2147483648 wipes\x00"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)

		// What stays allowed: line breaks in multi-line text, tabs, a number
		// that is only text, and Discord's 64-bit ids.
		resp, body = b.sendJSON("POST", "/api/v1/guild/mito/quotes", `{"quote":"line one\nline\ttwo"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = b.sendJSON("POST", "/api/v1/guild/mito/titles", `{"title":"99999999999"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var quote models.MitoQuote
		require.NoError(t, db.Where("quote = ?", "line one\nline\ttwo").Take(&quote).Error)

		// A query string and the path are checked too.
		resp, _ = b.get("/roster?q=a%00b")
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = b.get("/vote/2147483648")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestInputLayerLetsDiscordIdsThrough(t *testing.T) {
	for _, f := range []string{"discord_id", "discord_channel_id", "raid_helper_server_id", "raid_default_template_id", "discord_role_id", "raid_voice_channel_id"} {
		require.NoError(t, checkField(f, "1234567890123456789"), f)
	}
	require.Error(t, checkField("rank_id", "1234567890123456789"))
	require.Error(t, checkField("level", "2147483648"))
	require.NoError(t, checkField("level", "2147483647"))
	require.NoError(t, checkField("level", "-2147483648"))
}
