package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/voting"
)

// Issue 11 item 8: /vote lists live, upcoming and recent campaigns; the
// header's Vote link goes there, whatever the number of live votes.
func TestVoteListPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		a := voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Banner Art" }, true, "A", "B", "C")
		voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Mount of the Month"; st.DurationHours = 24 }, true, "A", "B", "C")
		voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Snack Vote"; st.StartAt = s.Now().Add(5 * time.Hour) }, true, "A", "B", "C")
		voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Secret Draft" }, false, "A", "B", "C")
		officers := voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Officer Loot Rules"; v := 4; st.MinRankToView = &v }, true, "A", "B", "C")
		old := voteCampaign(t, s, func(st *voting.Settings) { st.Title = "Old Tabard" }, true, "A", "B", "C")
		_, err := voting.Close(db, s.Now(), old.ID)
		require.NoError(t, err)
		_, vetU := seedMember(t, db, "Vet", 3)
		vet := newBrowser(t, app).loginAs(s, vetU)
		resp, _ := vet.postForm(fmt.Sprintf("/vote/%d", a.ID), ballotForm(a, "A", "B", "C"))
		require.Equal(t, 303, resp.StatusCode)

		resp, body := vet.get("/vote")
		assert.Equal(t, 200, resp.StatusCode)
		live := section(t, body, `id="vote-live"`)
		assert.Less(t, strings.Index(live, "Mount of the Month"), strings.Index(live, "Banner Art"), "soonest end first")
		card := live[strings.Index(live, fmt.Sprintf(`data-vote-card="%d"`, a.ID)):]
		card = card[:strings.Index(card, "</article>")]
		assert.Contains(t, card, "You voted")
		assert.Contains(t, card, "See standings")
		assert.Contains(t, live, "Vote now")
		assert.Contains(t, section(t, body, `id="vote-upcoming"`), "Snack Vote")
		assert.Contains(t, section(t, body, `id="vote-recent"`), "Old Tabard")
		assert.NotContains(t, body, "Secret Draft")
		assert.NotContains(t, body, "Officer Loot Rules")
		// the header: one Vote link, to the list, marked current
		assert.Contains(t, body, `<a href="/vote" class="is-active">Vote</a>`)
		_, body = vet.get(fmt.Sprintf("/vote/%d", a.ID))
		assert.Contains(t, body, `<a href="/vote" class="is-active">Vote</a>`)
		assert.NotContains(t, body, fmt.Sprintf(`<a href="/vote/%d" class`, a.ID))

		// officers see the campaigns their rank may view, never drafts
		_, offU := seedMember(t, db, "Officer", 4)
		_, body = newBrowser(t, app).loginAs(s, offU).get("/vote")
		assert.Contains(t, body, "Officer Loot Rules")
		assert.NotContains(t, body, "Secret Draft")
		_ = officers

		// a visitor sees the public ones, asked to log in to vote
		resp, body = get(t, app, "/vote")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, body, "Banner Art")
		assert.Contains(t, body, "Log in to vote")
		assert.NotContains(t, body, "You voted")
	})
}

// section is the markup of the element whose opening tag holds marker, up
// to the next <section (or the end).
func section(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	require.GreaterOrEqual(t, i, 0, "no %s", marker)
	rest := body[i:]
	if j := strings.Index(rest[1:], "<section"); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

// Issue 11 item 14: error pages (404, 403, an unknown vote) show a
// logged-in member their own header, not "Login or Register".
func TestErrorPagesKeepTheMembersHeader(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		hidden := voteCampaign(t, s, func(st *voting.Settings) { v := 4; st.MinRankToView = &v }, true, "A", "B", "C")
		_, vetU := seedMember(t, db, "Vet", 3)
		vet := newBrowser(t, app).loginAs(s, vetU)
		for path, status := range map[string]int{
			"/no-such-page":                    404,
			"/vote/99999":                      404,
			"/admin/campaigns":                 403,
			fmt.Sprintf("/vote/%d", hidden.ID): 403,
		} {
			resp, body := vet.get(path)
			assert.Equal(t, status, resp.StatusCode, path)
			assert.NotContains(t, body, "Login or Register", path)
			assert.Contains(t, body, `id="nav-user-name"`, path)
			assert.Contains(t, body, ">Vet<", path)
			assert.Contains(t, body, `<a href="/vote" class=`, path)
			assert.NotContains(t, body, `href="/admin/campaigns" class="nav-link--muted`, "no admin link for a member: %s", path)
		}
		// a visitor still gets the login button
		_, body := get(t, app, "/no-such-page")
		assert.Contains(t, body, "Login or Register")
	})
}
