package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/datatypes"
	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/sync/match"
)

// Link sources on player_characters.
const (
	LinkEngine  = "engine"  // the identity engine, on its own
	LinkOfficer = "officer" // an officer accepted the engine's suggestion
)

// IssueSuggestion is the audit issue type of an engine suggestion.
const IssueSuggestion = "auto_link_suggestion"

// Proposal is one link the engine makes or suggests, in the shape of
// `patt identity match --json`.
type Proposal struct {
	CharacterID   int     `json:"character_id"`
	CharacterName string  `json:"character_name"`
	RealmSlug     string  `json:"realm_slug"`
	DiscordID     *string `json:"discord_id"` // of the Discord user the player is or would be linked to
	DiscordName   string  `json:"discord_name,omitempty"`
	PlayerID      *int    `json:"player_id"` // nil: a player not yet created
	Confidence    float64 `json:"confidence"`
	Source        string  `json:"source"`
}

// MatchResult is what one engine run found and did.
type MatchResult struct {
	Links       []Proposal `json:"links"`
	Suggestions []Proposal `json:"suggestions"`
	// Applied counts (zero on a dry run).
	PlayersCreated int `json:"players_created"`
	CharsLinked    int `json:"chars_linked"`
}

func (r MatchResult) String() string {
	return fmt.Sprintf("%d links (%d applied, %d players created), %d suggestions", len(r.Links), r.CharsLinked, r.PlayersCreated, len(r.Suggestions))
}

// matchInput loads what the engine looks at.
func matchInput(db *gorm.DB) (match.Input, map[int]models.DiscordUser, error) {
	in := match.Input{Linked: map[string][]int{}, LinkedKeys: map[string][]int{}}
	var chars []models.Character
	owned := db.Model(&models.PlayerCharacter{}).Select("character_id")
	if err := db.Where("removed_at IS NULL AND id NOT IN (?)", owned).Order("id").Find(&chars).Error; err != nil {
		return in, nil, fmt.Errorf("load unlinked characters: %w", err)
	}
	for _, c := range chars {
		in.Characters = append(in.Characters, match.Character{ID: c.ID, Name: c.Name, RealmSlug: c.RealmSlug,
			Note: deref(c.AddonNote), OfficerNote: deref(c.AddonOfficerNote)})
	}
	var players []models.Player
	if err := db.Order("id").Find(&players).Error; err != nil {
		return in, nil, fmt.Errorf("load players: %w", err)
	}
	playerOfDU := map[int]int{}
	for _, p := range players {
		mp := match.Player{ID: p.ID, DisplayName: p.DisplayName}
		if p.DiscordUserID != nil {
			mp.DiscordUserID = *p.DiscordUserID
			playerOfDU[*p.DiscordUserID] = p.ID
		}
		in.Players = append(in.Players, mp)
	}
	var dus []models.DiscordUser
	if err := db.Where("is_present = ? AND highest_guild_role IS NOT NULL", true).Order("id").Find(&dus).Error; err != nil {
		return in, nil, fmt.Errorf("load Discord members: %w", err)
	}
	byID := map[int]models.DiscordUser{}
	for _, d := range dus {
		byID[d.ID] = d
		in.Discord = append(in.Discord, match.Discord{ID: d.ID, DiscordID: d.DiscordID, Username: d.Username,
			DisplayName: deref(d.DisplayName), PlayerID: playerOfDU[d.ID]})
	}
	type ownedRow struct {
		PlayerID    int
		Name        string  `gorm:"column:character_name"`
		Note        *string `gorm:"column:addon_note"`
		OfficerNote *string `gorm:"column:addon_officer_note"`
	}
	var rows []ownedRow
	err := db.Table(models.Table(db, &models.PlayerCharacter{}) + " pc").
		Select("pc.player_id, c.character_name, c.addon_note, c.addon_officer_note").
		Joins("JOIN " + models.Table(db, &models.Character{}) + " c ON c.id = pc.character_id").
		Where("c.removed_at IS NULL").Order("pc.player_id, c.id").Scan(&rows).Error
	if err != nil {
		return in, nil, fmt.Errorf("load linked characters: %w", err)
	}
	for _, r := range rows {
		k := match.Ident(r.Name)
		in.Linked[k] = appendUnique(in.Linked[k], r.PlayerID)
		// The names its notes give for its owner ("Kira - alt") join
		// other characters whose notes give the same name.
		for _, n := range match.KeyNames(deref(r.Note), deref(r.OfficerNote)) {
			in.LinkedKeys[n] = appendUnique(in.LinkedKeys[n], r.PlayerID)
		}
	}
	return in, byID, nil
}

