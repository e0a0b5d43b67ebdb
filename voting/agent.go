package voting

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/models"
)

// Contest agent events (§9.2).
const (
	EventLaunch       = "campaign_launch"
	EventFirstVote    = "first_vote"
	EventMilestone25  = "milestone_25"
	EventMilestone50  = "milestone_50"
	EventMilestone75  = "milestone_75"
	EventFinalStretch = "final_stretch"
	EventLastCall     = "last_call"
	EventAllVoted     = "all_voted"
	EventLeadChange   = "lead_change"
	EventClosed       = "campaign_closed"
)

// priority, most exciting first (§9.2). Launch is not in it: it always goes
// first, before anything else is considered (§12.2).
var priority = []string{EventAllVoted, EventClosed, EventLeadChange, EventLastCall, EventFinalStretch,
	EventMilestone75, EventMilestone50, EventMilestone25, EventFirstVote}

// chattiness sets (§10.6); unknown values behave as normal.
var chattySets = map[string]map[string]bool{
	ChatQuiet: {EventLaunch: true, EventClosed: true},
	ChatNormal: {EventLaunch: true, EventFirstVote: true, EventMilestone50: true, EventFinalStretch: true,
		EventLastCall: true, EventAllVoted: true, EventClosed: true},
	ChatHype: {EventLaunch: true, EventFirstVote: true, EventMilestone25: true, EventMilestone50: true,
		EventMilestone75: true, EventFinalStretch: true, EventLastCall: true, EventAllVoted: true,
		EventLeadChange: true, EventClosed: true},
}

// Allowed reports whether a chattiness level posts an event.
func Allowed(chattiness, event string) bool {
	return chattySets[NormalizeChattiness(chattiness)][event]
}

// AgentInput is what the agent knows about a campaign on one pass.
type AgentInput struct {
	Status     string
	Stats      Stats
	HoursLeft  float64
	Logged     map[string]bool
	Chattiness string
	// LeadChange is true when the lead has changed hands for good (after
	// hysteresis, see trackLeader).
	LeadChange bool
	// ResultsAnnounced: a campaign_closed, or an all_voted posted after the
	// close, is in the log.
	ResultsAnnounced bool
}

// obsoletedBy lists, for progress and time events, the later events of the
// same kind that make them stale: "25 % are in" after "50 % are in" would be
// news from the past.
var obsoletedBy = map[string][]string{
	EventFirstVote:    {EventMilestone25, EventMilestone50, EventMilestone75, EventAllVoted},
	EventMilestone25:  {EventMilestone50, EventMilestone75, EventAllVoted},
	EventMilestone50:  {EventMilestone75, EventAllVoted},
	EventMilestone75:  {EventAllVoted},
	EventFinalStretch: {EventLastCall},
}

// DetectEvent picks the one event due for a campaign on this pass, or ""
// (§9.2–9.3 with the §12 fixes): launch first; a time warning that has gone
// stale is skipped (no "24 hours left" with under an hour to go); events
// made stale by a later one of their kind are skipped; a closed campaign
// always gets its results announced once, whatever the chattiness, even if
// everyone voted (§12.3) or all_voted was posted while it was still live
// (§12.20: that post was progress, not results).
func DetectEvent(in AgentInput) string {
	chat := NormalizeChattiness(in.Chattiness)
	switch in.Status {
	case StatusClosed:
		if in.ResultsAnnounced || in.Logged[EventClosed] {
			return ""
		}
		if in.Stats.AllVoted && Allowed(chat, EventAllVoted) && !in.Logged[EventAllVoted] {
			return EventAllVoted
		}
		return EventClosed
	case StatusLive:
	default:
		return ""
	}
	if !in.Logged[EventLaunch] {
		return EventLaunch
	}
	due := map[string]bool{
		EventAllVoted:     in.Stats.AllVoted,
		EventLeadChange:   in.LeadChange,
		EventLastCall:     in.HoursLeft <= 1,
		EventFinalStretch: in.HoursLeft <= 24 && in.HoursLeft > 1,
		EventMilestone75:  in.Stats.Percent >= 75,
		EventMilestone50:  in.Stats.Percent >= 50,
		EventMilestone25:  in.Stats.Percent >= 25,
		EventFirstVote:    in.Stats.Voted >= 1 || in.Stats.Ballots >= 1,
	}
	for _, ev := range priority {
		if !due[ev] || !Allowed(chat, ev) {
			continue
		}
		if ev != EventLeadChange && in.Logged[ev] {
			continue
		}
		stale := false
		for _, later := range obsoletedBy[ev] {
			if in.Logged[later] {
				stale = true
			}
		}
		if !stale {
			return ev
		}
	}
	return ""
}

