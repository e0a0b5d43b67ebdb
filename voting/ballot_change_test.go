package voting

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

// Issue 11 item 7: a member changes their ballot until the vote closes.
// The change replaces the vote rows in one transaction, keeps one ballot
// row (turnout does not move), the standings follow, and the contest agent
// does not take the change for new votes.
func TestChangeBallot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := liveCampaign(t, db, func(s *Settings) { s.EarlyCloseIfAllVoted = false; s.AgentChattiness = ChatHype },
			"A", "B", "C", "D")
		ann := seedPlayer(t, db, "Ann", 3)
		bo := seedPlayer(t, db, "Bo", 3)
		for i := range 6 { // eligible members who never vote: 2 of 8 is 25 %
			seedPlayer(t, db, "Idle"+string(rune('a'+i)), 3)
		}
		at := c.StartAt.Add(time.Hour)
		agent := &Agent{BaseURL: "https://patt.test", Pick: pickFirst}

		// before any ballot there is nothing to change
		errContains(t, ChangeBallot(db, at, c.ID, ann.ID, picksOf(c, "A", "B", "C")), fault.KindConflict, "no ballot")

		require.NoError(t, CastBallot(db, at, c.ID, ann.ID, picksOf(c, "A", "B", "C")))
		require.NoError(t, CastBallot(db, at, c.ID, bo.ID, picksOf(c, "A", "C", "B")))
		for range 3 {
			require.NoError(t, agent.RunPass(db, at))
		}
		before := events(agentLog(t, db, c.ID))
		statsBefore, err := CampaignStats(db, c)
		require.NoError(t, err)
		tally, err := Standings(db, c)
		require.NoError(t, err)
		assert.Equal(t, "A", tally.Standings[0].Name)

		// Ann changes her mind twice; Bo too: D now leads
		later := at.Add(30 * time.Minute)
		require.NoError(t, ChangeBallot(db, later, c.ID, ann.ID, picksOf(c, "B", "A", "D")))
		require.NoError(t, ChangeBallot(db, later, c.ID, ann.ID, picksOf(c, "D", "B", "A")))
		require.NoError(t, ChangeBallot(db, later, c.ID, bo.ID, picksOf(c, "D", "C", "A")))
		picks, err := BallotOf(db, c.ID, ann.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{"D", "B", "A"}, []string{picks[0].Name, picks[1].Name, picks[2].Name})
		var nVotes, nBallots int64
		require.NoError(t, db.Model(&models.Vote{}).Where("campaign_id = ?", c.ID).Count(&nVotes).Error)
		require.NoError(t, db.Model(&models.Ballot{}).Where("campaign_id = ?", c.ID).Count(&nBallots).Error)
		assert.Equal(t, int64(6), nVotes, "old picks replaced, not added")
		assert.Equal(t, int64(2), nBallots, "still one ballot per member")
		b, err := BallotRow(db, c.ID, ann.ID)
		require.NoError(t, err)
		require.NotNil(t, b.ChangedAt)
		assert.True(t, b.ChangedAt.Equal(later))
		assert.True(t, b.SubmittedAt.Equal(at), "first submission kept")

		statsAfter, err := CampaignStats(db, c)
		require.NoError(t, err)
		assert.Equal(t, statsBefore, statsAfter, "turnout does not move")
		tally, err = Standings(db, c)
		require.NoError(t, err)
		assert.Equal(t, "D", tally.Standings[0].Name, "standings follow: D 3+3")
		assert.Equal(t, 6, tally.Standings[0].Score)

		// the agent: no second first_vote or milestone; the new leader is
		// a lead change once it holds (hysteresis), nothing else
		for range 3 {
			require.NoError(t, agent.RunPass(db, later))
		}
		after := events(agentLog(t, db, c.ID))
		assert.Equal(t, append(before, EventLeadChange), after)

		// a bad change is refused and leaves the ballot as it was
		errContains(t, ChangeBallot(db, later, c.ID, ann.ID, picksOf(c, "A", "A", "B")), fault.KindMalformed, "Duplicate")
		errContains(t, ChangeBallot(db, later, c.ID, ann.ID, picksOf(c, "A")), fault.KindMalformed, "picks")
		picks, err = BallotOf(db, c.ID, ann.ID)
		require.NoError(t, err)
		assert.Equal(t, "D", picks[0].Name)

		// after the deadline, and once closed, no change
		errContains(t, ChangeBallot(db, EndAt(c), c.ID, ann.ID, picksOf(c, "A", "B", "C")), fault.KindConflict, "ended")
		_, err = Close(db, later, c.ID)
		require.NoError(t, err)
		errContains(t, ChangeBallot(db, later, c.ID, ann.ID, picksOf(c, "A", "B", "C")), fault.KindConflict, "not live")
		picks, err = BallotOf(db, c.ID, ann.ID)
		require.NoError(t, err)
		assert.Equal(t, "D", picks[0].Name)
	})
}