func appendUnique(list []int, v int) []int {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func proposal(d match.Decision, dus map[int]models.DiscordUser) Proposal {
	p := Proposal{CharacterID: d.Character.ID, CharacterName: d.Character.Name, RealmSlug: d.Character.RealmSlug,
		Confidence: d.Confidence, Source: d.Source}
	if d.Target.PlayerID != 0 {
		id := d.Target.PlayerID
		p.PlayerID = &id
	}
	if du, ok := dus[d.Target.DiscordUserID]; ok {
		id := du.DiscordID
		p.DiscordID = &id
		p.DiscordName = du.Username
		if du.DisplayName != nil && *du.DisplayName != "" {
			p.DiscordName = *du.DisplayName
		}
	}
	return p
}

// MatchIdentities runs the identity engine (spec §7 v2, §19): it links the
// characters it is sure of (≥ 0.9 with a 0.1 lead) and files the 0.7–0.9
// ones as suggestions for officers. It only ever adds links to unlinked
// characters: an officer's link is never moved or undone, players are never
// merged or deleted. dryRun computes without writing.
func MatchIdentities(ctx context.Context, db *gorm.DB, now time.Time, dryRun bool) (MatchResult, error) {
	db = db.WithContext(ctx)
	var res MatchResult
	in, dus, err := matchInput(db)
	if err != nil {
		return res, err
	}
	decisions := match.New(in).Decide()
	for _, d := range decisions {
		switch d.Kind {
		case match.KindLink:
			res.Links = append(res.Links, proposal(d, dus))
		case match.KindSuggestion:
			res.Suggestions = append(res.Suggestions, proposal(d, dus))
		}
	}
	if res.Links == nil {
		res.Links = []Proposal{}
	}
	if res.Suggestions == nil {
		res.Suggestions = []Proposal{}
	}
	if dryRun {
		return res, nil
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		created := map[int]int{} // discord user → player made this run
		touched := map[int]bool{}
		for _, d := range decisions {
			if d.Kind != match.KindLink {
				continue
			}
			pid, made, err := playerFor(tx, d.Target, dus, created)
			if err != nil {
				return err
			}
			if made {
				res.PlayersCreated++
			}
			ok, err := linkCharacter(tx, pid, d.Character.ID, LinkEngine, d.Confidence)
			if err != nil {
				return err
			}
			if ok {
				res.CharsLinked++
				touched[pid] = true
			}
		}
		for pid := range touched {
			if _, err := identity.DeriveRank(tx, pid); err != nil {
				return err
			}
		}
		return fileSuggestions(tx, res.Suggestions, now)
	})
	return res, err
}

// playerFor is the target's player, creating one for a Discord member who
// has none (named after the member, as the reference does).
func playerFor(tx *gorm.DB, t match.Target, dus map[int]models.DiscordUser, created map[int]int) (int, bool, error) {
	if t.PlayerID != 0 {
		return t.PlayerID, false, nil
	}
	if pid, ok := created[t.DiscordUserID]; ok {
		return pid, false, nil
	}
	var p models.Player
	err := tx.Where("discord_user_id = ?", t.DiscordUserID).Take(&p).Error
	if err == nil {
		return p.ID, false, nil
	}
	du, ok := dus[t.DiscordUserID]
	if !ok {
		if err := tx.Take(&du, t.DiscordUserID).Error; err != nil {
			return 0, false, fmt.Errorf("Discord user %d: %w", t.DiscordUserID, err)
		}
	}
	name := du.Username
	if du.DisplayName != nil && strings.TrimSpace(*du.DisplayName) != "" {
		name = *du.DisplayName
	}
	id := du.ID
	p = models.Player{DisplayName: name, DiscordUserID: &id, IsActive: true, Timezone: "America/Chicago"}
	if err := tx.Create(&p).Error; err != nil {
		return 0, false, fmt.Errorf("create player for %s: %w", du.Username, err)
	}
	created[t.DiscordUserID] = p.ID
	return p.ID, true, nil
}

// linkCharacter adds the ownership row unless the character already has an
// owner (an officer may have linked it meanwhile); it reports whether it
// linked.
func linkCharacter(tx *gorm.DB, playerID, charID int, source string, confidence float64) (bool, error) {
	var n int64
	if err := tx.Model(&models.PlayerCharacter{}).Where("character_id = ?", charID).Count(&n).Error; err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	conf := confidence
	link := models.PlayerCharacter{PlayerID: playerID, CharacterID: charID, LinkSource: &source, Confidence: &conf}
	if err := tx.Create(&link).Error; err != nil {
		return false, fmt.Errorf("link character %d to player %d: %w", charID, playerID, err)
	}
	return true, nil
}

