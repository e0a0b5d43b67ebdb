package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/addon"
	"patt/addon/wowsim"
	"patt/dbtest"
	"patt/models"
	"patt/sync/addonupload"
)

// savedVariablesFile is what the addon writes after /pattsync, through the
// simulator: the real file format the companion uploads.
func savedVariablesFile(t *testing.T, at time.Time, note string) []byte {
	t.Helper()
	c := wowsim.New(at)
	defer c.Close()
	c.Roster = []wowsim.Member{
		{FullName: "Trogmoon-Senjin", RankIndex: 1, RankName: "Officer", Level: 80, Note: note, OfficerNote: "Discord: trog", Online: true, GUID: "Player-3676-0ABCDEF1"},
		{FullName: "Nobody-Senjin", RankIndex: 4, Level: 10},
	}
	require.NoError(t, c.LoadAddon())
	require.NoError(t, c.Slash("/pattsync"))
	return c.SavedVariables(addon.SavedVariable)
}

type uploadEnvelope struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Data  struct {
		addonupload.Result
		Matching string `json:"matching"`
	} `json:"data"`
}

func TestAddonUploadEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		s.Config.AddonAPIKey = "legacy-shared-secret"
		trog := models.Character{Name: "Trogmoon", RealmSlug: "senjin"}
		require.NoError(t, db.Create(&trog).Error)
		_, key, err := addonupload.CreateUploader(t.Context(), db, "Trog's PC", nil, time.Now())
		require.NoError(t, err)

		send := func(path, key, ct string, body []byte, headers ...string) (int, uploadEnvelope, http.Header) {
			t.Helper()
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
			if key != "" {
				req.Header.Set("X-API-Key", key)
			}
			req.Header.Set("Content-Type", ct)
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			resp, raw := do(t, app, req)
			var env uploadEnvelope
			require.NoError(t, json.Unmarshal([]byte(raw), &env), raw)
			require.Equal(t, resp.StatusCode == 200, env.OK, raw)
			return resp.StatusCode, env, resp.Header
		}
		file := savedVariablesFile(t, time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC), "GM / Mike")

		status, env, _ := send(addonUploadPath, "", "text/x-lua", file)
		require.Equal(t, http.StatusUnauthorized, status)
		require.Contains(t, env.Error, "Invalid API key")
		status, env, _ = send(addonUploadPath, key+"x", "text/x-lua", file)
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, "Invalid API key.", env.Error)

		status, env, _ = send(addonUploadPath, key, "text/x-lua", file)
		require.Equal(t, http.StatusOK, status, env.Error)
		require.Equal(t, "applied", env.Data.Status)
		require.Equal(t, 2, env.Data.Received)
		require.Equal(t, 1, env.Data.Updated)
		require.Equal(t, []string{"Nobody-Senjin"}, env.Data.NotFound)
		require.Equal(t, "not available", env.Data.Matching, "no matching job registered in this test")
		require.NoError(t, db.First(&trog, trog.ID).Error)
		require.Equal(t, "GM / Mike", *trog.AddonNote)
		require.Equal(t, "Discord: trog", *trog.AddonOfficerNote)

		status, env, _ = send(addonUploadPath, key, "text/x-lua", file)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "duplicate", env.Data.Status, "the same export twice changes nothing")
		require.Equal(t, "not needed", env.Data.Matching)

		// Bad payloads: 400 malformed, 422 for content the site refuses, 413 too big.
		status, env, _ = send(addonUploadPath, key, "text/x-lua", []byte("PATTSyncDB = { lastExport = "))
		require.Equal(t, http.StatusBadRequest, status)
		require.Contains(t, env.Error, "not valid Lua")
		status, env, _ = send(addonUploadPath, key, "text/x-lua", []byte("PATTSyncDB = { lastExport = { schemaVersion = 7, exportTime = 5, characters = { { name = \"A\" } } } }"))
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, env.Error, "Unknown export schema version 7")
		status, env, _ = send(addonUploadPath, key, "text/x-lua", []byte("PATTSyncDB = { lastExport = { schemaVersion = 2, exportTime = 5, characters = {} } }"))
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, env.Error, "No character data provided")
		big := append([]byte("PATTSyncDB = { x = \""), make([]byte, addonupload.MaxBodyBytes)...)
		status, env, _ = send(addonUploadPath, key, "text/x-lua", big)
		require.Equal(t, http.StatusRequestEntityTooLarge, status)
		require.Contains(t, env.Error, "Upload too large")
		status, env, _ = send(addonUploadPath, key, "application/json", []byte(`{"characters": [`))
		require.Equal(t, http.StatusBadRequest, status)
		require.Contains(t, env.Error, "not valid JSON")

		// The original companion: legacy path, legacy key, JSON, export time in a header.
		legacy := []byte(`{"characters":[{"name":"Trogmoon","realm":"Senjin","guild_note":"from the old companion","officer_note":""}],"addon_version":"1.0.0","uploaded_by":"companion_app"}`)
		status, env, _ = send(addonUploadLegacyPath, "legacy-shared-secret", "application/json", legacy, "X-Export-Time", "1900000000")
		require.Equal(t, http.StatusOK, status, env.Error)
		require.Equal(t, "applied", env.Data.Status)
		require.NoError(t, db.First(&trog, trog.ID).Error)
		require.Equal(t, "from the old companion", *trog.AddonNote)
		var up models.AddonUpload
		require.NoError(t, db.Where("export_time = ?", 1900000000).First(&up).Error)
		require.Equal(t, addonupload.LegacyUploaderName, up.UploaderName)
	})
}

func TestAddonUploadRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		for i := 0; i < addonUploadLimit; i++ {
			req := httptest.NewRequest(http.MethodPost, addonUploadPath, strings.NewReader("x"))
			resp, _ := do(t, app, req)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
		req := httptest.NewRequest(http.MethodPost, addonUploadPath, strings.NewReader("x"))
		resp, body := do(t, app, req)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.NotEmpty(t, resp.Header.Get("Retry-After"))
		require.Contains(t, body, `"ok":false`)
		require.Contains(t, body, "Too many uploads")
	})
}

func TestAddonUploaderKeysPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		_, memUser := seedMember(t, db, "Member2", 2)

		resp, _ := newBrowser(t, app).loginAs(s, memUser).get("/admin/addon-uploaders")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = get(t, app, "/admin/addon-uploaders")
		require.Equal(t, http.StatusFound, resp.StatusCode, "a visitor is sent to log in")

		b := newBrowser(t, app).loginAs(s, offUser)
		resp, body := b.get("/admin/addon-uploaders")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "No keys yet")
		require.Contains(t, body, "Addon Uploads")

		// A create without the CSRF token is refused.
		req := httptest.NewRequest(http.MethodPost, "/admin/addon-uploaders", strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "")
		resp, _ = newBrowser(t, app).loginAs(s, offUser).send(req)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		resp, body = b.postForm("/admin/addon-uploaders", url.Values{"name": {"  "}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "Give the key a name")

		resp, body = b.postForm("/admin/addon-uploaders", url.Values{"name": {"Trog's PC"}})
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		key := regexp.MustCompile(`pattk_[0-9a-f]{8}_[0-9a-f]{48}`).FindString(body)
		require.NotEmpty(t, key, "the new key is shown once")
		require.Contains(t, body, "shown only this once")
		require.Contains(t, body, "patt-companion -server "+s.Config.BaseURL+" -key "+key+" -save", "the companion's setup line is ready to paste")

		resp, body = b.get("/admin/addon-uploaders")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotContains(t, body, key, "never shown again")
		require.Contains(t, body, key[:14]+"…")
		require.Contains(t, body, "never")

		// The key works; the page then shows its use and the upload.
		_, err := addonupload.Authenticate(t.Context(), db, "", key, s.Now())
		require.NoError(t, err)
		resp, body = b.get("/admin/addon-uploaders", "HX-Request", "true")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotContains(t, body, "<html")
		require.NotContains(t, body, ">never<")

		var u models.AddonUploader
		require.NoError(t, db.Where("name = ?", "Trog's PC").First(&u).Error)
		resp, body = b.postForm("/admin/addon-uploaders/"+strconv.Itoa(u.ID)+"/revoke", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "revoked")
		_, err = addonupload.Authenticate(t.Context(), db, "", key, s.Now())
		require.Error(t, err)

		resp, _ = b.postForm("/admin/addon-uploaders/99999/revoke", nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
