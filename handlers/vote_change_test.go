package handlers

import (
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

// Issue 11 item 6: a campaign activated before its start is scheduled:
// members see when it opens and its entries, a ballot is refused with that
// time, and at the start it opens by itself (here: on the next read).
func TestScheduledCampaignPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		start := s.Now().Add(3 * time.Hour).Truncate(time.Minute)
		camp := voteCampaign(t, s, func(st *voting.Settings) { st.StartAt = start }, true, "Dragon", "Phoenix", "Gryphon")
		require.Equal(t, voting.StatusScheduled, camp.Status)
		_, vetU := seedMember(t, db, "Vet", 3)
		vet := newBrowser(t, app).loginAs(s, vetU)
		path := fmt.Sprintf("/vote/%d", camp.ID)

		resp, body := vet.get(path)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, `data-state="upcoming"`)
		assert.Contains(t, body, "OPENS SOON")
		assert.Contains(t, body, "Voting has not opened yet")
		assert.Contains(t, body, "Phoenix", "members see the entries ahead")
		assert.NotContains(t, body, "data-ballot")

		resp, body = vet.postForm(path, ballotForm(camp, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "Voting has not opened yet")
		assert.Contains(t, body, "opens at")
		resp, body = apiCall(t, app, tokenFor(t, s, vetU), "POST", fmt.Sprintf("/api/v1/campaigns/%d/vote", camp.ID),
			picksJSON(camp, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "not live")

		// a visitor sees it is coming but not the entries
		_, body = get(t, app, path)
		assert.Contains(t, body, `data-state="upcoming"`)
		assert.NotContains(t, body, "Phoenix")

		// at the start time it is live: the ballot appears and is taken
		s.Now = func() time.Time { return start.Add(time.Second) }
		_, body = vet.get(path)
		assert.Contains(t, body, `data-state="can_vote"`)
		resp, _ = vet.postForm(path, ballotForm(camp, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		c, err := voting.Get(db, camp.ID)
		require.NoError(t, err)
		assert.Equal(t, voting.StatusLive, c.Status)
		assert.True(t, c.StartAt.Equal(start), "opens at its start, not at activation")
	})
}

// Issue 11 item 7 on the page: the voted state says the ballot can change
// until close, Change brings back the ballot prefilled, saving replaces
// the picks (still one ballot), and once closed the offer is gone.
func TestChangeBallotPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		camp := voteCampaign(t, s, nil, true, "Dragon", "Phoenix", "Gryphon", "Wyvern")
		vetP, vetU := seedMember(t, db, "Vet", 3)
		_, newbieU := seedMember(t, db, "Newbie", 1)
		vet := newBrowser(t, app).loginAs(s, vetU)
		path := fmt.Sprintf("/vote/%d", camp.ID)

		resp, _ := vet.postForm(path, ballotForm(camp, "Dragon", "Phoenix", "Gryphon"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, body := vet.get(path)
		assert.Contains(t, body, `data-state="voted"`)
		assert.Contains(t, body, "You can change your ballot until the vote closes")
		assert.Contains(t, body, `href="`+path+`?change=1"`)

		// Change: the ballot again, prefilled with the current ranks
		_, body = vet.get(path + "?change=1")
		assert.Contains(t, body, `data-state="can_vote"`)
		assert.Contains(t, body, `name="change" value="1"`)
		assert.Contains(t, body, "Save Changed Ballot")
		for i, n := range []string{"Dragon", "Phoenix", "Gryphon"} {
			sel := fmt.Sprintf(`name="rank_%d"`, entryIDOf(camp, n))
			j := strings.Index(body, sel)
			require.Greater(t, j, 0, n)
			k := strings.Index(body[j:], "</select>")
			assert.Contains(t, body[j:j+k], fmt.Sprintf(`<option value="%d" selected>`, i+1), "%s keeps rank %d", n, i+1)
		}
		sel := fmt.Sprintf(`name="rank_%d"`, entryIDOf(camp, "Wyvern"))
		j := strings.Index(body, sel)
		k := strings.Index(body[j:], "</select>")
		assert.NotContains(t, body[j:j+k], "selected")

		// a bad change keeps the form in change mode with the message
		bad := ballotForm(camp, "Wyvern")
		bad.Set("change", "1")
		resp, body = vet.postForm(path, bad)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "Expected 3 picks")
		assert.Contains(t, body, `name="change" value="1"`)

		form := ballotForm(camp, "Wyvern", "Gryphon", "Dragon")
		form.Set("change", "1")
		resp, _ = vet.postForm(path, form)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, path+"?flash=ballot-changed", resp.Header.Get("Location"))
		_, body = vet.get(path + "?flash=ballot-changed")
		assert.Contains(t, body, "Your ballot is changed")
		picks, err := voting.BallotOf(db, camp.ID, vetP.ID)
		require.NoError(t, err)
		assert.Equal(t, "Wyvern", picks[0].Name)
		var n int64
		require.NoError(t, db.Model(&models.Ballot{}).Where("campaign_id = ?", camp.ID).Count(&n).Error)
		assert.Equal(t, int64(1), n)
		// the first-ballot form still refuses a second ballot
		resp, _ = vet.postForm(path, ballotForm(camp, "Dragon", "Phoenix", "Gryphon"))
		assert.Equal(t, http.StatusConflict, resp.StatusCode)

		// a member who has not voted cannot "change"
		newbie := newBrowser(t, app).loginAs(s, newbieU)
		form = ballotForm(camp, "Wyvern", "Gryphon", "Dragon")
		form.Set("change", "1")
		resp, _ = newbie.postForm(path, form)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)

		// closed: no offer, no change
		_, err = voting.Close(db, s.Now(), camp.ID)
		require.NoError(t, err)
		_, body = vet.get(path)
		assert.NotContains(t, body, "data-change-ballot")
		form = ballotForm(camp, "Dragon", "Gryphon", "Wyvern")
		form.Set("change", "1")
		resp, body = vet.postForm(path, form)
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Contains(t, body, "not live")
	})
}

