package voting

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// seedPlayer makes a player of a rank level (0: no rank), with an active
// website account unless noAccount.
func seedPlayer(t testing.TB, db *gorm.DB, name string, level int, noAccount ...bool) models.Player {
	t.Helper()
	p := models.Player{DisplayName: name, IsActive: true, Timezone: "UTC"}
	if len(noAccount) == 0 || !noAccount[0] {
		email := strings.ToLower(name) + "@example.test"
		u := models.User{Email: &email, PasswordHash: "x", IsActive: true}
		require.NoError(t, db.Create(&u).Error)
		p.WebsiteUserID = &u.ID
	}
	if level > 0 {
		var r models.GuildRank
		require.NoError(t, db.Where("level = ?", level).Take(&r).Error)
		p.GuildRankID = &r.ID
	}
	require.NoError(t, db.Create(&p).Error)
	return p
}

// seedCampaign makes a draft with named entries.
func seedCampaign(t testing.TB, db *gorm.DB, mod func(*Settings), names ...string) *models.Campaign {
	t.Helper()
	s := DefaultSettings(t0)
	s.Title = "Guild Art Vote"
	s.StartAt = t0.Add(2 * time.Hour)
	if mod != nil {
		mod(&s)
	}
	c, err := Create(db, t0, s, nil)
	require.NoError(t, err)
	for i, n := range names {
		n, i := n, i
		_, err := AddEntry(db, c.ID, EntryPatch{Name: &n, SortOrder: &i})
		require.NoError(t, err)
	}
	c, err = Get(db, c.ID)
	require.NoError(t, err)
	return c
}

// liveCampaign makes a campaign and activates it at its start time, so it
// is live (activated earlier it would only be scheduled).
func liveCampaign(t testing.TB, db *gorm.DB, mod func(*Settings), names ...string) *models.Campaign {
	t.Helper()
	c := seedCampaign(t, db, mod, names...)
	_, err := Activate(db, c.StartAt, c.ID)
	require.NoError(t, err)
	c, err = Get(db, c.ID)
	require.NoError(t, err)
	return c
}

func entryID(c *models.Campaign, name string) int {
	for _, e := range c.Entries {
		if e.Name == name {
			return e.ID
		}
	}
	panic("no entry " + name)
}

func picksOf(c *models.Campaign, names ...string) []Pick {
	ps := make([]Pick, len(names))
	for i, n := range names {
		ps[i] = Pick{EntryID: entryID(c, n), Rank: i + 1}
	}
	return ps
}

func errContains(t *testing.T, err error, kind fault.Kind, sub string) {
	t.Helper()
	require.Error(t, err)
	assert.Contains(t, err.Error(), sub)
	assert.Equal(t, kind, fault.KindOf(err), "kind of %q", err)
}

