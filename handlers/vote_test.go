package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	"patt/voting"
)

// voteCampaign makes a campaign with entries; live unless draft is set.
func voteCampaign(t *testing.T, s *Server, mod func(*voting.Settings), live bool, names ...string) *models.Campaign {
	t.Helper()
	now := s.Now()
	st := voting.DefaultSettings(now)
	st.Title = "Guild Art Vote"
	st.Description = "Pick the best guild art."
	st.StartAt = now.Add(-time.Minute)
	st.EarlyCloseIfAllVoted = false
	if mod != nil {
		mod(&st)
	}
	c, err := voting.Create(s.DB, now, st, nil)
	require.NoError(t, err)
	for i, n := range names {
		n, i := n, i
		_, err := voting.AddEntry(s.DB, c.ID, voting.EntryPatch{Name: &n, SortOrder: &i})
		require.NoError(t, err)
	}
	if live {
		_, err = voting.Activate(s.DB, now, c.ID)
		require.NoError(t, err)
	}
	c, err = voting.Get(s.DB, c.ID)
	require.NoError(t, err)
	return c
}

func ballotForm(c *models.Campaign, names ...string) url.Values {
	f := url.Values{}
	for i, n := range names {
		for _, e := range c.Entries {
			if e.Name == n {
				f.Set(fmt.Sprintf("rank_%d", e.ID), fmt.Sprint(i+1))
			}
		}
	}
	return f
}

func picksJSON(c *models.Campaign, names ...string) string {
	var parts []string
	for i, n := range names {
		for _, e := range c.Entries {
			if e.Name == n {
				parts = append(parts, fmt.Sprintf(`{"entry_id":%d,"rank":%d}`, e.ID, i+1))
			}
		}
	}
	return `{"picks":[` + strings.Join(parts, ",") + `]}`
}

