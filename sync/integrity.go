package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/datatypes"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"patt/models"
)

// Issue types the integrity checker owns (spec §8).
const (
	IssueOrphanWow     = "orphan_wow"
	IssueOrphanDiscord = "orphan_discord"
	IssueRoleMismatch  = "role_mismatch"
	IssueNoGuildRole   = "no_guild_role"
	IssueStale         = "stale_character"
)

// checkerTypes are reconciled as a set: an open issue of these types whose
// hash the run did not produce is resolved (W9: one generic rule).
var checkerTypes = []string{IssueOrphanWow, IssueOrphanDiscord, IssueRoleMismatch, IssueNoGuildRole, IssueStale}

// StaleAfter is how long without a login makes a character stale.
const StaleAfter = 30 * 24 * time.Hour

// discordRoleFor maps an in-game rank name to the Discord role expected for
// it (GM on Discord, Guild Leader in game).
var discordRoleFor = map[string]string{
	"guild leader": "GM", "officer": "Officer", "veteran": "Veteran", "member": "Member", "initiate": "Initiate",
}

// IntegrityStats counts newly opened issues per type, and what resolved.
type IntegrityStats struct {
	New      map[string]int
	TotalNew int
	Open     int
	Resolved int
}

func (s IntegrityStats) String() string {
	types := make([]string, 0, len(s.New))
	for t, n := range s.New {
		types = append(types, fmt.Sprintf("%s %d", t, n))
	}
	sort.Strings(types)
	return fmt.Sprintf("integrity: %d new (%s), %d open, %d resolved", s.TotalNew, strings.Join(types, ", "), s.Open, s.Resolved)
}

// CheckIntegrity computes every current issue, opens the new ones, refreshes
// the open ones (summary, details, last_detected_at) and resolves every open
// checker issue that is no longer found — whatever its type.
func CheckIntegrity(ctx context.Context, db *gorm.DB, now time.Time) (IntegrityStats, error) {
	st := IntegrityStats{New: map[string]int{}}
	db = db.WithContext(ctx)
	found, err := currentIssues(db, now)
	if err != nil {
		return st, err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		current := map[string]bool{}
		var dismissed []string
		if err := tx.Model(&models.AuditIssue{}).Where("resolved_by LIKE ?", "dismissed:%").Pluck("issue_hash", &dismissed).Error; err != nil {
			return err
		}
		skip := map[string]bool{}
		for _, h := range dismissed {
			skip[h] = true
		}
		for _, is := range found {
			if skip[is.IssueHash] {
				continue // an officer dismissed this finding for good
			}
			current[is.IssueHash] = true
			isNew, err := upsertIssue(tx, is, now)
			if err != nil {
				return err
			}
			if isNew {
				st.New[is.IssueType]++
				st.TotalNew++
			}
		}
		st.Open = len(found)
		before := countOpen(tx, checkerTypes)
		if err := resolveAbsent(tx, checkerTypes, current, now); err != nil {
			return err
		}
		st.Resolved = int(before - countOpen(tx, checkerTypes))
		return nil
	})
	return st, err
}

func countOpen(tx *gorm.DB, types []string) int64 {
	var n int64
	tx.Model(&models.AuditIssue{}).Where("resolved_at IS NULL AND issue_type IN ?", types).Count(&n)
	return n
}

// upsertIssue refreshes the open issue with the same hash, or opens it. The
// partial unique index on open hashes settles a race between two runs.
func upsertIssue(tx *gorm.DB, is models.AuditIssue, now time.Time) (bool, error) {
	var open models.AuditIssue
	err := tx.Where("issue_hash = ? AND resolved_at IS NULL", is.IssueHash).Take(&open).Error
	switch {
	case err == nil:
		return false, tx.Model(&models.AuditIssue{}).Where("id = ?", open.ID).
			Updates(map[string]any{"summary": is.Summary, "details": is.Details, "last_detected_at": now}).Error
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return false, err
	}
	is.CreatedAt, is.LastDetectedAt = now, &now
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&is)
	return res.RowsAffected == 1, res.Error
}

// resolveAbsent closes open issues of the types whose hash is not current.
func resolveAbsent(tx *gorm.DB, types []string, current map[string]bool, now time.Time) error {
	var open []models.AuditIssue
	if err := tx.Select("id, issue_hash").Where("resolved_at IS NULL AND issue_type IN ?", types).Find(&open).Error; err != nil {
		return err
	}
	var gone []int
	for _, o := range open {
		if !current[o.IssueHash] {
			gone = append(gone, o.ID)
		}
	}
	for chunk := range chunks(gone, 500) {
		if err := tx.Model(&models.AuditIssue{}).Where("id IN ?", chunk).
			Updates(map[string]any{"resolved_at": now, "resolved_by": "auto"}).Error; err != nil {
			return err
		}
	}
	return nil
}

func detailsJSON(v any) datatypes.JSON {
	b, _ := json.Marshal(v)
	return datatypes.JSON(b)
}