// §10.4 lifecycle and service vectors.
func TestLifecycleVectors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		// L18
		d := seedCampaign(t, db, nil, "A", "B", "C")
		assert.Equal(t, StatusDraft, d.Status)
		assert.Equal(t, 3, d.PicksPerVoter)
		assert.Equal(t, TypeRankedChoice, d.Type)
		assert.True(t, d.EarlyCloseIfAllVoted)
		assert.Nil(t, d.MinRankToView)

		// L1: future start kept, and the campaign waits for it (issue 11
		// item 6): scheduled, not live
		c, err := Activate(db, t0, d.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusScheduled, c.Status)
		assert.True(t, c.StartAt.Equal(t0.Add(2*time.Hour)))
		// L3
		_, err = Activate(db, t0, d.ID)
		errContains(t, err, fault.KindConflict, "already scheduled")
		// a scheduled campaign refuses ballots, saying when it opens; at
		// its start the checker opens it
		early := seedPlayer(t, db, "Early", 3)
		err = CastBallot(db, t0.Add(time.Hour), c.ID, early.ID, picksOf(d, "A", "B", "C"))
		errContains(t, err, fault.KindConflict, "opens at Mar 01, 2026 14:00 UTC")
		voted, err := HasVoted(db, c.ID, early.ID)
		require.NoError(t, err)
		assert.False(t, voted)
		res, err := CheckStatuses(db, t0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, []int{c.ID}, res.Activated)
		c, err = Get(db, c.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusLive, c.Status)
		assert.True(t, c.StartAt.Equal(t0.Add(2*time.Hour)), "the start time is kept")

		// L2 / L16: a past start becomes now
		d2 := seedCampaign(t, db, func(s *Settings) { s.StartAt = t0.Add(-time.Hour) }, "A", "B", "C")
		c2, err := Activate(db, t0.Add(time.Minute), d2.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusLive, c2.Status)
		assert.False(t, c2.StartAt.Before(t0.Add(time.Minute)))
		c2, err = Get(db, c2.ID)
		require.NoError(t, err)

		// L4
		d3 := seedCampaign(t, db, nil, "A", "B", "C")
		_, err = Close(db, t0, d3.ID)
		errContains(t, err, fault.KindConflict, "cannot close")
		// L5
		_, err = Update(db, t0, 99999, SettingsOf(d3))
		errContains(t, err, fault.KindNotFound, "not found")
		// L6 / L7: live or closed locks settings and entries
		name := "X"
		_, err = AddEntry(db, c.ID, EntryPatch{Name: &name})
		errContains(t, err, fault.KindConflict, "draft")
		err = RemoveEntry(db, c.ID, c.Entries[0].ID)
		errContains(t, err, fault.KindConflict, "draft")
		_, err = Update(db, t0, c.ID, SettingsOf(c))
		errContains(t, err, fault.KindConflict, "draft")
		_, err = UpdateEntry(db, c.ID, c.Entries[0].ID, EntryPatch{Name: &name})
		errContains(t, err, fault.KindConflict, "draft")

		voter := seedPlayer(t, db, "Voter", 3)
		seedPlayer(t, db, "Someone", 3) // so one ballot is not everyone's
		// L8
		err = CastBallot(db, t0, d3.ID, voter.ID, picksOf(d3, "A", "B", "C"))
		errContains(t, err, fault.KindConflict, "draft")
		// L10: rank too low
		initiate := seedPlayer(t, db, "Initiate", 1)
		err = CastBallot(db, t0, c.ID, initiate.ID, picksOf(c, "A", "B", "C"))
		errContains(t, err, fault.KindForbidden, "rank")
		// L12
		err = CastBallot(db, t0, c.ID, voter.ID, picksOf(c, "A"))
		errContains(t, err, fault.KindMalformed, "picks")
		// L13
		dup := picksOf(c, "A", "B", "C")
		dup[1].EntryID = dup[0].EntryID
		err = CastBallot(db, t0, c.ID, voter.ID, dup)
		errContains(t, err, fault.KindMalformed, "Duplicate entries")
		// L14
		foreign := picksOf(c, "A", "B", "C")
		foreign[2].EntryID = c2.Entries[0].ID
		err = CastBallot(db, t0, c.ID, voter.ID, foreign)
		errContains(t, err, fault.KindMalformed, "does not belong")
		// §12.8: ranks exactly 1..N ({7,8,9} was accepted by the original)
		odd := picksOf(c, "A", "B", "C")
		for i := range odd {
			odd[i].Rank += 6
		}
		err = CastBallot(db, t0, c.ID, voter.ID, odd)
		errContains(t, err, fault.KindMalformed, "exactly 1 to 3")
		// L11
		require.NoError(t, CastBallot(db, t0, c.ID, voter.ID, picksOf(c, "A", "B", "C")))
		err = CastBallot(db, t0, c.ID, voter.ID, picksOf(c, "C", "B", "A"))
		errContains(t, err, fault.KindConflict, "already voted")

		// L17: close with 1 ballot → 3 result rows, first has rank 1
		closed, err := Close(db, t0.Add(time.Hour), c.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusClosed, closed.Status)
		var rows []models.CampaignResult
		require.NoError(t, db.Where("campaign_id = ?", c.ID).Order("final_rank").Find(&rows).Error)
		require.Len(t, rows, 3)
		assert.Equal(t, 1, *rows[0].FinalRank)
		assert.Equal(t, 3, rows[0].WeightedScore)
		// L9
		other := seedPlayer(t, db, "Other", 3)
		err = CastBallot(db, t0, c.ID, other.ID, picksOf(c, "A", "B", "C"))
		errContains(t, err, fault.KindConflict, "closed")
		assert.Contains(t, err.Error(), "not live")
	})
}