// Every page state of spec §8.1 and the P vectors of §10.5.
func TestVotePageStates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		live := voteCampaign(t, s, func(st *voting.Settings) { st.MinRankToVote = 2 }, true, "Dragon", "Phoenix", "Gryphon")
		_, veteranU := seedMember(t, db, "Vet", 3)
		_, initiateU := seedMember(t, db, "Newbie", 1)
		_, officerU := seedMember(t, db, "Boss", 4)
		path := fmt.Sprintf("/vote/%d", live.ID)

		// P6 public: anonymous sees the members-only panel, no form, no entries
		resp, body := get(t, app, path)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `data-state="public"`)
		assert.Contains(t, body, "Members-Only Campaign")
		assert.NotContains(t, body, "Dragon")
		assert.NotContains(t, body, "<form method=\"post\" action=\""+path)

		// P1 can_vote
		vet := newBrowser(t, app).loginAs(s, veteranU)
		resp, body = vet.get(path)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `data-state="can_vote"`)
		assert.Contains(t, body, `data-ballot`)
		for _, n := range []string{"Dragon", "Phoenix", "Gryphon"} {
			assert.Contains(t, body, n)
		}
		assert.Contains(t, body, "data-countdown=")
		assert.Contains(t, body, "js/sortable.min")
		assert.Contains(t, body, "js/vote.")

		// P2 view_only
		newbie := newBrowser(t, app).loginAs(s, initiateU)
		_, body = newbie.get(path)
		assert.Contains(t, body, `data-state="view_only"`)
		assert.Contains(t, body, "rank is not high enough")
		assert.Contains(t, body, "Dragon")
		assert.NotContains(t, body, "data-ballot")

		// a refused ballot keeps the form with the message (wrong count)
		resp, body = vet.postForm(path, ballotForm(live, "Dragon"))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "Expected 3 picks, got 1")
		assert.Contains(t, body, `data-state="can_vote"`)

		// P3 voted: the no-JS form (a rank select per entry) works
		resp, _ = vet.postForm(path, ballotForm(live, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, path, resp.Header.Get("Location"))
		_, body = vet.get(path)
		assert.Contains(t, body, `data-state="voted"`)
		assert.Contains(t, body, "Your vote is in!")
		assert.Contains(t, body, "Your Picks")
		assert.Contains(t, body, "Live Standings")
		assert.Contains(t, body, `hx-trigger="every 5s"`)
		assert.NotContains(t, body, "data-ballot")
		// a second ballot is 409 and the page says so
		resp, body = vet.postForm(path, ballotForm(live, "Gryphon", "Phoenix", "Dragon"))
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "already voted")

		// the polling fragment: voters only
		resp, body = vet.get(path + "/standings")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `id="standings"`)
		assert.Contains(t, body, "3 pts")
		resp, _ = newbie.get(path + "/standings")
		assert.Equal(t, 403, resp.StatusCode)

		// upcoming: officers see drafts, others get 404
		draft := voteCampaign(t, s, func(st *voting.Settings) { st.StartAt = s.Now().Add(48 * time.Hour) }, false, "A", "B", "C")
		boss := newBrowser(t, app).loginAs(s, officerU)
		_, body = boss.get(fmt.Sprintf("/vote/%d", draft.ID))
		assert.Contains(t, body, `data-state="upcoming"`)
		assert.Contains(t, body, "Coming Soon")
		assert.Contains(t, body, "Voting opens")
		resp, _ = vet.get(fmt.Sprintf("/vote/%d", draft.ID))
		assert.Equal(t, 404, resp.StatusCode)

		// P4 closed, anonymous: final results with a winner
		_, err := voting.Close(db, s.Now(), live.ID)
		require.NoError(t, err)
		resp, body = get(t, app, path)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `data-state="closed"`)
		assert.Contains(t, body, "Final Results")
		assert.Contains(t, body, "WINNER")
		assert.Contains(t, body, "Voting closed")
		assert.NotContains(t, body, "data-ballot")
		assert.NotContains(t, body, `hx-trigger="every 5s"`)

		// P5
		resp, body = get(t, app, "/vote/99999")
		assert.Equal(t, 404, resp.StatusCode)
		assert.Contains(t, body, "uncharted territory")

		// view rank: anonymous → login, member below → 403
		hidden := voteCampaign(t, s, func(st *voting.Settings) { v := 4; st.MinRankToView = &v }, true, "A", "B", "C")
		resp, _ = get(t, app, fmt.Sprintf("/vote/%d", hidden.ID))
		assert.Equal(t, 302, resp.StatusCode)
		assert.Contains(t, resp.Header.Get("Location"), "/login?next=")
		resp, _ = vet.get(fmt.Sprintf("/vote/%d", hidden.ID))
		assert.Equal(t, 403, resp.StatusCode)
	})
}

func TestVoteIRVPageShowsRounds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		c := voteCampaign(t, s, func(st *voting.Settings) { st.Type = voting.TypeIRV; st.PicksPerVoter = 2 }, true, "A", "B", "C")
		for i, b := range [][]string{{"A", "B"}, {"B", "A"}, {"C", "B"}} {
			p, _ := seedMember(t, db, fmt.Sprintf("V%d", i), 3)
			picks := []voting.Pick{}
			for r, n := range b {
				for _, e := range c.Entries {
					if e.Name == n {
						picks = append(picks, voting.Pick{EntryID: e.ID, Rank: r + 1})
					}
				}
			}
			require.NoError(t, voting.CastBallot(db, s.Now(), c.ID, p.ID, picks))
		}
		_, err := voting.Close(db, s.Now(), c.ID)
		require.NoError(t, err)
		_, body := get(t, app, fmt.Sprintf("/vote/%d", c.ID))
		assert.Contains(t, body, "Instant-runoff rounds")
		assert.Contains(t, body, "Round 2")
		assert.Contains(t, body, "eliminated")
	})
}

