package voting

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/fault"
	"patt/models"
)

// Chattiness values of the contest agent.
const (
	ChatQuiet  = "quiet"
	ChatNormal = "normal"
	ChatHype   = "hype"
)

// Settings are a campaign's editable fields (the editor form and the API).
type Settings struct {
	Title                string
	Description          string
	Type                 string
	PicksPerVoter        int
	MinRankToVote        int
	MinRankToView        *int // nil or 0: public
	StartAt              time.Time
	DurationHours        int
	DiscordChannelID     string
	EarlyCloseIfAllVoted bool
	AgentEnabled         bool
	AgentChattiness      string
}

// DefaultSettings are a new campaign's values (L18).
func DefaultSettings(now time.Time) Settings {
	return Settings{
		Type: TypeRankedChoice, PicksPerVoter: 3, MinRankToVote: 3,
		StartAt: now.UTC().Truncate(time.Hour).Add(time.Hour), DurationHours: 168,
		EarlyCloseIfAllVoted: true, AgentEnabled: true, AgentChattiness: ChatNormal,
	}
}

// SettingsOf reads a campaign's settings back, for editing.
func SettingsOf(c *models.Campaign) Settings {
	s := Settings{
		Title: c.Title, Type: c.Type, PicksPerVoter: c.PicksPerVoter, MinRankToVote: c.MinRankToVote,
		MinRankToView: c.MinRankToView, StartAt: c.StartAt.UTC(), DurationHours: c.DurationHours,
		EarlyCloseIfAllVoted: c.EarlyCloseIfAllVoted, AgentEnabled: c.AgentEnabled, AgentChattiness: c.AgentChattiness,
	}
	if c.Description != nil {
		s.Description = *c.Description
	}
	if c.DiscordChannelID != nil {
		s.DiscordChannelID = *c.DiscordChannelID
	}
	return s
}

var channelID = regexp.MustCompile(`^[0-9]{1,20}$`)

// NormalizeChattiness maps unknown values to normal (§10.6).
func NormalizeChattiness(v string) string {
	switch v {
	case ChatQuiet, ChatHype:
		return v
	}
	return ChatNormal
}

// validate checks settings for a campaign about to be saved as a draft.
func (s *Settings) validate(now time.Time) error {
	f := map[string]string{}
	s.Title = strings.TrimSpace(s.Title)
	s.Description = strings.TrimSpace(s.Description)
	s.DiscordChannelID = strings.TrimSpace(s.DiscordChannelID)
	if s.Type == "" {
		s.Type = TypeRankedChoice
	}
	s.AgentChattiness = NormalizeChattiness(s.AgentChattiness)
	if s.MinRankToView != nil && *s.MinRankToView == 0 {
		s.MinRankToView = nil
	}
	switch {
	case s.Title == "":
		f["title"] = "Title is required."
	case len([]rune(s.Title)) > 200:
		f["title"] = "Title must be at most 200 characters."
	}
	if !ValidType(s.Type) {
		f["type"] = "Choose one of the campaign types."
	}
	if s.PicksPerVoter < 1 || s.PicksPerVoter > 10 {
		f["picks_per_voter"] = "Picks per voter must be between 1 and 10."
	}
	if s.MinRankToVote < 1 || s.MinRankToVote > 5 {
		f["min_rank_to_vote"] = "Choose the lowest rank that may vote."
	}
	if s.MinRankToView != nil && (*s.MinRankToView < 1 || *s.MinRankToView > 5) {
		f["min_rank_to_view"] = "Choose Public or a rank."
	}
	if s.DurationHours < 1 || s.DurationHours > 8760 {
		f["duration_hours"] = "Duration must be between 1 and 8760 hours."
	}
	if s.StartAt.IsZero() {
		f["start_at"] = "Start date and time are required."
	} else if _, bad := f["duration_hours"]; !bad && !s.StartAt.Add(time.Duration(s.DurationHours)*time.Hour).After(now) {
		// §12.10: a campaign that would already be over is refused.
		f["start_at"] = "This start and duration end in the past."
	}
	if s.DiscordChannelID != "" && !channelID.MatchString(s.DiscordChannelID) {
		f["discord_channel_id"] = "A Discord channel id is a number (up to 20 digits)."
	}
	if len(f) > 0 {
		return fault.InvalidFields("Please fix the highlighted fields.", f)
	}
	return nil
}