// L15: only the level-≥4 player with an account votes → early close. The
// officer without an account is not eligible (D4: the test as written in
// the original forgot the account; we keep the requirement).
func TestEarlyCloseL15(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedPlayer(t, db, "Lurker", 4, true)
		seedPlayer(t, db, "Member", 2)
		off := seedPlayer(t, db, "Officer", 4)
		c := liveCampaign(t, db, func(s *Settings) { s.MinRankToVote = 4 }, "A", "B", "C")
		st, err := CampaignStats(db, c)
		require.NoError(t, err)
		assert.Equal(t, 1, st.Eligible)
		// CastBallot closes right after the last eligible vote
		require.NoError(t, CastBallot(db, t0, c.ID, off.ID, picksOf(c, "B", "A", "C")))
		c, err = Get(db, c.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusClosed, c.Status)
		st, err = CampaignStats(db, c)
		require.NoError(t, err)
		assert.Equal(t, Stats{Eligible: 1, Voted: 1, Ballots: 1, Percent: 100, AllVoted: true}, st)
	})
}

// F2 (§10.3): the regression flow. Trog ends on 10 (D5: the original test
// said 8, an arithmetic slip).
func TestF2Regression(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		names := []string{"Trog", "Rocket", "Mito", "Shodoom", "Skate", "Hit", "Kronas", "Porax", "Meggo", "Wyland"}
		c := liveCampaign(t, db, func(s *Settings) { s.MinRankToVote = 3; s.PicksPerVoter = 3 }, names...)
		rocket := seedPlayer(t, db, "RocketP", 3)
		mito := seedPlayer(t, db, "MitoP", 3)
		shodoom := seedPlayer(t, db, "ShodoomP", 4)
		trog := seedPlayer(t, db, "TrogP", 5)
		initiate := seedPlayer(t, db, "Newbie", 1)

		score := func() map[string]Standing {
			cc, err := Get(db, c.ID)
			require.NoError(t, err)
			tl, err := Standings(db, cc)
			require.NoError(t, err)
			m := map[string]Standing{}
			for _, s := range tl.Standings {
				m[s.Name] = s
			}
			assert.Equal(t, names[0], names[0])
			return m
		}
		voted, err := HasVoted(db, c.ID, rocket.ID)
		require.NoError(t, err)
		assert.False(t, voted)

		require.NoError(t, CastBallot(db, t0, c.ID, rocket.ID, picksOf(c, "Trog", "Rocket", "Mito")))
		m := score()
		assert.Equal(t, []int{3, 2, 1}, []int{m["Trog"].Score, m["Rocket"].Score, m["Mito"].Score})
		assert.Equal(t, 1, m["Trog"].Rank)

		require.NoError(t, CastBallot(db, t0, c.ID, mito.ID, picksOf(c, "Rocket", "Trog", "Mito")))
		m = score()
		assert.Equal(t, 5, m["Trog"].Score)
		assert.Equal(t, 5, m["Rocket"].Score)
		assert.Equal(t, 1, m["Trog"].Rank) // shared rank: 1F 1S each
		assert.Equal(t, 1, m["Rocket"].Rank)
		assert.True(t, m["Trog"].Tied)

		require.NoError(t, CastBallot(db, t0, c.ID, shodoom.ID, picksOf(c, "Mito", "Trog", "Rocket")))
		m = score()
		assert.Equal(t, []int{7, 6, 5}, []int{m["Trog"].Score, m["Rocket"].Score, m["Mito"].Score})

		err = CastBallot(db, t0, c.ID, initiate.ID, picksOf(c, "Trog", "Rocket", "Mito"))
		errContains(t, err, fault.KindForbidden, "rank")
		err = CastBallot(db, t0, c.ID, rocket.ID, picksOf(c, "Trog", "Rocket", "Mito"))
		errContains(t, err, fault.KindConflict, "already voted")

		require.NoError(t, CastBallot(db, t0, c.ID, trog.ID, picksOf(c, "Trog", "Shodoom", "Skate")))
		c2, err := Get(db, c.ID)
		require.NoError(t, err)
		assert.Equal(t, StatusClosed, c2.Status, "every eligible member voted: early close")
		m = score()
		assert.Equal(t, Standing{EntryID: entryID(c, "Trog"), Name: "Trog", SortOrder: 0, Firsts: 2, Seconds: 2, Score: 10, Rank: 1}, m["Trog"])
		assert.Equal(t, 6, m["Rocket"].Score)
		assert.Equal(t, 5, m["Mito"].Score)
		assert.Equal(t, 2, m["Shodoom"].Score)
		assert.Equal(t, 1, m["Skate"].Score)
		total := 0
		for _, s := range m {
			total += s.Score
		}
		assert.Equal(t, 24, total)
		st, err := CampaignStats(db, c2)
		require.NoError(t, err)
		assert.Equal(t, Stats{Eligible: 4, Voted: 4, Ballots: 4, Percent: 100, AllVoted: true}, st)
	})
}