// P7, P8 and the admin editor flow through the pages.
func TestAdminCampaignPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, memberU := seedMember(t, db, "Member", 2)
		_, officerU := seedMember(t, db, "Officer", 4)

		resp, _ := get(t, app, "/admin/campaigns")
		assert.Equal(t, 302, resp.StatusCode)
		assert.Contains(t, resp.Header.Get("Location"), "/login")
		member := newBrowser(t, app).loginAs(s, memberU)
		resp, _ = member.get("/admin/campaigns")
		assert.Equal(t, 403, resp.StatusCode) // decision 2: the 403 page, not a login loop

		off := newBrowser(t, app).loginAs(s, officerU)
		resp, _ = off.get("/admin/")
		assert.Equal(t, 302, resp.StatusCode)
		assert.Equal(t, "/admin/campaigns", resp.Header.Get("Location"))
		resp, body := off.get("/admin/campaigns")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, "No campaigns yet")
		assert.Contains(t, body, `href="/admin/campaigns"`) // sidebar

		resp, body = off.get("/admin/campaigns/new")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `name="title"`)
		assert.Contains(t, body, `name="duration_hours"`)

		// validation errors beside the fields
		resp, body = off.postForm("/admin/campaigns/new", url.Values{"title": {""}, "duration_hours": {"0"},
			"min_rank_to_vote": {"3"}, "start_at": {s.Now().Format(datetimeLocal)}})
		assert.Equal(t, 422, resp.StatusCode)
		assert.Contains(t, body, "Title is required.")
		assert.Contains(t, body, "Duration must be between 1 and 8760 hours.")

		// The picker's wall clock is the guild's (America/New_York by default).
		startAt := s.Now().Add(time.Hour).Truncate(time.Minute)
		start := startAt.In(s.Config.GuildTimezone).Format(datetimeLocal)
		resp, _ = off.postForm("/admin/campaigns/new", url.Values{"title": {"Spring Art"}, "duration_hours": {"48"},
			"min_rank_to_vote": {"2"}, "start_at": {start}, "picks_per_voter": {"2"}, "type": {"borda"},
			"agent_enabled": {"on"}, "agent_chattiness": {"hype"}})
		require.Equal(t, 303, resp.StatusCode)
		loc := resp.Header.Get("Location")
		var id int
		_, err := fmt.Sscanf(loc, "/admin/campaigns/%d/edit", &id)
		require.NoError(t, err)
		c, err := voting.Get(db, id)
		require.NoError(t, err)
		assert.False(t, c.EarlyCloseIfAllVoted, "an unchecked box is false (§12.14)")
		assert.Equal(t, voting.TypeBorda, c.Type)
		assert.True(t, c.StartAt.Equal(startAt), "start %s entered on the guild clock is %s", start, startAt)
		_, body = off.get(fmt.Sprintf("/admin/campaigns/%d/edit", id))
		assert.Contains(t, body, `value="`+start+`"`, "the form shows the guild clock again")
		assert.Contains(t, body, "America/New_York", "the field says which clock it is")

		editPath := fmt.Sprintf("/admin/campaigns/%d", id)
		// entries: add (htmx fragment), errors inline, drive link normalised
		resp, body = off.postForm(editPath+"/entries", url.Values{"name": {""}})
		assert.Equal(t, 422, resp.StatusCode)
		assert.Contains(t, body, "Name is required.")
		for _, n := range []string{"Ember", "Frost", "Storm"} {
			resp, _ = off.postForm(editPath+"/entries", url.Values{"name": {n},
				"image_url": {"https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/view?usp=sharing"}})
			assert.Equal(t, 303, resp.StatusCode)
		}
		c, _ = voting.Get(db, id)
		require.Len(t, c.Entries, 3)
		assert.Equal(t, "https://lh3.googleusercontent.com/d/1AbCdEfGhIjKlMnOpQrStUvWxYz", *c.Entries[0].ImageURL)

		// reorder by drag (the POST htmx sends) and by the ↓ button
		order := fmt.Sprintf("%d,%d,%d", c.Entries[2].ID, c.Entries[0].ID, c.Entries[1].ID)
		req, _ := http.NewRequest("POST", editPath+"/entries/order", strings.NewReader(url.Values{"order": {order}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set(csrfHeader, off.csrf)
		resp, body = off.send(req)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `id="entries"`)
		assert.Less(t, strings.Index(body, "Storm"), strings.Index(body, "Ember"))
		resp, _ = off.postForm(fmt.Sprintf("%s/entries/%d/move", editPath, c.Entries[2].ID), url.Values{"dir": {"down"}})
		assert.Equal(t, 303, resp.StatusCode)
		c, _ = voting.Get(db, id)
		assert.Equal(t, []string{"Ember", "Storm", "Frost"}, []string{c.Entries[0].Name, c.Entries[1].Name, c.Entries[2].Name})

		// inline edit with a bad image → 422 and the row's error
		resp, body = off.postForm(fmt.Sprintf("%s/entries/%d", editPath, c.Entries[0].ID), url.Values{"name": {"Ember"}, "image_url": {"javascript:alert(1)"}})
		assert.Equal(t, 422, resp.StatusCode)
		assert.Contains(t, body, "Paste an image link")

		// activate before the start (issue 11 item 6): scheduled, locked,
		// not live; the locked summary names ranks, not levels (item 9)
		resp, _ = off.postForm(editPath+"/activate", url.Values{})
		assert.Equal(t, 303, resp.StatusCode)
		assert.Equal(t, editPath+"/edit?flash=campaign-scheduled", resp.Header.Get("Location"))
		resp, body = off.get(editPath + "/edit?flash=campaign-scheduled")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, "Settings locked while scheduled")
		assert.Contains(t, body, "voting opens by itself at")
		assert.Contains(t, body, "<dt>Min rank to vote</dt><dd>Member</dd>")
		assert.NotContains(t, body, "level 2")
		assert.Contains(t, body, "Borda count (2/1)")
		assert.NotContains(t, body, "campaign launch", "no launch post before it opens")
		_, body = off.get("/admin/campaigns")
		assert.Contains(t, body, "OPENS SOON")
		// the officer opens it early: live now, launch queued and shown
		resp, _ = off.postForm(editPath+"/open", url.Values{})
		assert.Equal(t, 303, resp.StatusCode)
		resp, body = off.get(editPath + "/edit?flash=campaign-live")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, "Campaign is now live!")
		assert.Contains(t, body, "Settings locked while live")
		assert.Contains(t, body, "campaign launch")
		assert.Contains(t, body, "pending")
		assert.Contains(t, body, "members voted")
		// A post Discord refused shows as failed with its reason.
		require.NoError(t, db.Model(&models.ContestAgentLog{}).Where("campaign_id = ?", id).
			Updates(map[string]any{"status": voting.MessageFailed, "last_error": "discord: HTTP 403, code 50013: Missing Permissions"}).Error)
		_, body = off.get(editPath + "/edit")
		assert.Contains(t, body, `badge--danger">failed</span>`)
		assert.Contains(t, body, "Not posted: discord: HTTP 403, code 50013: Missing Permissions")
		require.NoError(t, db.Model(&models.ContestAgentLog{}).Where("campaign_id = ?", id).
			Updates(map[string]any{"status": voting.MessagePending, "last_error": nil}).Error)
		// entries are locked
		resp, _ = off.postForm(editPath+"/entries", url.Values{"name": {"Late"}})
		assert.Equal(t, 409, resp.StatusCode)

		_, body = off.get("/admin/campaigns")
		assert.Contains(t, body, "Spring Art")
		assert.Contains(t, body, "LIVE")

		resp, _ = off.postForm(editPath+"/close", url.Values{})
		assert.Equal(t, 303, resp.StatusCode)
		_, body = off.get(editPath + "/edit")
		assert.Contains(t, body, "results are final")
		// a refused action redirects to the editor (not left on the POST URL)
		resp, _ = off.postForm(editPath+"/close", url.Values{})
		assert.Equal(t, 303, resp.StatusCode)
		assert.Equal(t, editPath+"/edit?flash=err-campaign-state", resp.Header.Get("Location"))
	})
}

func TestCampaignAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, officerU := seedMember(t, db, "Officer", 4)
		_, vetU := seedMember(t, db, "Vet", 3)
		_, newbieU := seedMember(t, db, "Newbie", 1)
		off, vet, newbie := tokenFor(t, s, officerU), tokenFor(t, s, vetU), tokenFor(t, s, newbieU)

		// create: 422 on missing fields, 400 on malformed JSON, 403 for members
		resp, _ := apiCall(t, app, off, "POST", "/api/v1/admin/campaigns", `{"title":"x"}`)
		assert.Equal(t, 422, resp.StatusCode)
		resp, _ = apiCall(t, app, off, "POST", "/api/v1/admin/campaigns", `{"title":`)
		assert.Equal(t, 400, resp.StatusCode)
		resp, _ = apiCall(t, app, vet, "POST", "/api/v1/admin/campaigns", `{}`)
		assert.Equal(t, 403, resp.StatusCode)
		start := s.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
		resp, body := apiCall(t, app, off, "POST", "/api/v1/admin/campaigns",
			`{"title":"API Vote","min_rank_to_vote":2,"start_at":"`+start+`","duration_hours":24,"early_close_if_all_voted":false}`)
		require.Equal(t, 201, resp.StatusCode, body)
		var created struct {
			Data CampaignDTO `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &created))
		id := created.Data.ID
		assert.Equal(t, "draft", created.Data.Status)
		base := fmt.Sprintf("/api/v1/admin/campaigns/%d", id)

		// drafts are hidden from non-officers
		resp, _ = apiCall(t, app, vet, "GET", fmt.Sprintf("/api/v1/campaigns/%d", id), "")
		assert.Equal(t, 404, resp.StatusCode)
		_, body = apiCall(t, app, "", "GET", "/api/v1/campaigns", "")
		assert.NotContains(t, body, "API Vote")

		// activate without entries → 409
		resp, body = apiCall(t, app, off, "POST", base+"/activate", "")
		assert.Equal(t, 409, resp.StatusCode, body)
		for _, n := range []string{"Dragon", "Phoenix", "Gryphon"} {
			resp, body = apiCall(t, app, off, "POST", base+"/entries", `{"name":"`+n+`"}`)
			require.Equal(t, 201, resp.StatusCode, body)
		}
		// PATCH distinguishes absent from null
		resp, body = apiCall(t, app, off, "PATCH", base, `{"description":"first","min_rank_to_view":null}`)
		require.Equal(t, 200, resp.StatusCode, body)
		assert.Contains(t, body, `"description":"first"`)
		resp, body = apiCall(t, app, off, "PATCH", base, `{"title":"API Vote"}`)
		assert.Contains(t, body, `"description":"first"`)
		resp, body = apiCall(t, app, off, "PATCH", base, `{"description":null}`)
		assert.Contains(t, body, `"description":null`)

		resp, _ = apiCall(t, app, off, "POST", base+"/activate", "")
		assert.Equal(t, 200, resp.StatusCode)
		resp, body = apiCall(t, app, off, "POST", base+"/activate", "")
		assert.Equal(t, 409, resp.StatusCode)
		assert.Contains(t, body, "already live")
		resp, body = apiCall(t, app, off, "PATCH", base, `{"title":"nope"}`)
		assert.Equal(t, 409, resp.StatusCode)
		assert.Contains(t, body, "draft")

		camp, err := voting.Get(db, id)
		require.NoError(t, err)
		pub := fmt.Sprintf("/api/v1/campaigns/%d", id)
		// H5
		resp, body = apiCall(t, app, "", "GET", "/api/v1/campaigns?status=live", "")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, "API Vote")
		// H1 and anonymous results
		resp, body = apiCall(t, app, vet, "GET", pub+"/results", "")
		assert.Equal(t, 403, resp.StatusCode)
		assert.Contains(t, body, "Vote to see live standings")
		resp, body = apiCall(t, app, "", "GET", pub+"/results", "")
		assert.Equal(t, 403, resp.StatusCode)
		assert.Contains(t, body, "Results not yet available")
		resp, _ = apiCall(t, app, vet, "GET", pub+"/my-vote", "")
		assert.Equal(t, 404, resp.StatusCode)

		// ballots: malformed 400, rank 403, ok, duplicate 409, anon 401
		resp, _ = apiCall(t, app, vet, "POST", pub+"/vote", `{"picks":[{"entry_id":"x"}]}`)
		assert.Equal(t, 400, resp.StatusCode)
		resp, _ = apiCall(t, app, vet, "POST", pub+"/vote", picksJSON(camp, "Dragon", "Dragon", "Phoenix"))
		assert.Equal(t, 400, resp.StatusCode)
		resp, body = apiCall(t, app, newbie, "POST", pub+"/vote", picksJSON(camp, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, 403, resp.StatusCode)
		assert.Contains(t, body, "rank")
		resp, _ = apiCall(t, app, "not-a-token", "POST", pub+"/vote", picksJSON(camp, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, 401, resp.StatusCode)
		resp, body = apiCall(t, app, vet, "POST", pub+"/vote", picksJSON(camp, "Dragon", "Phoenix", "Gryphon"))
		require.Equal(t, 200, resp.StatusCode, body)
		resp, body = apiCall(t, app, vet, "POST", pub+"/vote", picksJSON(camp, "Gryphon", "Phoenix", "Dragon"))
		assert.Equal(t, 409, resp.StatusCode)
		assert.Contains(t, body, "already voted")

		// H2: after voting, live results with 3 rows
		resp, body = apiCall(t, app, vet, "GET", pub+"/results", "")
		assert.Equal(t, 200, resp.StatusCode)
		var results struct {
			Data []ResultDTO `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &results))
		require.Len(t, results.Data, 3)
		assert.Equal(t, "Dragon", results.Data[0].Entry.Name)
		assert.Equal(t, 3, results.Data[0].WeightedScore)
		resp, body = apiCall(t, app, vet, "GET", pub+"/my-vote", "")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `"rank":1`)
		resp, body = apiCall(t, app, off, "GET", base+"/stats", "")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `"total_voted":1`)

		resp, _ = apiCall(t, app, off, "POST", base+"/close", "")
		assert.Equal(t, 200, resp.StatusCode)
		// H3
		resp, _ = apiCall(t, app, "", "GET", pub+"/results", "")
		assert.Equal(t, 200, resp.StatusCode)
		// results/live stays voters-only after close
		resp, _ = apiCall(t, app, newbie, "GET", pub+"/results/live", "")
		assert.Equal(t, 403, resp.StatusCode)

		// H4
		resp, body = apiCall(t, app, off, "POST", "/api/v1/admin/campaigns",
			`{"title":"Officers only","min_rank_to_vote":3,"min_rank_to_view":3,"start_at":"`+start+`","duration_hours":24}`)
		require.Equal(t, 201, resp.StatusCode)
		require.NoError(t, json.Unmarshal([]byte(body), &created))
		for _, n := range []string{"A", "B", "C"} {
			apiCall(t, app, off, "POST", fmt.Sprintf("/api/v1/admin/campaigns/%d/entries", created.Data.ID), `{"name":"`+n+`"}`)
		}
		apiCall(t, app, off, "POST", fmt.Sprintf("/api/v1/admin/campaigns/%d/activate", created.Data.ID), "")
		resp, body = apiCall(t, app, newbie, "GET", fmt.Sprintf("/api/v1/campaigns/%d", created.Data.ID), "")
		assert.Equal(t, 403, resp.StatusCode)
		assert.Contains(t, body, "Insufficient rank")
		resp, _ = apiCall(t, app, "", "GET", "/api/v1/campaigns/99999", "")
		assert.Equal(t, 404, resp.StatusCode)
	})
}