func (s Settings) apply(c *models.Campaign) {
	c.Title = s.Title
	c.Description = optString(s.Description)
	c.Type = s.Type
	c.PicksPerVoter = s.PicksPerVoter
	c.MinRankToVote = s.MinRankToVote
	c.MinRankToView = s.MinRankToView
	c.StartAt = s.StartAt.UTC()
	c.DurationHours = s.DurationHours
	c.DiscordChannelID = optString(s.DiscordChannelID)
	c.EarlyCloseIfAllVoted = s.EarlyCloseIfAllVoted
	c.AgentEnabled = s.AgentEnabled
	c.AgentChattiness = s.AgentChattiness
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Create saves a new draft campaign.
func Create(db *gorm.DB, now time.Time, s Settings, createdBy *int) (*models.Campaign, error) {
	if err := s.validate(now); err != nil {
		return nil, err
	}
	c := &models.Campaign{Status: StatusDraft, CreatedByPlayerID: createdBy, CreatedAt: now, UpdatedAt: now}
	s.apply(c)
	if err := db.Omit(clause.Associations).Create(c).Error; err != nil {
		return nil, fmt.Errorf("create campaign: %w", err)
	}
	return c, nil
}

// Update changes a draft's settings.
func Update(db *gorm.DB, now time.Time, id int, s Settings) (*models.Campaign, error) {
	if err := s.validate(now); err != nil {
		return nil, err
	}
	var c models.Campaign
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return errorf(fault.KindConflict, "Campaign can only be edited while in draft status")
		}
		s.apply(&c)
		c.UpdatedAt = now
		return tx.Omit(clause.Associations).Save(&c).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// lockCampaign loads a campaign inside tx and locks its row on Postgres:
// exclusive for state changes, shared for ballots (so many members vote at
// once, but a close waits for ballots in flight and they wait for it).
// SQLite transactions already take the write lock at BEGIN.
func lockCampaign(tx *gorm.DB, id int, c *models.Campaign, exclusive bool) error {
	q := tx
	// SQLite needs no row lock: every transaction begins IMMEDIATE (see
	// models.Open), so writers already queue one at a time.
	if models.DialectOf(tx) == models.Postgres {
		strength := clause.LockingStrengthShare
		if exclusive {
			strength = clause.LockingStrengthUpdate
		}
		q = q.Clauses(clause.Locking{Strength: strength})
	}
	err := q.Where("id = ?", id).Take(c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errorf(fault.KindNotFound, "Campaign %d not found", id)
	}
	if err != nil {
		return fmt.Errorf("load campaign %d: %w", id, err)
	}
	return nil
}

// Get loads a campaign with its entries in display order (sort_order, id).
func Get(db *gorm.DB, id int) (*models.Campaign, error) {
	var c models.Campaign
	err := db.Preload("Entries", func(q *gorm.DB) *gorm.DB { return q.Order("sort_order, id") }).
		Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errorf(fault.KindNotFound, "Campaign %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load campaign %d: %w", id, err)
	}
	return &c, nil
}

// statusOrder sorts the officers' list: live, scheduled, draft, closed,
// archived.
var statusOrder = map[string]int{StatusLive: 0, StatusScheduled: 1, StatusDraft: 2, StatusClosed: 3, "archived": 4}

// List returns every campaign with its entries, live first, then scheduled,
// drafts, then closed; newest start first within a status.
func List(db *gorm.DB) ([]models.Campaign, error) {
	var cs []models.Campaign
	if err := db.Preload("Entries", func(q *gorm.DB) *gorm.DB { return q.Order("sort_order, id") }).
		Order("start_at DESC, id DESC").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	sort.SliceStable(cs, func(i, j int) bool { return statusOrder[cs[i].Status] < statusOrder[cs[j].Status] })
	return cs, nil
}

// Activate puts a draft live (§2.1), or schedules it when its start is
// still ahead: a scheduled campaign takes no ballots and the checker opens
// it at start_at (§12.10: the start time is kept, not jumped). A past
// start_at becomes now. The ballot must be fillable: at least one entry
// and at least picks_per_voter of them (§12.8).
func Activate(db *gorm.DB, now time.Time, id int) (*models.Campaign, error) {
	var c models.Campaign
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return errorf(fault.KindConflict, "Campaign is already %s, cannot activate", c.Status)
		}
		if err := readyToGoLive(tx, &c); err != nil {
			return err
		}
		if c.StartAt.After(now) {
			c.Status = StatusScheduled
		} else {
			c.StartAt = now
			c.Status = StatusLive
		}
		c.UpdatedAt = now
		return tx.Omit(clause.Associations).Save(&c).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// ErrNotReady: the campaign's ballot could not be filled (too few
// entries); every such refusal wraps it, with the detail in its message.
var ErrNotReady = fault.Conflict("Campaign is not ready, cannot activate")