// currentIssues runs the five checks.
func currentIssues(db *gorm.DB, now time.Time) ([]models.AuditIssue, error) {
	var out []models.AuditIssue
	owned := db.Model(&models.PlayerCharacter{}).Select("character_id")

	// 1. Characters in the guild with no player.
	var orphans []models.Character
	if err := db.Where("removed_at IS NULL AND id NOT IN (?)", owned).Order("id").Find(&orphans).Error; err != nil {
		return nil, fmt.Errorf("orphan characters: %w", err)
	}
	for _, c := range orphans {
		id := c.ID
		out = append(out, models.AuditIssue{IssueType: IssueOrphanWow, Severity: "warning", WowCharacterID: &id,
			Summary:   fmt.Sprintf("WoW character '%s' (%s) has no player link", c.Name, c.RealmSlug),
			Details:   detailsJSON(map[string]any{"character_name": c.Name, "realm": c.RealmSlug}),
			IssueHash: IssueHash(IssueOrphanWow, c.ID)})
	}

	// 2. Discord members with a guild role and no player.
	var dus []models.DiscordUser
	linkedDU := db.Model(&models.Player{}).Select("discord_user_id").Where("discord_user_id IS NOT NULL")
	if err := db.Where("is_present = ? AND highest_guild_role IS NOT NULL AND id NOT IN (?)", true, linkedDU).Order("id").Find(&dus).Error; err != nil {
		return nil, fmt.Errorf("orphan Discord members: %w", err)
	}
	for _, d := range dus {
		id := d.ID
		name := d.Username
		if d.DisplayName != nil && *d.DisplayName != "" {
			name = *d.DisplayName
		}
		out = append(out, models.AuditIssue{IssueType: IssueOrphanDiscord, Severity: "warning", DiscordMemberID: &id,
			Summary: fmt.Sprintf("Discord member '%s' (role: %s) has no player link", name, deref(d.HighestGuildRole)),
			Details: detailsJSON(map[string]any{"username": d.Username, "display_name": d.DisplayName,
				"role": d.HighestGuildRole, "discord_id": d.DiscordID}),
			IssueHash: IssueHash(IssueOrphanDiscord, d.ID)})
	}

	// 3–4. Players whose in-game rank and Discord role disagree.
	roles, err := roleChecks(db)
	if err != nil {
		return nil, err
	}
	out = append(out, roles...)

	// 5. Characters nobody has logged into for 30 days.
	var stale []models.Character
	if err := db.Where("removed_at IS NULL AND last_login_at IS NOT NULL AND last_login_at < ?", now.Add(-StaleAfter)).Order("id").Find(&stale).Error; err != nil {
		return nil, fmt.Errorf("stale characters: %w", err)
	}
	for _, c := range stale {
		id := c.ID
		days := int(now.Sub(*c.LastLoginAt).Hours() / 24)
		out = append(out, models.AuditIssue{IssueType: IssueStale, Severity: "info", WowCharacterID: &id,
			Summary: fmt.Sprintf("'%s' hasn't logged in for %d days", c.Name, days),
			Details: detailsJSON(map[string]any{"character_name": c.Name,
				"last_login": c.LastLoginAt.UTC().Format(time.RFC3339), "days_inactive": days}),
			IssueHash: IssueHash(IssueStale, c.ID)})
	}
	return out, nil
}

func roleChecks(db *gorm.DB) ([]models.AuditIssue, error) {
	var players []models.Player
	err := db.Preload("DiscordUser").Preload("Characters.Character.GuildRank").
		Where("discord_user_id IS NOT NULL").Order("id").Find(&players).Error
	if err != nil {
		return nil, fmt.Errorf("players for role checks: %w", err)
	}
	var out []models.AuditIssue
	for _, p := range players {
		du := p.DiscordUser
		if du == nil || !du.IsPresent {
			continue
		}
		var best *models.GuildRank
		var chars []string
		for _, c := range p.OwnedCharacters() {
			if c.RemovedAt != nil {
				continue
			}
			chars = append(chars, c.Name)
			if r := c.GuildRank; r != nil && r.Level > 0 && (best == nil || r.Level > best.Level) {
				best = r
			}
		}
		if best == nil {
			continue
		}
		expected, ok := discordRoleFor[strings.ToLower(best.Name)]
		if !ok {
			continue
		}
		who := du.Username
		if du.DisplayName != nil && *du.DisplayName != "" {
			who = *du.DisplayName
		}
		id := du.ID
		actual := deref(du.HighestGuildRole)
		details := map[string]any{"player_display": p.DisplayName, "ingame_rank": best.Name,
			"discord_role": du.HighestGuildRole, "expected_discord_role": expected, "characters": chars}
		switch {
		case actual == "":
			out = append(out, models.AuditIssue{IssueType: IssueNoGuildRole, Severity: "warning", DiscordMemberID: &id,
				Summary:   fmt.Sprintf("'%s' is %s in-game but has NO guild role on Discord", who, best.Name),
				Details:   detailsJSON(details),
				IssueHash: IssueHash(IssueNoGuildRole, p.ID, expected)})
		case !strings.EqualFold(actual, expected):
			// The hash carries both roles, so a mismatch that changes is a
			// new issue (and is reported again), not a silent rewrite (W9).
			out = append(out, models.AuditIssue{IssueType: IssueRoleMismatch, Severity: "warning", DiscordMemberID: &id,
				Summary:   fmt.Sprintf("'%s' is %s in-game but %s on Discord (expected: %s)", who, best.Name, actual, expected),
				Details:   detailsJSON(details),
				IssueHash: IssueHash(IssueRoleMismatch, p.ID, expected, strings.ToLower(actual))})
		}
	}
	return out, nil
}