func TestLandingVoteCardsAndNav(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		live := voteCampaign(t, s, nil, true, "A", "B", "C")
		voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Secret Draft" }, false, "A", "B", "C")
		older := voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Older Results" }, true, "A", "B", "C")
		_, err := voting.Close(db, s.Now().Add(-time.Hour), older.ID)
		require.NoError(t, err)
		newer := voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Newer Results" }, true, "A", "B", "C")
		_, err = voting.Close(db, s.Now(), newer.ID)
		require.NoError(t, err)

		_, body := get(t, app, "/")
		assert.Contains(t, body, "Active Votes")
		assert.Contains(t, body, "Guild Art Vote")
		assert.NotContains(t, body, "Secret Draft")
		assert.Less(t, strings.Index(body, "Newer Results"), strings.Index(body, "Older Results"))

		_, u := seedMember(t, db, "Vet", 3)
		b := newBrowser(t, app).loginAs(s, u)
		_, body = b.get(fmt.Sprintf("/vote/%d", older.ID))
		// the header's Vote link lists every vote (issue 11 item 8)
		assert.Contains(t, body, `<a href="/vote" class="is-active">Vote</a>`)
		_, body = b.get("/vote")
		assert.Contains(t, body, fmt.Sprintf(`href="/vote/%d"`, live.ID))
	})
}