// hysteresisPasses is how many passes in a row a new leader must hold a
// clear lead (strictly more points than the runner-up) before the agent
// calls a lead change, so a see-saw tie doesn't flap (§12.1).
const hysteresisPasses = 2

// trackLeader updates the agent's leader memory from the current standings
// and reports a confirmed lead change and the leader it replaced.
func trackLeader(st *models.ContestAgentState, ss []Standing) (changed bool, old int) {
	top := 0
	if len(ss) > 0 && ss[0].Score > 0 && (len(ss) == 1 || ss[1].Score < ss[0].Score) {
		top = ss[0].EntryID
	}
	reset := func() { st.ChallengerEntryID, st.ChallengerPasses = nil, 0 }
	switch {
	case top == 0:
		reset()
	case st.LeaderEntryID == nil:
		st.LeaderEntryID = &top
		reset()
	case *st.LeaderEntryID == top:
		reset()
	default:
		if st.ChallengerEntryID != nil && *st.ChallengerEntryID == top {
			st.ChallengerPasses++
		} else {
			st.ChallengerEntryID, st.ChallengerPasses = &top, 1
		}
		if st.ChallengerPasses >= hysteresisPasses {
			old = *st.LeaderEntryID
			st.LeaderEntryID = &top
			reset()
			return true, old
		}
	}
	return false, 0
}

// Agent runs the contest agent's decisions. Pick chooses a template
// variant (tests make it deterministic); BaseURL builds the vote links.
type Agent struct {
	BaseURL string
	// Zone is the clock close dates are written on (the guild's); nil is UTC.
	Zone *time.Location
	Pick func(n int) int
	// StaleAfter: a close older than this is not announced any more (§12.5).
	StaleAfter time.Duration
	Log        *slog.Logger
}

func (a *Agent) zone() *time.Location {
	if a.Zone == nil {
		return time.UTC
	}
	return a.Zone
}

func (a *Agent) defaults() {
	if a.Pick == nil {
		a.Pick = func(n int) int { return rand.IntN(n) }
	}
	if a.StaleAfter == 0 {
		a.StaleAfter = 48 * time.Hour
	}
	if a.Log == nil {
		a.Log = slog.Default()
	}
}