// Two goroutines submit the same player's ballot at once: exactly one
// succeeds and the other gets fault.KindConflict (409), never a 500.
func TestConcurrentDoubleVote(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := liveCampaign(t, db, func(s *Settings) { s.EarlyCloseIfAllVoted = false }, "A", "B", "C")
		for round := 0; round < 5; round++ {
			p := seedPlayer(t, db, fmt.Sprintf("Twin%d", round), 3)
			var ok, conflict atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, order := range [][]string{{"A", "B", "C"}, {"C", "A", "B"}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					err := CastBallot(db, t0, c.ID, p.ID, picksOf(c, order...))
					switch {
					case err == nil:
						ok.Add(1)
					case fault.KindOf(err) == fault.KindConflict:
						conflict.Add(1)
					default:
						t.Errorf("unexpected error: %v", err)
					}
				}()
			}
			close(start)
			wg.Wait()
			assert.Equal(t, int32(1), ok.Load())
			assert.Equal(t, int32(1), conflict.Load())
			var n int64
			require.NoError(t, db.Model(&models.Vote{}).Where("campaign_id = ? AND player_id = ?", c.ID, p.ID).Count(&n).Error)
			assert.Equal(t, int64(3), n)
		}
	})
}

// §12.7: after end_at a ballot is refused even while the status still says
// live; the checker then closes it.
func TestDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := liveCampaign(t, db, func(s *Settings) { s.DurationHours = 24; s.EarlyCloseIfAllVoted = false }, "A", "B", "C")
		p := seedPlayer(t, db, "Late", 3)
		end := EndAt(c)
		err := CastBallot(db, end, c.ID, p.ID, picksOf(c, "A", "B", "C"))
		errContains(t, err, fault.KindConflict, "ended")
		require.NoError(t, CastBallot(db, end.Add(-time.Second), c.ID, p.ID, picksOf(c, "A", "B", "C")))

		res, err := CheckStatuses(db, end)
		require.NoError(t, err)
		assert.Equal(t, []int{c.ID}, res.Closed)
	})
}

func TestCheckStatuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ready := seedCampaign(t, db, nil, "A", "B", "C")
		_, err := Activate(db, t0, ready.ID)
		require.NoError(t, err)
		draft := seedCampaign(t, db, nil, "A", "B", "C")
		future := seedCampaign(t, db, func(s *Settings) { s.StartAt = t0.Add(48 * time.Hour) }, "A", "B", "C")
		_, err = Activate(db, t0, future.ID)
		require.NoError(t, err)
		// just before the start nothing opens
		res, err := CheckStatuses(db, t0.Add(2*time.Hour-time.Second))
		require.NoError(t, err)
		assert.Empty(t, res.Activated)
		at := t0.Add(2 * time.Hour)
		res, err = CheckStatuses(db, at)
		require.NoError(t, err)
		assert.Equal(t, []int{ready.ID}, res.Activated)
		// a draft never opens by itself (§12.10): an officer activates it
		for id, want := range map[int]string{ready.ID: StatusLive, draft.ID: StatusDraft, future.ID: StatusScheduled} {
			c, err := Get(db, id)
			require.NoError(t, err)
			assert.Equal(t, want, c.Status, "campaign %d", id)
		}
		// a scheduled campaign whose whole window passed opens and closes in one pass
		res, err = CheckStatuses(db, t0.Add(100*24*time.Hour))
		require.NoError(t, err)
		assert.Contains(t, res.Activated, future.ID)
		assert.Contains(t, res.Closed, future.ID)
		assert.Contains(t, res.Closed, ready.ID)
		assert.NotContains(t, res.Activated, draft.ID)
		// idempotent
		res, err = CheckStatuses(db, t0.Add(100*24*time.Hour))
		require.NoError(t, err)
		assert.Empty(t, res.Activated)
		assert.Empty(t, res.Closed)
	})
}

