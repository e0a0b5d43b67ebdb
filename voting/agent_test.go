package voting

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

func logged(evs ...string) map[string]bool {
	m := map[string]bool{}
	for _, e := range evs {
		m[e] = true
	}
	return m
}

func stats(e, v int) Stats {
	s := Stats{Eligible: e, Voted: v, Ballots: v}
	s.derive()
	return s
}

const (
	L             = EventLaunch
	FV            = EventFirstVote
	FS            = EventFinalStretch
	m25, m50, m75 = EventMilestone25, EventMilestone50, EventMilestone75
)

// §10.7 milestone detection. Lead changes reach DetectEvent already
// confirmed by trackLeader (hysteresis, §12.1), so "cur/prev 2/1" is
// LeadChange=true and "1/1", "1/none" are false.
func TestDetectEventVectors(t *testing.T) {
	cases := []struct {
		name   string
		status string
		st     Stats
		h      float64
		log    map[string]bool
		chat   string
		lead   bool
		ann    bool
		want   string
	}{
		{"M1", StatusLive, stats(10, 0), 168, logged(), ChatNormal, false, false, L},
		{"M2", StatusLive, stats(10, 0), 168, logged(L), ChatNormal, false, false, ""},
		{"M3", StatusLive, stats(10, 0), 168, logged(), ChatQuiet, false, false, L},
		{"M4", StatusLive, stats(4, 1), 100, logged(L), ChatHype, false, false, m25},
		{"M5", StatusLive, stats(4, 2), 100, logged(L, FV, m25), ChatHype, false, false, m50},
		{"M6", StatusLive, stats(4, 2), 100, logged(L, FV), ChatNormal, false, false, m50},
		{"M7", StatusLive, stats(4, 1), 100, logged(L, FV), ChatNormal, false, false, ""},
		{"M8", StatusLive, stats(4, 2), 100, logged(L, FV, m25, m50), ChatHype, false, false, ""},
		{"M9", StatusLive, stats(4, 3), 100, logged(L, FV, m25, m50), ChatHype, false, false, m75},
		{"M10", StatusLive, stats(10, 0), 23.9, logged(L), ChatNormal, false, false, FS},
		{"M11", StatusLive, stats(10, 0), 25, logged(L), ChatNormal, false, false, ""},
		{"M12", StatusLive, stats(10, 0), 0.9, logged(L, FS), ChatNormal, false, false, EventLastCall},
		{"M13", StatusLive, stats(10, 0), 0.9, logged(L), ChatQuiet, false, false, ""},
		{"M14", StatusLive, stats(10, 0), 10, logged(L, FS), ChatNormal, false, false, ""},
		{"M15", StatusLive, stats(5, 3), 100, logged(L, FV), ChatHype, true, false, EventLeadChange},
		{"M16", StatusLive, stats(5, 3), 100, logged(L, FV), ChatHype, false, false, m50},
		{"M17", StatusLive, stats(5, 3), 100, logged(L, FV), ChatHype, false, false, m50},
		{"M18", StatusLive, stats(5, 3), 100, logged(L, FV), ChatNormal, true, false, m50},
		{"M19", StatusLive, stats(5, 3), 100, logged(L), ChatQuiet, true, false, ""},
		{"M20", StatusLive, stats(4, 2), 100, logged(L, FV, m25), ChatHype, true, false, EventLeadChange},
		{"M21", StatusLive, stats(4, 2), 0.5, logged(L, FV, m25, FS), ChatNormal, false, false, EventLastCall},
		{"M22", StatusLive, stats(4, 4), 50, logged(L, FV, m25, m50), ChatHype, false, false, EventAllVoted},
		{"M23", StatusClosed, stats(10, 7), 0, logged(L), ChatNormal, false, false, EventClosed},
		{"M24", StatusClosed, stats(4, 4), 0, logged(L), ChatNormal, false, false, EventAllVoted},
		{"M25", StatusClosed, stats(10, 7), 0, logged(L, EventClosed), ChatNormal, false, true, ""},
		{"M26", StatusClosed, stats(10, 1), 0, logged(L, EventClosed), ChatHype, false, true, ""},
		{"M27", StatusClosed, stats(10, 7), 0, logged(), ChatQuiet, false, false, EventClosed},
		// M28 changed by §12.20: an all_voted posted while live was progress
		// ("results come at close"), so the close is still announced.
		{"M28 (live all_voted was progress)", StatusClosed, stats(4, 4), 0, logged(EventAllVoted), ChatNormal, false, false, EventClosed},
		{"M28 (all_voted announced results)", StatusClosed, stats(4, 4), 0, logged(EventAllVoted), ChatNormal, false, true, ""},
		{"M29", StatusLive, stats(4, 1), 168, logged(L), ChatNormal, false, false, FV},
		{"M30a", StatusLive, stats(4, 1), 168, logged(), ChatQuiet, false, false, L},
		{"M30b", StatusLive, stats(4, 1), 168, logged(L), ChatQuiet, false, false, ""},
		// M31 fixed (§12.3): quiet + all voted still announces the results.
		{"M31", StatusClosed, stats(4, 4), 0, logged(), ChatQuiet, false, false, EventClosed},
		// M32 fixed (§12.2): launch first, before any other event.
		{"M32", StatusLive, stats(10, 1), 20, logged(), ChatNormal, false, false, L},
		// §12.2 stale time warnings: under an hour left, only last_call.
		{"stale final_stretch", StatusLive, stats(10, 0), 0.5, logged(L), ChatNormal, false, false, EventLastCall},
		{"stale final_stretch after last_call", StatusLive, stats(10, 0), 0.5, logged(L, EventLastCall), ChatNormal, false, false, ""},
		// a lower milestone never follows a higher one
		{"m25 after m50", StatusLive, stats(4, 2), 100, logged(L, m50), ChatHype, false, false, ""},
		{"unknown chattiness is normal", StatusLive, stats(4, 2), 100, logged(L, FV), "extreme", true, false, m50},
		{"draft", StatusDraft, stats(4, 0), 100, logged(), ChatHype, false, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := DetectEvent(AgentInput{Status: tc.status, Stats: tc.st, HoursLeft: tc.h, Logged: tc.log,
				Chattiness: tc.chat, LeadChange: tc.lead, ResultsAnnounced: tc.ann})
			assert.Equal(t, tc.want, got)
		})
	}
}

