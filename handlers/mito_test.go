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
	"patt/models"
)

// Mito writes need an officer: a visitor gets 401, a member 403, an
// officer (Bearer or cookie + CSRF) succeeds. Reads are open (spec §10.4).
func TestMitoAPIPermissionsAndFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, member := seedMember(t, db, "Grunt", 2)
		_, officer := seedMember(t, db, "Boss", 4)
		memberTok, officerTok := tokenFor(t, s, member), tokenFor(t, s, officer)

		resp, body := get(t, app, "/api/v1/guild/mito")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.JSONEq(t, `{"ok":true,"data":{"quotes":[],"titles":[]}}`, body)

		// A visitor's browser (CSRF token, no session) is told to log in;
		// a bare request without cookies is refused before that by CSRF.
		anon := newBrowser(t, app)
		anon.get("/mitos-corner")
		resp, body = anon.sendJSON("POST", "/api/v1/guild/mito/quotes", `{"quote":"Less QQ more pew pew"}`)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		require.Contains(t, body, `"ok":false`)
		resp, _ = apiCall(t, app, "", "POST", "/api/v1/guild/mito/quotes", `{"quote":"Less QQ more pew pew"}`)
		require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, resp.StatusCode)
		resp, body = apiCall(t, app, memberTok, "POST", "/api/v1/guild/mito/quotes", `{"quote":"Less QQ more pew pew"}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		require.Contains(t, body, `"ok":false`)

		resp, body = apiCall(t, app, officerTok, "POST", "/api/v1/guild/mito/quotes", `{"quote":"  Less QQ more pew pew  "}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var created struct {
			Data struct {
				ID    int    `json:"id"`
				Quote string `json:"quote"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &created))
		require.Equal(t, "Less QQ more pew pew", created.Data.Quote, "trimmed")
		id := strconv.Itoa(created.Data.ID)

		resp, body = apiCall(t, app, officerTok, "POST", "/api/v1/guild/mito/titles", `{"title":"Bubble Hearth Champion"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		_, body = get(t, app, "/api/v1/guild/mito")
		require.Contains(t, body, `"quote":"Less QQ more pew pew"`)
		require.Contains(t, body, `"title":"Bubble Hearth Champion"`)

		resp, _ = apiCall(t, app, memberTok, "PUT", "/api/v1/guild/mito/quotes/"+id, `{"quote":"hacked"}`)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, body = apiCall(t, app, officerTok, "PUT", "/api/v1/guild/mito/quotes/"+id, `{"quote":"Updated quote"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, `"quote":"Updated quote"`)
		resp, _ = apiCall(t, app, officerTok, "PUT", "/api/v1/guild/mito/quotes/99999", `{"quote":"x"}`)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, _ = apiCall(t, app, officerTok, "POST", "/api/v1/guild/mito/quotes", `{"quote":"   "}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		resp, _ = apiCall(t, app, officerTok, "POST", "/api/v1/guild/mito/quotes", `{not json`)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)

		resp, _ = anon.sendJSON("DELETE", "/api/v1/guild/mito/quotes/"+id, "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		// An officer's browser session works too (cookie + CSRF header).
		ob := newBrowser(t, app).loginAs(s, officer)
		resp, body = ob.sendJSON("POST", "/api/v1/guild/mito/titles", `{"title":"Cookie Title"}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		resp, body = apiCall(t, app, officerTok, "DELETE", "/api/v1/guild/mito/quotes/"+id, "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.JSONEq(t, `{"ok":true}`, body)
		_, body = get(t, app, "/api/v1/guild/mito")
		require.NotContains(t, body, "Updated quote")
		resp, _ = apiCall(t, app, officerTok, "DELETE", "/api/v1/guild/mito/quotes/"+id, "")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func TestMitosCornerPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		require.NoError(t, db.Create(&models.MitoQuote{Quote: "Stand <b>out</b> of the fire"}).Error)
		require.NoError(t, db.Create(&models.MitoTitle{Title: "Keeper of the Bubble"}).Error)

		// Everyone reads; only officers see the edit controls.
		resp, body := get(t, app, "/mitos-corner")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Mito's Corner")
		require.Contains(t, body, "Stand &lt;b&gt;out&lt;/b&gt; of the fire")
		require.NotContains(t, body, "Add quote")
		_, body = get(t, app, "/mitos-corner?tab=titles")
		require.Contains(t, body, "Keeper of the Bubble")
		_, body = get(t, app, "/mitos-corner?tab=preview")
		require.Contains(t, body, "Keeper of the Bubble")
		require.Contains(t, body, "Shuffle")
		_, body = get(t, app, "/mitos-corner/preview", "HX-Request", "true")
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<section id="mito-preview"`))

		resp, _ = get(t, app, "/mitos-corner.html")
		require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
		require.Equal(t, "/mitos-corner", resp.Header.Get("Location"))

		// A visitor posting is sent to log in; a member is refused.
		anon := newBrowser(t, app)
		anon.get("/mitos-corner")
		resp, _ = anon.postForm("/mitos-corner/quotes", url.Values{"text": {"sneaky"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Location"), "/login")
		_, member := seedMember(t, db, "Grunt", 3)
		mb := newBrowser(t, app).loginAs(s, member)
		resp, _ = mb.postForm("/mitos-corner/quotes", url.Values{"text": {"sneaky"}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		var n int64
		db.Model(&models.MitoQuote{}).Count(&n)
		require.EqualValues(t, 1, n)

		// An officer adds (htmx: the list comes back), edits and deletes.
		_, officer := seedMember(t, db, "Boss", 5)
		ob := newBrowser(t, app).loginAs(s, officer)
		_, body = ob.get("/mitos-corner")
		require.Contains(t, body, "Add quote")
		req := htmxForm(t, ob, "/mitos-corner/quotes", url.Values{"text": {"Bubble first, ask later"}})
		resp, body = ob.send(req)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.True(t, strings.HasPrefix(strings.TrimSpace(body), `<section id="mito-quotes"`))
		require.Contains(t, body, "Bubble first, ask later")

		resp, body = ob.send(htmxForm(t, ob, "/mitos-corner/quotes", url.Values{"text": {"  "}}))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "Please write something first.")

		var q models.MitoQuote
		require.NoError(t, db.Where("quote = ?", "Bubble first, ask later").Take(&q).Error)
		id := strconv.Itoa(q.ID)
		_, body = ob.get("/mitos-corner/quotes/"+id+"/edit", "HX-Request", "true")
		require.Contains(t, body, "<textarea")
		resp, body = ob.send(htmxForm(t, ob, "/mitos-corner/quotes/"+id, url.Values{"text": {"Bubble first, always"}}))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Bubble first, always")
		require.NotContains(t, body, "<textarea")

		// Without JavaScript: a plain form posts and redirects back.
		resp, _ = ob.postForm("/mitos-corner/quotes/"+id+"/delete", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, "/mitos-corner?tab=quotes&flash=mito-deleted", resp.Header.Get("Location"))
		require.Error(t, db.Where("id = ?", q.ID).Take(&models.MitoQuote{}).Error)
	})
}

// htmxForm is a form POST as htmx sends it: CSRF in the header.
func htmxForm(t *testing.T, b *browser, path string, form url.Values) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, b.csrf)
	return req
}