func TestVisibility(t *testing.T) {
	three := 3
	live := &models.Campaign{Status: StatusLive, MinRankToView: &three}
	draft := &models.Campaign{Status: StatusDraft}
	public := &models.Campaign{Status: StatusClosed}
	assert.Equal(t, Forbidden, VisibilityFor(live, 1, false)) // H4
	assert.Equal(t, Forbidden, VisibilityFor(live, 0, false))
	assert.Equal(t, Visible, VisibilityFor(live, 3, false))
	assert.Equal(t, Hidden, VisibilityFor(draft, 3, false)) // §12.12
	assert.Equal(t, Visible, VisibilityFor(draft, 4, true))
	assert.Equal(t, Visible, VisibilityFor(public, 0, false))
	zero := 0
	assert.Equal(t, Visible, VisibilityFor(&models.Campaign{Status: StatusLive, MinRankToView: &zero}, 0, false))
}

func TestIRVStoredAtClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := liveCampaign(t, db, func(s *Settings) { s.Type = TypeIRV; s.EarlyCloseIfAllVoted = false }, "A", "B", "C", "D")
		for i, b := range [][]string{{"A", "B", "C"}, {"A", "C", "B"}, {"B", "C", "A"}, {"C", "B", "A"}, {"D", "B", "C"}} {
			p := seedPlayer(t, db, fmt.Sprintf("V%d", i), 3)
			require.NoError(t, CastBallot(db, t0, c.ID, p.ID, picksOf(c, b...)))
		}
		live, err := Standings(db, c)
		require.NoError(t, err)
		closed, err := Close(db, t0.Add(time.Hour), c.ID)
		require.NoError(t, err)
		stored, err := Standings(db, closed)
		require.NoError(t, err)
		require.Len(t, stored.Rounds, 3)
		assert.Equal(t, live.Rounds, stored.Rounds)
		assert.Equal(t, "B", stored.Standings[0].Name)
		assert.Equal(t, 2, stored.Standings[2].EliminatedIn)
	})
}

func TestEntriesEditing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := seedCampaign(t, db, nil, "A", "B", "C")
		ids := []int{c.Entries[2].ID, c.Entries[0].ID, c.Entries[1].ID}
		require.NoError(t, ReorderEntries(db, c.ID, ids))
		c, _ = Get(db, c.ID)
		assert.Equal(t, []string{"C", "A", "B"}, []string{c.Entries[0].Name, c.Entries[1].Name, c.Entries[2].Name})
		require.NoError(t, MoveEntry(db, c.ID, c.Entries[2].ID, -1))
		c, _ = Get(db, c.ID)
		assert.Equal(t, []string{"C", "B", "A"}, []string{c.Entries[0].Name, c.Entries[1].Name, c.Entries[2].Name})
		err := ReorderEntries(db, c.ID, ids[:2])
		assert.Equal(t, fault.KindMalformed, fault.KindOf(err))

		link := "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/view?usp=sharing"
		e, err := UpdateEntry(db, c.ID, c.Entries[0].ID, EntryPatch{ImageURL: &link})
		require.NoError(t, err)
		assert.Equal(t, "https://lh3.googleusercontent.com/d/1AbCdEfGhIjKlMnOpQrStUvWxYz", *e.ImageURL)
		bad := "javascript:alert(1)"
		_, err = UpdateEntry(db, c.ID, c.Entries[0].ID, EntryPatch{ImageURL: &bad})
		assert.Equal(t, fault.KindInvalid, fault.KindOf(err))
		assert.Contains(t, fault.FieldsOf(err), "image_url")

		require.NoError(t, RemoveEntry(db, c.ID, c.Entries[0].ID))
		err = RemoveEntry(db, c.ID, c.Entries[0].ID)
		errContains(t, err, fault.KindNotFound, "not found")
		var verr *fault.Error
		assert.True(t, errors.As(err, &verr))
	})
}