// §10.6
func TestChattinessSets(t *testing.T) {
	all := []string{L, FV, m25, m50, m75, FS, EventLastCall, EventAllVoted, EventLeadChange, EventClosed}
	count := func(chat string) (n int) {
		for _, e := range all {
			if Allowed(chat, e) {
				n++
			}
		}
		return
	}
	assert.Equal(t, 2, count(ChatQuiet))
	assert.Equal(t, 7, count(ChatNormal))
	assert.Equal(t, 10, count(ChatHype))
	assert.Equal(t, 7, count("extreme"))
}

func TestTrackLeaderHysteresis(t *testing.T) {
	st := &models.ContestAgentState{}
	ss := func(a, b int) []Standing {
		return []Standing{{EntryID: 1, Score: a}, {EntryID: 2, Score: b}}
	}
	swap := func(s []Standing) []Standing {
		if s[1].Score > s[0].Score {
			s[0], s[1] = s[1], s[0]
		}
		return s
	}
	changed, _ := trackLeader(st, ss(0, 0))
	assert.False(t, changed)
	assert.Nil(t, st.LeaderEntryID)
	changed, _ = trackLeader(st, ss(3, 0)) // first leader recorded silently
	assert.False(t, changed)
	assert.Equal(t, 1, *st.LeaderEntryID)
	changed, _ = trackLeader(st, ss(3, 3)) // a tie is nobody's lead
	assert.False(t, changed)
	changed, _ = trackLeader(st, swap(ss(3, 5))) // B ahead: 1 pass
	assert.False(t, changed)
	changed, _ = trackLeader(st, ss(6, 5)) // A back: challenger reset
	assert.False(t, changed)
	changed, _ = trackLeader(st, swap(ss(6, 8)))
	assert.False(t, changed)
	changed, old := trackLeader(st, swap(ss(6, 8))) // 2 passes in a row
	assert.True(t, changed)
	assert.Equal(t, 1, old)
	assert.Equal(t, 2, *st.LeaderEntryID)
}