// IssueHash is the lowercase hex SHA-256 of "<type>:<id>:<id>…" (spec §8).
func IssueHash(issueType string, ids ...any) string {
	parts := []string{issueType}
	for _, id := range ids {
		parts = append(parts, fmt.Sprint(id))
	}
	h := sha256.Sum256([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(h[:])
}

func suggestionHash(p Proposal) string {
	pid, did := 0, ""
	if p.PlayerID != nil {
		pid = *p.PlayerID
	}
	if p.DiscordID != nil {
		did = *p.DiscordID
	}
	return IssueHash(IssueSuggestion, p.CharacterID, pid, did)
}

// fileSuggestions keeps one open auto_link_suggestion issue per current
// suggestion, leaves alone those an officer rejected, and resolves the ones
// no longer suggested.
func fileSuggestions(tx *gorm.DB, list []Proposal, now time.Time) error {
	current := map[string]bool{}
	for _, p := range list {
		h := suggestionHash(p)
		current[h] = true
		var rejected int64
		if err := tx.Model(&models.AuditIssue{}).Where("issue_hash = ? AND resolved_by LIKE ?", h, "rejected%").Count(&rejected).Error; err != nil {
			return err
		}
		if rejected > 0 {
			continue
		}
		who := p.DiscordName
		if who == "" && p.PlayerID != nil {
			who = fmt.Sprintf("player #%d", *p.PlayerID)
		}
		summary := fmt.Sprintf("Possible match: %s ↔ %s (score: %d%%)", p.CharacterName, who, int(p.Confidence*100+0.5))
		details, _ := json.Marshal(p)
		issue := models.AuditIssue{IssueType: IssueSuggestion, Severity: "info", WowCharacterID: &p.CharacterID,
			Summary: summary, Details: datatypes.JSON(details), IssueHash: h}
		if _, err := upsertIssue(tx, issue, now); err != nil {
			return err
		}
	}
	return resolveAbsent(tx, []string{IssueSuggestion}, current, now)
}

// Suggestion is an open engine suggestion as the audit page shows it.
type Suggestion struct {
	Issue    models.AuditIssue
	Proposal Proposal
}

// AcceptSuggestion links the suggested character to the suggested player
// (creating the player for a Discord member who has none), marks the link
// as the officer's, and closes the issue. A character that got an owner
// meanwhile is a conflict.
func AcceptSuggestion(ctx context.Context, db *gorm.DB, issueID int, officer string, now time.Time) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		issue, p, err := openSuggestion(tx, issueID)
		if err != nil {
			return err
		}
		t := match.Target{}
		if p.PlayerID != nil {
			t.PlayerID = *p.PlayerID
		}
		if p.DiscordID != nil && t.PlayerID == 0 {
			var du models.DiscordUser
			if err := tx.Where("discord_id = ?", *p.DiscordID).Take(&du).Error; err != nil {
				return fault.NotFound("The suggested Discord member is gone.")
			}
			t.DiscordUserID = du.ID
		}
		pid, _, err := playerFor(tx, t, map[int]models.DiscordUser{}, map[int]int{})
		if err != nil {
			return err
		}
		ok, err := linkCharacter(tx, pid, p.CharacterID, LinkOfficer, p.Confidence)
		if err != nil {
			return err
		}
		if !ok {
			return fault.Conflict("That character already belongs to a player; unlink it first in the Player Manager.")
		}
		if _, err := identity.DeriveRank(tx, pid); err != nil {
			return err
		}
		by := "accepted:" + officer
		return tx.Model(&models.AuditIssue{}).Where("id = ?", issue.ID).
			Updates(map[string]any{"resolved_at": now, "resolved_by": by}).Error
	})
}

// RejectSuggestion closes the suggestion for good: the engine will not
// suggest that pair again.
func RejectSuggestion(ctx context.Context, db *gorm.DB, issueID int, officer string, now time.Time) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		issue, _, err := openSuggestion(tx, issueID)
		if err != nil {
			return err
		}
		return tx.Model(&models.AuditIssue{}).Where("id = ?", issue.ID).
			Updates(map[string]any{"resolved_at": now, "resolved_by": "rejected:" + officer}).Error
	})
}

func openSuggestion(tx *gorm.DB, id int) (models.AuditIssue, Proposal, error) {
	var issue models.AuditIssue
	var p Proposal
	if err := tx.Where("id = ? AND issue_type = ?", id, IssueSuggestion).Take(&issue).Error; err != nil {
		return issue, p, fault.NotFound("No such suggestion.")
	}
	if issue.ResolvedAt != nil {
		return issue, p, fault.Conflict("That suggestion was already handled.")
	}
	if err := json.Unmarshal(issue.Details, &p); err != nil || p.CharacterID == 0 {
		return issue, p, fmt.Errorf("suggestion %d: unreadable details", id)
	}
	return issue, p, nil
}