func TestSettingsValidation(t *testing.T) {
	s := DefaultSettings(t0)
	s.Title = ""
	s.Type = "plurality"
	s.PicksPerVoter = 11
	s.DurationHours = 0
	s.DiscordChannelID = "general"
	err := s.validate(t0)
	f := fault.FieldsOf(err)
	for _, k := range []string{"title", "type", "picks_per_voter", "duration_hours", "discord_channel_id"} {
		assert.Contains(t, f, k)
	}
	s = DefaultSettings(t0)
	s.Title = "Old"
	s.StartAt = t0.Add(-48 * time.Hour)
	s.DurationHours = 24
	assert.Contains(t, fault.FieldsOf(s.validate(t0)), "start_at")
	s = DefaultSettings(t0)
	s.Title = "x"
	s.AgentChattiness = "extreme"
	require.NoError(t, s.validate(t0))
	assert.Equal(t, ChatNormal, s.AgentChattiness)
}

func TestNormalizeImageURL(t *testing.T) {
	const id = "1AbCdEfGhIjKlMnOpQrStUvWxYz_-9"
	want := "https://lh3.googleusercontent.com/d/" + id
	for _, in := range []string{
		"https://drive.google.com/file/d/" + id + "/view?usp=sharing",
		"https://drive.google.com/file/d/" + id + "/view",
		"https://drive.google.com/open?id=" + id,
		"https://drive.google.com/uc?id=" + id + "&export=view",
		"https://drive.google.com/uc?export=download&id=" + id,
		"https://drive.google.com/thumbnail?id=" + id + "&sz=w1000",
		"https://lh3.googleusercontent.com/d/" + id + "=w800",
		"  " + id + "  ",
	} {
		got, ok := NormalizeImageURL(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	got, ok := NormalizeImageURL("https://i.imgur.com/abc.png")
	assert.True(t, ok)
	assert.Equal(t, "https://i.imgur.com/abc.png", got)
	got, ok = NormalizeImageURL("")
	assert.True(t, ok)
	assert.Equal(t, "", got)
	for _, bad := range []string{"javascript:alert(1)", "not a url", "ftp://x/y.png", "short"} {
		_, ok := NormalizeImageURL(bad)
		assert.False(t, ok, bad)
	}
}

// An entry addressed through the wrong campaign is missing: nothing is
// written, whether the entry is renamed, removed or moved.
func TestEntryOfAnotherCampaignIsNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := seedCampaign(t, db, nil, "A1", "A2")
		b := seedCampaign(t, db, nil, "B1", "B2")
		other := b.Entries[0].ID
		name := "Renamed"
		_, err := UpdateEntry(db, a.ID, other, EntryPatch{Name: &name})
		errContains(t, err, fault.KindNotFound, "not found")
		errContains(t, RemoveEntry(db, a.ID, other), fault.KindNotFound, "not found")
		errContains(t, MoveEntry(db, a.ID, other, 1), fault.KindNotFound, "not found")
		assert.Equal(t, fault.KindMalformed, fault.KindOf(ReorderEntries(db, a.ID, []int{a.Entries[0].ID, other})))

		b, err = Get(db, b.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{"B1", "B2"}, []string{b.Entries[0].Name, b.Entries[1].Name})
		a, err = Get(db, a.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{"A1", "A2"}, []string{a.Entries[0].Name, a.Entries[1].Name})

		// By its own id (the API's address) the entry is found.
		e, err := UpdateEntryByID(db, other, EntryPatch{Name: &name})
		require.NoError(t, err)
		assert.Equal(t, "Renamed", e.Name)
	})
}