func pickFirst(int) int { return 0 }

// §10.8 message generation.
func TestRenderMessage(t *testing.T) {
	d := MessageData{Title: "Guild Art Vote", Description: "Best art wins", VoteURL: "https://x.test/vote/1",
		CloseDate: "Feb 28 at 09:00 PM UTC", Picks: 3, Live: true}
	for i := 0; i < 2; i++ {
		_, text := RenderMessage(EventLaunch, d, func(int) int { return i })
		assert.Contains(t, text, "Guild Art Vote")
		assert.Contains(t, text, "https://x.test/vote/1")
		assert.NotContains(t, text, "{")
	}
	lc := d
	lc.NewLeader, lc.OldLeader, lc.NewScore, lc.OldScore = "Trogmoon", "Skatefarm", 9, 7
	lc.Standings = []LeaderLine{{"Trogmoon", 9}, {"Skatefarm", 7}}
	for i := 0; i < 3; i++ {
		_, text := RenderMessage(EventLeadChange, lc, func(int) int { return i })
		assert.Contains(t, text, "Trogmoon")
		assert.Contains(t, text, "Skatefarm")
	}
	cl := MessageData{Title: "Guild Art Vote", TotalVoters: 10, ResultsURL: "https://x.test/vote/1",
		Standings: []LeaderLine{{"Trogmoon", 30}, {"Skatefarm", 24}, {"Mito", 18}}}
	for i := 0; i < 2; i++ {
		title, text := RenderMessage(EventClosed, cl, func(int) int { return i })
		assert.Equal(t, "🏆 Guild Art Vote", title)
		assert.Contains(t, text, "Guild Art Vote")
		assert.Contains(t, text, "Trogmoon")
		assert.Contains(t, text, "30")
	}
	_, text := RenderMessage("mystery", MessageData{}, nil)
	assert.True(t, strings.HasPrefix(text, "[mystery]"))
	for _, ev := range []string{L, FV, m25, m50, m75, FS, EventLastCall, EventAllVoted, EventLeadChange, EventClosed} {
		_, text := RenderMessage(ev, MessageData{}, func(n int) int { return n + 5 }) // out-of-range pick is safe
		assert.NotEmpty(t, text, ev)
		assert.NotContains(t, text, "{", ev)
	}
	// personality: a close race and the picks count of the campaign
	race := MessageData{Title: "T", Picks: 5, Standings: []LeaderLine{{"A", 10}, {"B", 9}}}
	_, text = RenderMessage(EventMilestone50, race, pickFirst)
	assert.Contains(t, text, "neck and neck")
	_, text = RenderMessage(EventLaunch, race, func(int) int { return 1 })
	assert.Contains(t, text, "top 5 picks")
}

func agentFor() *Agent { return &Agent{BaseURL: "https://patt.test", Pick: pickFirst} }

func agentLog(t *testing.T, db *gorm.DB, id int) []models.ContestAgentLog {
	t.Helper()
	var ms []models.ContestAgentLog
	require.NoError(t, db.Where("campaign_id = ?", id).Order("id").Find(&ms).Error)
	return ms
}

func events(ms []models.ContestAgentLog) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.EventType)
	}
	return out
}

