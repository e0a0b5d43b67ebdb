package voting

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/fault"
	"patt/models"
)

// MaxPicks bounds a ballot before any database work (the editor allows 10).
const MaxPicks = 10

// ParseBallotJSON reads {"picks":[{"entry_id":int,"rank":int},…]} and
// checks its shape (§12.8): an object with a picks array of objects whose
// two fields are whole numbers. Anything else is fault.KindMalformed, never a
// panic.
func ParseBallotJSON(body []byte) ([]Pick, error) {
	var in struct {
		Picks []map[string]json.RawMessage `json:"picks"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil {
		return nil, errorf(fault.KindMalformed, "Malformed ballot: expected {\"picks\":[{\"entry_id\":…,\"rank\":…}]}")
	}
	if in.Picks == nil {
		return nil, errorf(fault.KindMalformed, "Malformed ballot: picks is required")
	}
	if len(in.Picks) > MaxPicks*5 {
		return nil, errorf(fault.KindMalformed, "Malformed ballot: too many picks")
	}
	picks := make([]Pick, 0, len(in.Picks))
	for i, p := range in.Picks {
		if p == nil {
			return nil, errorf(fault.KindMalformed, "Malformed ballot: pick %d is not an object", i+1)
		}
		eid, ok1 := wholeNumber(p["entry_id"])
		rank, ok2 := wholeNumber(p["rank"])
		if !ok1 || !ok2 {
			return nil, errorf(fault.KindMalformed, "Malformed ballot: pick %d needs whole-number entry_id and rank", i+1)
		}
		picks = append(picks, Pick{EntryID: eid, Rank: rank})
	}
	return picks, nil
}

func wholeNumber(raw json.RawMessage) (int, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// ParseBallotForm reads the vote page's form: one field rank_<entry id>
// per entry whose value is the rank given to it ("" = not picked). The
// drag-to-rank script fills the same fields, so one format serves both.
func ParseBallotForm(form map[string][]string) ([]Pick, error) {
	var picks []Pick
	for k, vs := range form {
		if !strings.HasPrefix(k, "rank_") || len(vs) == 0 {
			continue
		}
		v := strings.TrimSpace(vs[len(vs)-1])
		if v == "" {
			continue
		}
		eid, err1 := strconv.Atoi(strings.TrimPrefix(k, "rank_"))
		rank, err2 := strconv.Atoi(v)
		if err1 != nil || err2 != nil {
			return nil, errorf(fault.KindMalformed, "Malformed ballot: %q is not a rank", v)
		}
		picks = append(picks, Pick{EntryID: eid, Rank: rank})
		if len(picks) > MaxPicks*5 {
			return nil, errorf(fault.KindMalformed, "Malformed ballot: too many picks")
		}
	}
	sort.Slice(picks, func(i, j int) bool { return picks[i].Rank < picks[j].Rank })
	return picks, nil
}

// CheckPicks applies the ballot rules (§4.2 rules 6–9 plus §12.8): exactly
// n picks, distinct entries, distinct ranks that are exactly 1..n, every
// entry from this campaign. The first failure wins.
func CheckPicks(picks []Pick, n, campaignID int, entryIDs map[int]bool) error {
	if len(picks) != n {
		return errorf(fault.KindMalformed, "Expected %d picks, got %d. Please select exactly %d picks.", n, len(picks), n)
	}
	seenEntry := map[int]bool{}
	seenRank := map[int]bool{}
	for _, p := range picks {
		if seenEntry[p.EntryID] {
			return errorf(fault.KindMalformed, "Duplicate entries in picks")
		}
		seenEntry[p.EntryID] = true
	}
	for _, p := range picks {
		if seenRank[p.Rank] {
			return errorf(fault.KindMalformed, "Duplicate ranks in picks")
		}
		seenRank[p.Rank] = true
	}
	for _, p := range picks {
		if p.Rank < 1 || p.Rank > n {
			return errorf(fault.KindMalformed, "Ranks must be exactly 1 to %d", n)
		}
	}
	for _, p := range picks {
		if !entryIDs[p.EntryID] {
			return errorf(fault.KindMalformed, "Entry %d does not belong to campaign %d", p.EntryID, campaignID)
		}
	}
	return nil
}

// CastBallot stores a player's first ballot (§4.2 with the fixes of
// §12.6–8) in one transaction: the campaign row is share-locked so a close
// waits for it; the ballots row's UNIQUE (campaign, player) turns a
// concurrent second submission into fault.KindConflict (changing a ballot
// is ChangeBallot). Right after, an early close is checked.
func CastBallot(db *gorm.DB, now time.Time, campaignID, playerID int, picks []Pick) error {
	var c models.Campaign
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := checkBallot(tx, now, &c, campaignID, playerID, picks, func() error {
			voted, err := HasVoted(tx, campaignID, playerID)
			if err == nil && voted {
				err = errAlreadyVoted()
			}
			return err
		}); err != nil {
			return err
		}
		if err := tx.Create(&models.Ballot{CampaignID: campaignID, PlayerID: playerID, SubmittedAt: now}).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errAlreadyVoted()
			}
			return fmt.Errorf("store ballot: %w", err)
		}
		if err := storeVotes(tx, now, campaignID, playerID, picks); err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errAlreadyVoted()
			}
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if c.EarlyCloseIfAllVoted {
		if _, err := CloseIfAllVoted(db, now, campaignID); err != nil {
			return fmt.Errorf("early close check: %w", err)
		}
	}
	return nil
}

// ErrNoBallot: a change was asked for by a member who has not voted.
var ErrNoBallot = fault.Conflict("You have no ballot in this campaign to change: submit one first")

// ChangeBallot replaces a player's ballot while the campaign is live, in
// one transaction: the same rules as a first ballot, then the old vote
// rows go and the new ones are written, and the ballot row records when it
// changed. The ballot row stays, so the one-ballot-per-member key holds and
// turnout (voters, ballots) does not move; only the standings follow. The
// ballot row is locked first, so two changes from one member queue rather
// than interleave their deletes and inserts.
func ChangeBallot(db *gorm.DB, now time.Time, campaignID, playerID int, picks []Pick) error {
	var c models.Campaign
	return db.Transaction(func(tx *gorm.DB) error {
		var b models.Ballot
		return checkBallot(tx, now, &c, campaignID, playerID, picks, func() error {
			q := tx
			if models.DialectOf(tx) == models.Postgres {
				q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
			}
			err := q.Where("campaign_id = ? AND player_id = ?", campaignID, playerID).Take(&b).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNoBallot
			}
			return err
		}, func() error {
			if err := tx.Where("campaign_id = ? AND player_id = ?", campaignID, playerID).Delete(&models.Vote{}).Error; err != nil {
				return fmt.Errorf("remove old picks: %w", err)
			}
			if err := storeVotes(tx, now, campaignID, playerID, picks); err != nil {
				return err
			}
			return tx.Model(&b).Update("changed_at", now).Error
		})
	})
}

// checkBallot locks the campaign (shared) and applies the ballot rules in
// the spec's order: campaign state and deadline, player, rank, then
// whether the player may (re)vote (mine), then the picks; then runs the
// writes in then, if any.
func checkBallot(tx *gorm.DB, now time.Time, c *models.Campaign, campaignID, playerID int, picks []Pick, mine func() error, then ...func() error) error {
	if err := lockCampaign(tx, campaignID, c, false); err != nil {
		return err
	}
	switch {
	case c.Status == StatusScheduled:
		return errorf(fault.KindConflict, "Voting has not opened yet: it opens at %s (campaign is not live)",
			c.StartAt.UTC().Format("Jan 02, 2006 15:04 UTC"))
	case c.Status != StatusLive:
		return errorf(fault.KindConflict, "Campaign is %s, voting not allowed (campaign is not live)", c.Status)
	case !now.Before(EndAt(c)):
		return errorf(fault.KindConflict, "Voting has ended: the campaign closed at %s (campaign is not live)",
			EndAt(c).UTC().Format("Jan 02, 2006 15:04 UTC"))
	}
	var p models.Player
	if err := tx.Select("id", "is_active").Where("id = ?", playerID).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errorf(fault.KindNotFound, "Player %d not found", playerID)
		}
		return err
	}
	// Checked here as well as per request: a deactivation that commits
	// while the ballot is in flight, or a caller that is not the web
	// (the bot), must not count.
	if !p.IsActive {
		return errorf(fault.KindForbidden, "Player is inactive and cannot vote")
	}
	lvl, err := RankLevel(tx, playerID)
	if err != nil {
		return err
	}
	if lvl < c.MinRankToVote {
		return errorf(fault.KindForbidden, "Player rank %d does not meet minimum required rank %d", lvl, c.MinRankToVote)
	}
	if err := mine(); err != nil {
		return err
	}
	var ids []int
	if err := tx.Model(&models.CampaignEntry{}).Where("campaign_id = ?", campaignID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	entryIDs := make(map[int]bool, len(ids))
	for _, id := range ids {
		entryIDs[id] = true
	}
	if err := CheckPicks(picks, c.PicksPerVoter, campaignID, entryIDs); err != nil {
		return err
	}
	for _, f := range then {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// storeVotes writes one vote row per pick.
func storeVotes(tx *gorm.DB, now time.Time, campaignID, playerID int, picks []Pick) error {
	rows := make([]models.Vote, len(picks))
	for i, p := range picks {
		cid, eid := campaignID, p.EntryID
		rows[i] = models.Vote{CampaignID: &cid, PlayerID: playerID, EntryID: &eid, Rank: p.Rank, VotedAt: now}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("store votes: %w", err)
	}
	return nil
}

func errAlreadyVoted() error {
	return errorf(fault.KindConflict, "Player has already voted in this campaign")
}

// CloseIfAllVoted closes a live campaign with early close on once every
// eligible member has voted (§2.4). It reports whether it closed it.
func CloseIfAllVoted(db *gorm.DB, now time.Time, id int) (bool, error) {
	// A cheap look without locks first: most ballots are not the last one,
	// and the exclusive lock would queue every voter behind this check.
	var peek models.Campaign
	if err := db.Where("id = ?", id).Take(&peek).Error; err != nil {
		return false, err
	}
	if peek.Status != StatusLive || !peek.EarlyCloseIfAllVoted {
		return false, nil
	}
	if s, err := statsOf(db, &peek); err != nil || !s.AllVoted {
		return false, err
	}
	closed := false
	err := db.Transaction(func(tx *gorm.DB) error {
		var c models.Campaign
		if err := lockCampaign(tx, id, &c, true); err != nil {
			return err
		}
		if c.Status != StatusLive || !c.EarlyCloseIfAllVoted {
			return nil
		}
		s, err := statsOf(tx, &c)
		if err != nil {
			return err
		}
		if !s.AllVoted {
			return nil
		}
		closed = true
		return closeLocked(tx, now, &c)
	})
	return closed, err
}
