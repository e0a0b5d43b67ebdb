package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/battlenet"
	"patt/identity"
	"patt/models"
)

// LinkSourceBattleNet marks a link proven by a Battle.net sign-in.
const LinkSourceBattleNet = "battlenet"

// IssueBattleNetConflict is the audit issue of a proven claim on a
// character already linked to another player.
const IssueBattleNetConflict = "battlenet_conflict"

// ClaimResult is what a Battle.net claim did.
type ClaimResult struct {
	Claimed   []string // newly linked to the player
	Confirmed []string // already the player's; now proven
	Conflicts []string // linked to someone else: left alone, officers told
	Elsewhere int      // the account's characters not in the guild
}

// ClaimBattleNet links the guild's characters of a signed-in Battle.net
// account to the player, with link_source=battlenet and confidence 1.0,
// in one transaction. A character linked to another player is never taken
// over: an audit issue asks the officers to decide. The player's rank is
// derived again from the proven characters.
func ClaimBattleNet(ctx context.Context, db *gorm.DB, now time.Time, playerID int, chars []battlenet.Character) (ClaimResult, error) {
	var res ClaimResult
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p models.Player
		if err := tx.Where("id = ?", playerID).Take(&p).Error; err != nil {
			return fmt.Errorf("claim: player %d: %w", playerID, err)
		}
		src, conf := LinkSourceBattleNet, 1.0
		for _, bc := range chars {
			found, err := characters(tx, "lower(c.character_name) = ? AND lower(c.realm_slug) = ?", strings.ToLower(bc.Name), strings.ToLower(bc.RealmSlug))
			if err != nil {
				return err
			}
			if len(found) == 0 {
				res.Elsewhere++
				continue
			}
			c := found[0]
			switch {
			case c.OwnerID == nil:
				if err := tx.Create(&models.PlayerCharacter{PlayerID: playerID, CharacterID: c.ID, CreatedAt: now, LinkSource: &src, Confidence: &conf}).Error; err != nil {
					return fmt.Errorf("claim %s: %w", c.Name, err)
				}
				res.Claimed = append(res.Claimed, c.Name)
			case *c.OwnerID == playerID:
				if err := tx.Model(&models.PlayerCharacter{}).Where("character_id = ?", c.ID).
					UpdateColumns(map[string]any{"link_source": src, "confidence": conf}).Error; err != nil {
					return err
				}
				res.Confirmed = append(res.Confirmed, c.Name)
			default:
				var owner models.Player
				if err := tx.Where("id = ?", *c.OwnerID).Take(&owner).Error; err != nil {
					return err
				}
				hash := fmt.Sprintf("battlenet:%d:%d", c.ID, playerID)
				var open int64
				if err := tx.Model(&models.AuditIssue{}).Where("issue_hash = ? AND resolved_at IS NULL", hash).Count(&open).Error; err != nil {
					return err
				}
				if open == 0 {
					details, _ := json.Marshal(map[string]any{"character_id": c.ID, "claimed_by_player_id": playerID, "owner_player_id": owner.ID})
					cid := c.ID
					if err := tx.Create(&models.AuditIssue{IssueType: IssueBattleNetConflict, Severity: "warning", WowCharacterID: &cid,
						Summary: truncate(fmt.Sprintf("%s proved with Battle.net that %s is theirs, but it is linked to %s; decide who owns it.", p.DisplayName, c.label(), owner.DisplayName), 500),
						Details: details, IssueHash: hash, CreatedAt: now, LastDetectedAt: &now}).Error; err != nil {
						return err
					}
				}
				res.Conflicts = append(res.Conflicts, c.Name)
			}
		}
		if len(res.Claimed)+len(res.Confirmed) > 0 {
			_, err := identity.DeriveRank(tx, playerID)
			return err
		}
		return nil
	})
	return res, err
}