// Two changes from one member at the same moment both succeed one after
// the other: the ballot ends as exactly one of them, never a mix or a
// duplicate-key failure.
func TestConcurrentBallotChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := liveCampaign(t, db, func(s *Settings) { s.EarlyCloseIfAllVoted = false }, "A", "B", "C", "D")
		p := seedPlayer(t, db, "Ann", 3)
		at := c.StartAt.Add(time.Hour)
		require.NoError(t, CastBallot(db, at, c.ID, p.ID, picksOf(c, "A", "B", "C")))
		ballots := [][]string{{"B", "C", "D"}, {"D", "C", "B"}, {"C", "A", "D"}, {"D", "A", "B"}}
		var wg sync.WaitGroup
		errs := make([]error, len(ballots))
		for i, names := range ballots {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = ChangeBallot(db, at, c.ID, p.ID, picksOf(c, names...))
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		picks, err := BallotOf(db, c.ID, p.ID)
		require.NoError(t, err)
		require.Len(t, picks, 3)
		got := []string{picks[0].Name, picks[1].Name, picks[2].Name}
		assert.Contains(t, ballots, got)
	})
}

// Issue 11 item 8: /vote lists live, scheduled and recent closed campaigns
// the viewer may see, never drafts, and which ones the viewer voted in.
func TestListFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		four := 4
		live1 := liveCampaign(t, db, func(s *Settings) { s.Title = "Live long"; s.DurationHours = 200; s.EarlyCloseIfAllVoted = false }, "A", "B", "C")
		live2 := liveCampaign(t, db, func(s *Settings) { s.Title = "Live short"; s.DurationHours = 10 }, "A", "B", "C")
		liveCampaign(t, db, func(s *Settings) { s.Title = "Officers"; s.MinRankToView = &four }, "A", "B", "C")
		sched := seedCampaign(t, db, func(s *Settings) { s.Title = "Soon"; s.StartAt = t0.Add(24 * time.Hour) }, "A", "B", "C")
		_, err := Activate(db, t0, sched.ID)
		require.NoError(t, err)
		draft := seedCampaign(t, db, func(s *Settings) { s.Title = "Draft" }, "A", "B", "C")
		closed := liveCampaign(t, db, func(s *Settings) { s.Title = "Done" }, "A", "B", "C")
		_, err = Close(db, t0.Add(3*time.Hour), closed.ID)
		require.NoError(t, err)
		p := seedPlayer(t, db, "Ann", 3)
		require.NoError(t, CastBallot(db, t0.Add(2*time.Hour), live1.ID, p.ID, picksOf(live1, "A", "B", "C")))

		titles := func(cs []models.Campaign) []string {
			out := []string{}
			for _, c := range cs {
				out = append(out, c.Title)
			}
			return out
		}
		l, err := ListFor(db, Viewer{PlayerID: p.ID, Level: 3})
		require.NoError(t, err)
		assert.Equal(t, []string{"Live short", "Live long"}, titles(l.Live), "soonest end first")
		assert.Equal(t, []string{"Soon"}, titles(l.Upcoming))
		assert.Equal(t, []string{"Done"}, titles(l.Recent))
		assert.True(t, l.Voted[live1.ID])
		assert.False(t, l.Voted[live2.ID])

		off, err := ListFor(db, Viewer{Level: 4, Officer: true})
		require.NoError(t, err)
		assert.Equal(t, []string{"Live short", "Officers", "Live long"}, titles(off.Live))
		for _, c := range append(append(off.Live, off.Upcoming...), off.Recent...) {
			assert.NotEqual(t, draft.ID, c.ID, "drafts stay in the editor")
		}
	})
}

// Issue 11 item 9: the labels follow the campaign's picks and scoring.
func TestLabels(t *testing.T) {
	assert.Equal(t, "Ranked choice (3/2/1)", TypeLabel(TypeRankedChoice, 3))
	assert.Equal(t, "Ranked choice (3/2)", TypeLabel(TypeRankedChoice, 2))
	assert.Equal(t, "Ranked choice (3/2/1)", TypeLabel(TypeRankedChoice, 5))
	assert.Equal(t, "Borda count (4/3/2/1)", TypeLabel(TypeBorda, 4))
	assert.Equal(t, "Approval (1 point per pick)", TypeLabel(TypeApproval, 3))
	assert.Equal(t, "Your 1st pick earns 3 points, 2nd 2 points.", ScoringText(TypeRankedChoice, 2))
	assert.Equal(t, "Your 1st pick earns 3 points, 2nd 2 points, 3rd 1 point.", ScoringText(TypeRankedChoice, 3))
	assert.Equal(t, "Your 1st pick earns 3 points, 2nd 2 points, 3rd 1 point. Later picks earn no points but still show your order.",
		ScoringText(TypeRankedChoice, 4))
	assert.Equal(t, "Your 1st pick earns 2 points, 2nd 1 point.", ScoringText(TypeBorda, 2))
	assert.Equal(t, []string{"1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"},
		[]string{Ordinal(1), Ordinal(2), Ordinal(3), Ordinal(4), Ordinal(11), Ordinal(12), Ordinal(13), Ordinal(21), Ordinal(22)})
}