func entryIDOf(c *models.Campaign, name string) int {
	for _, e := range c.Entries {
		if e.Name == name {
			return e.ID
		}
	}
	panic("no entry " + name)
}

// Issue 11 item 9: labels follow the campaign; a refused activation lands
// on the editor with what is missing.
func TestVoteLabels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		two := voteCampaign(t, s, func(st *voting.Settings) { st.PicksPerVoter = 2 }, true, "Dragon", "Phoenix", "Gryphon")
		_, vetU := seedMember(t, db, "Vet", 3)
		vet := newBrowser(t, app).loginAs(s, vetU)
		path := fmt.Sprintf("/vote/%d", two.ID)
		_, body := vet.get(path)
		assert.Contains(t, body, "Ranked choice (3/2)")
		assert.NotContains(t, body, "3/2/1")
		assert.NotContains(t, body, "3rd")
		assert.Contains(t, body, "Your 1st pick earns 3 points, 2nd 2 points.")
		assert.Contains(t, body, `class="muted small no-js-only"`, "the no-JS hint is hidden by CSS once app.js runs")

		resp, _ := vet.postForm(path, ballotForm(two, "Dragon", "Phoenix"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, body = vet.get(path)
		assert.Contains(t, body, "1 of 1 eligible member voted")
		// Gryphon has no points: no bronze medal
		i := strings.Index(body, `data-result="Gryphon"`)
		require.Greater(t, i, 0)
		row := body[i : i+strings.Index(body[i:], "</li>")]
		assert.NotContains(t, row, "🥉")
		assert.Contains(t, row, "#3")
		assert.Contains(t, row, "0 pts")

		// instant runoff: "1 vote", never "1 votes"
		irv := voteCampaign(t, s, func(st *voting.Settings) { st.Type = voting.TypeIRV; st.PicksPerVoter = 2 }, true, "A", "B", "C")
		resp, _ = vet.postForm(fmt.Sprintf("/vote/%d", irv.ID), ballotForm(irv, "A", "B"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, body = vet.get(fmt.Sprintf("/vote/%d", irv.ID))
		assert.Contains(t, body, ">1 vote<")
		assert.NotContains(t, body, "1 votes")
		assert.Contains(t, body, "1 first choice")

		// activating a campaign with no entries: back on the editor, told why
		_, offU := seedMember(t, db, "Officer", 4)
		off := newBrowser(t, app).loginAs(s, offU)
		empty := voteCampaign(t, s, nil, false)
		resp, _ = off.postForm(fmt.Sprintf("/admin/campaigns/%d/activate", empty.ID), url.Values{})
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		loc := resp.Header.Get("Location")
		assert.Equal(t, fmt.Sprintf("/admin/campaigns/%d/edit?flash=err-campaign-ready", empty.ID), loc)
		resp, body = off.get(loc)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, "has no entries yet")
		assert.Contains(t, body, "flash--error")
	})
}

var _ = gorm.ErrRecordNotFound