// ReadyToActivate says why a campaign could not go live yet (nil: it can),
// for the editor to show after a refused activation.
func ReadyToActivate(db *gorm.DB, c *models.Campaign) error {
	return readyToGoLive(db, c)
}

func readyToGoLive(tx *gorm.DB, c *models.Campaign) error {
	var n int64
	if err := tx.Model(&models.CampaignEntry{}).Where("campaign_id = ?", c.ID).Count(&n).Error; err != nil {
		return fmt.Errorf("count entries: %w", err)
	}
	if n == 0 {
		return fault.Wrap(fault.KindConflict, "Campaign has no entries yet, cannot activate: add at least one entry first", ErrNotReady)
	}
	if int(n) < c.PicksPerVoter {
		return fault.Wrap(fault.KindConflict, fmt.Sprintf("Campaign has %d entries but asks for %d picks, cannot activate: add entries or lower the picks per voter", n, c.PicksPerVoter), ErrNotReady)
	}
	return nil
}

// Close ends a live campaign and stores its results (§2.1, §5.3).
func Close(db *gorm.DB, now time.Time, id int) (*models.Campaign, error) {
	var c models.Campaign
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if c.Status != StatusLive {
			return errorf(fault.KindConflict, "Campaign is %s, cannot close", c.Status)
		}
		return closeLocked(tx, now, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// closeLocked counts the ballots, replaces the stored results, snapshots
// turnout and marks the campaign closed, inside the caller's transaction.
func closeLocked(tx *gorm.DB, now time.Time, c *models.Campaign) error {
	t, err := countCampaign(tx, c)
	if err != nil {
		return err
	}
	stats, err := statsOf(tx, c)
	if err != nil {
		return err
	}
	if err := tx.Where("campaign_id = ?", c.ID).Delete(&models.CampaignResult{}).Error; err != nil {
		return fmt.Errorf("clear results: %w", err)
	}
	rows := make([]models.CampaignResult, 0, len(t.Standings))
	for _, s := range t.Standings {
		cid, eid, rank := c.ID, s.EntryID, s.Rank
		rows = append(rows, models.CampaignResult{CampaignID: &cid, EntryID: &eid, FirstPlaceCount: s.Firsts,
			SecondPlaceCount: s.Seconds, ThirdPlaceCount: s.Thirds, WeightedScore: s.Score, FinalRank: &rank, CalculatedAt: now})
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return fmt.Errorf("store results: %w", err)
		}
	}
	snap := models.CampaignTally{CampaignID: c.ID, TotalEligible: stats.Eligible, TotalVoted: stats.Voted,
		TotalBallots: stats.Ballots, ClosedAt: now}
	if len(t.Rounds) > 0 {
		b, err := json.Marshal(t.Rounds)
		if err != nil {
			return err
		}
		s := string(b)
		snap.Rounds = &s
	}
	if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&snap).Error; err != nil {
		return fmt.Errorf("store tally: %w", err)
	}
	c.Status = StatusClosed
	c.UpdatedAt = now
	if err := tx.Omit(clause.Associations).Save(c).Error; err != nil {
		return fmt.Errorf("close campaign %d: %w", c.ID, err)
	}
	return nil
}

// countCampaign tallies a campaign's current ballots by its type.
func countCampaign(db *gorm.DB, c *models.Campaign) (Tally, error) {
	var entries []models.CampaignEntry
	if err := db.Where("campaign_id = ?", c.ID).Order("sort_order, id").Find(&entries).Error; err != nil {
		return Tally{}, fmt.Errorf("load entries: %w", err)
	}
	te := make([]TallyEntry, len(entries))
	for i, e := range entries {
		te[i] = TallyEntry{ID: e.ID, Name: e.Name, SortOrder: e.SortOrder}
	}
	var votes []models.Vote
	if err := db.Where("campaign_id = ?", c.ID).Order("player_id, rank").Find(&votes).Error; err != nil {
		return Tally{}, fmt.Errorf("load votes: %w", err)
	}
	var ballots []BallotPicks
	last := -1
	for _, v := range votes {
		if v.EntryID == nil {
			continue
		}
		if v.PlayerID != last {
			ballots = append(ballots, BallotPicks{})
			last = v.PlayerID
		}
		b := &ballots[len(ballots)-1]
		// ranks are 1..N, so rank-1 is the slot; pad defensively for old rows
		for len(*b) < v.Rank-1 {
			*b = append(*b, 0)
		}
		*b = append(*b, *v.EntryID)
	}
	return Count(c.Type, c.PicksPerVoter, te, ballots), nil
}