// RunPass looks at every live or closed campaign with the agent on and
// queues at most one message each. A failing campaign is logged and the
// pass moves on (§9.1).
func (a *Agent) RunPass(db *gorm.DB, now time.Time) error {
	a.defaults()
	// Closed campaigns whose results were announced are done for good.
	done := db.Model(&models.ContestAgentLog{}).Select("campaign_id").
		Where("event_type = ? OR announces_results = ?", EventClosed, true)
	var ids []int
	if err := db.Model(&models.Campaign{}).Where("agent_enabled = ?", true).
		Where("status = ? OR (status = ? AND id NOT IN (?))", StatusLive, StatusClosed, done).
		Order("id").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("agent: list campaigns: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if _, err := a.RunFor(db, now, id); err != nil {
			a.Log.Error("contest agent", "campaign", id, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RunFor decides and queues the one message due for a campaign now, if
// any, and returns it. It is also called right after an activation so the
// launch post is queued at once (§12.2).
func (a *Agent) RunFor(db *gorm.DB, now time.Time, id int) (*models.ContestAgentLog, error) {
	a.defaults()
	var queued *models.ContestAgentLog
	err := db.Transaction(func(tx *gorm.DB) error {
		var c models.Campaign
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if !c.AgentEnabled || (c.Status != StatusLive && c.Status != StatusClosed) {
			return nil
		}
		var logged []models.ContestAgentLog
		if err := tx.Where("campaign_id = ?", id).Find(&logged).Error; err != nil {
			return err
		}
		in := AgentInput{Status: c.Status, Chattiness: c.AgentChattiness, Logged: map[string]bool{}}
		for _, m := range logged {
			in.Logged[m.EventType] = true
			if m.AnnouncesResults || m.EventType == EventClosed {
				in.ResultsAnnounced = true
			}
		}
		if c.Status == StatusClosed {
			if in.ResultsAnnounced {
				return nil
			}
			var snap models.CampaignTally
			if err := tx.Where("campaign_id = ?", id).Limit(1).Find(&snap).Error; err != nil {
				return err
			}
			if !snap.ClosedAt.IsZero() && now.Sub(snap.ClosedAt) > a.StaleAfter {
				a.Log.Debug("contest agent: close too old to announce", "campaign", id, "closed_at", snap.ClosedAt)
				return nil
			}
		}
		stats, err := CampaignStats(tx, &c)
		if err != nil {
			return err
		}
		in.Stats = stats
		tally, err := Standings(tx, &c)
		if err != nil {
			return err
		}
		var st models.ContestAgentState
		if err := tx.Where("campaign_id = ?", id).Limit(1).Find(&st).Error; err != nil {
			return err
		}
		st.CampaignID = id
		oldLeader := 0
		if c.Status == StatusLive {
			in.HoursLeft = EndsIn(&c, now).Hours()
			in.LeadChange, oldLeader = trackLeader(&st, tally.Standings)
		}
		st.LastVoted, st.LastEligible, st.LastTick = stats.Voted, stats.Eligible, &now
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&st).Error; err != nil {
			return fmt.Errorf("save agent state: %w", err)
		}
		ev := DetectEvent(in)
		if ev == "" {
			return nil
		}
		data := a.messageData(tx, &c, stats, tally, now)
		if ev == EventLeadChange {
			data.fillLeadChange(tx, tally.Standings, oldLeader)
		}
		title, text := RenderMessage(ev, data, a.Pick)
		msg := &models.ContestAgentLog{CampaignID: &id, EventType: ev, Message: text, EmbedTitle: &title,
			ChannelID: c.DiscordChannelID, Status: MessagePending, QueuedAt: &now,
			AnnouncesResults: c.Status == StatusClosed}
		if ev == EventLeadChange && st.LeaderEntryID != nil {
			msg.LeaderEntryID = st.LeaderEntryID
		}
		if err := tx.Create(msg).Error; err != nil {
			return fmt.Errorf("queue %s: %w", ev, err)
		}
		a.Log.Info("contest agent queued a message", "campaign", id, "event", ev)
		queued = msg
		return nil
	})
	return queued, err
}

// AgentMessages lists a campaign's agent messages, newest first.
func AgentMessages(db *gorm.DB, campaignID int) ([]models.ContestAgentLog, error) {
	var ms []models.ContestAgentLog
	err := db.Where("campaign_id = ?", campaignID).Order("id DESC").Find(&ms).Error
	return ms, err
}

func (a *Agent) messageData(db *gorm.DB, c *models.Campaign, stats Stats, t Tally, now time.Time) MessageData {
	d := MessageData{
		Title: c.Title, VoteURL: fmt.Sprintf("%s/vote/%d", a.BaseURL, c.ID),
		CloseDate: EndAt(c).In(a.zone()).Format("Jan 02 at 03:04 PM MST"),
		Voted:     stats.Voted, Total: stats.Eligible, TotalVoters: stats.Ballots,
		Picks: c.PicksPerVoter, Live: c.Status == StatusLive,
	}
	d.ResultsURL = d.VoteURL
	if c.Description != nil {
		d.Description = *c.Description
	}
	d.Remaining = max(0, stats.Eligible-stats.Voted)
	for _, s := range t.Standings {
		if s.Score > 0 {
			d.Standings = append(d.Standings, LeaderLine{Name: s.Name, Score: s.Score})
		}
	}
	return d
}

// fillLeadChange names the new and the old leader; the old one is looked
// up even when it has dropped to zero points.
func (d *MessageData) fillLeadChange(db *gorm.DB, ss []Standing, old int) {
	if len(ss) > 0 {
		d.NewLeader, d.NewScore = ss[0].Name, ss[0].Score
	}
	d.OldLeader = "Unknown"
	for _, s := range ss {
		if s.EntryID == old {
			d.OldLeader, d.OldScore = s.Name, s.Score
			return
		}
	}
	var e models.CampaignEntry
	if err := db.Where("id = ?", old).Limit(1).Find(&e).Error; err == nil && e.ID != 0 {
		d.OldLeader = e.Name
	}
}