// §10.9 agent integration, with Discord left to a later sender: rows are
// queued as pending and nothing claims to be posted.
func TestAgentIntegration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		hype := func(s *Settings) {
			s.AgentChattiness = ChatHype
			s.DiscordChannelID = "123"
			s.EarlyCloseIfAllVoted = false
		}
		// A1/A2: launch queued once, pending, with the title and link
		c := liveCampaign(t, db, hype, "A", "B", "C")
		a := agentFor()
		require.NoError(t, a.RunPass(db, t0))
		require.NoError(t, a.RunPass(db, t0))
		ms := agentLog(t, db, c.ID)
		require.Equal(t, []string{L}, events(ms))
		assert.Equal(t, MessagePending, ms[0].Status)
		assert.Nil(t, ms[0].DiscordMessageID)
		assert.Nil(t, ms[0].PostedAt)
		assert.Contains(t, ms[0].Message, "Guild Art Vote")
		assert.Contains(t, ms[0].Message, fmt.Sprintf("https://patt.test/vote/%d", c.ID))
		assert.Equal(t, "123", *ms[0].ChannelID)

		// A3 rewritten for real lead tracking: A leads, then B overtakes
		// and holds it two passes → one lead_change naming both.
		voters := []models.Player{seedPlayer(t, db, "P1", 3), seedPlayer(t, db, "P2", 3), seedPlayer(t, db, "P3", 3),
			seedPlayer(t, db, "P4", 3), seedPlayer(t, db, "P5", 3), seedPlayer(t, db, "P6", 3)}
		require.NoError(t, CastBallot(db, t0, c.ID, voters[0].ID, picksOf(c, "A", "C", "B")))
		require.NoError(t, a.RunPass(db, t0)) // leader A recorded; first_vote/m25 due
		require.NoError(t, CastBallot(db, t0, c.ID, voters[1].ID, picksOf(c, "B", "C", "A")))
		require.NoError(t, CastBallot(db, t0, c.ID, voters[2].ID, picksOf(c, "B", "A", "C")))
		require.NoError(t, a.RunPass(db, t0))
		require.NoError(t, a.RunPass(db, t0))
		ms = agentLog(t, db, c.ID)
		var lead *models.ContestAgentLog
		for i := range ms {
			if ms[i].EventType == EventLeadChange {
				lead = &ms[i]
			}
		}
		require.NotNil(t, lead, "events: %v", events(ms))
		assert.Contains(t, lead.Message, "B")
		assert.Contains(t, lead.Message, "A")
		assert.Equal(t, entryID(c, "B"), *lead.LeaderEntryID)

		// A4: closed with results → campaign_closed naming the winner
		_, err := Close(db, t0.Add(time.Hour), c.ID)
		require.NoError(t, err)
		require.NoError(t, a.RunPass(db, t0.Add(time.Hour)))
		require.NoError(t, a.RunPass(db, t0.Add(2*time.Hour)))
		ms = agentLog(t, db, c.ID)
		last := ms[len(ms)-1]
		assert.Equal(t, EventClosed, last.EventType)
		assert.True(t, last.AnnouncesResults)
		assert.Contains(t, last.Message, "B")
		n := 0
		for _, m := range ms {
			if m.EventType == EventClosed {
				n++
			}
		}
		assert.Equal(t, 1, n)

		// A5: a quiet live campaign with no votes stays at {launch}
		q := liveCampaign(t, db, func(s *Settings) { s.AgentChattiness = ChatQuiet }, "A", "B", "C")
		for i := 0; i < 3; i++ {
			require.NoError(t, a.RunPass(db, t0))
		}
		assert.Equal(t, []string{L}, events(agentLog(t, db, q.ID)))

		// A6: agent off → nothing queued
		off := liveCampaign(t, db, func(s *Settings) { s.AgentEnabled = false }, "A", "B", "C")
		require.NoError(t, a.RunPass(db, t0))
		assert.Empty(t, agentLog(t, db, off.ID))

		// §12.5: a close older than StaleAfter is not announced
		old := liveCampaign(t, db, func(s *Settings) { s.AgentChattiness = ChatQuiet }, "A", "B", "C")
		_, err = Close(db, t0, old.ID)
		require.NoError(t, err)
		db.Where("campaign_id = ?", old.ID).Delete(&models.ContestAgentLog{})
		require.NoError(t, a.RunPass(db, t0.Add(72*time.Hour)))
		assert.Empty(t, agentLog(t, db, old.ID))
	})
}
