package identity

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"gorm.io/gorm"

	"patt/models"
)

// RankDerivation is what DeriveRank decided for one player.
type RankDerivation struct {
	PlayerID   int
	FromRankID *int
	ToRankID   *int
	Source     string // the source now recorded (may be empty when unknown)
	Changed    bool
}

// DeriveRank is the one rule for a player's guild rank, run by every sync
// and whenever an officer clears an override:
//
//  1. source admin_override or manual: an officer decided; keep it.
//  2. else the highest-level rank among the player's linked characters still
//     in the guild (source wow_character);
//  3. else the highest-level rank matching the player's Discord roles, by
//     role id (guild_ranks.discord_role_id) or by rank name (discord_sync);
//  4. else keep whatever the player has.
//
// Changes are logged. It runs inside the caller's transaction if given one.
func DeriveRank(db *gorm.DB, playerID int) (RankDerivation, error) {
	d := RankDerivation{PlayerID: playerID}
	err := db.Transaction(func(tx *gorm.DB) error {
		p, err := loadPlayer(tx, playerID)
		if err != nil {
			return err
		}
		d.FromRankID, d.ToRankID = p.GuildRankID, p.GuildRankID
		if p.GuildRankSource != nil {
			d.Source = *p.GuildRankSource
			if d.Source == RankSourceOverride || d.Source == RankSourceManual {
				return nil
			}
		}
		rank, source, err := derivedRank(tx, &p)
		if err != nil || rank == nil {
			return err
		}
		if sameRank(p.GuildRankID, &rank.ID) && d.Source == source {
			return nil
		}
		if !sameRank(p.GuildRankID, &rank.ID) && p.IsActive && rank.Level < GuildLeaderLevel && playerLevel(tx, &p) >= GuildLeaderLevel {
			// A sync never takes away the last Guild Leader (a character
			// that left the guild, a Discord role removed by mistake).
			n, err := activeGuildLeaders(tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				slog.Warn("kept the last guild leader's rank", "player_id", playerID, "player", p.DisplayName, "derived_rank", rank.Name)
				return nil
			}
		}
		d.ToRankID, d.Source = &rank.ID, source
		d.Changed = !sameRank(p.GuildRankID, &rank.ID)
		err = tx.Model(&models.Player{}).Where("id = ?", playerID).
			Updates(map[string]any{"guild_rank_id": rank.ID, "guild_rank_source": source}).Error
		if err != nil {
			return fmt.Errorf("set derived rank of player %d: %w", playerID, err)
		}
		if d.Changed {
			slog.Info("player rank derived", "player_id", playerID, "player", p.DisplayName,
				"from_rank_id", intOrZero(p.GuildRankID), "to_rank", rank.Name, "source", source)
		}
		return nil
	})
	return d, err
}

// derivedRank finds the rank steps 2 and 3 of DeriveRank give, or nil.
func derivedRank(tx *gorm.DB, p *models.Player) (*models.GuildRank, string, error) {
	var fromChars models.GuildRank
	pc := models.Table(tx, &models.PlayerCharacter{})
	wc := models.Table(tx, &models.Character{})
	err := tx.Where("id IN (SELECT c.guild_rank_id FROM "+wc+" c JOIN "+pc+" pc ON pc.character_id = c.id"+
		" WHERE pc.player_id = ? AND c.removed_at IS NULL AND c.guild_rank_id IS NOT NULL)", p.ID).
		Order("level DESC").Limit(1).Find(&fromChars).Error
	if err != nil {
		return nil, "", fmt.Errorf("rank from characters of player %d: %w", p.ID, err)
	}
	if fromChars.ID != 0 {
		return &fromChars, RankSourceCharacter, nil
	}
	if p.DiscordUserID == nil {
		return nil, "", nil
	}
	var du models.DiscordUser
	if err := tx.Take(&du, *p.DiscordUserID).Error; err != nil {
		return nil, "", fmt.Errorf("load discord user of player %d: %w", p.ID, err)
	}
	if r, err := RankFromDiscordRoles(tx, du.AllGuildRoles); err != nil || r != nil {
		return r, RankSourceDiscord, err
	}
	return nil, "", nil
}

// RankFromDiscordRoles is the highest-level rank whose Discord role id or
// name appears among a member's roles (a JSON array of strings), or nil.
func RankFromDiscordRoles(db *gorm.DB, rolesJSON []byte) (*models.GuildRank, error) {
	ranks, err := Ranks(db)
	if err != nil {
		return nil, err
	}
	return rankFromRoles(ranks, rolesJSON), nil
}

func rankFromRoles(ranks []models.GuildRank, rolesJSON []byte) *models.GuildRank {
	var roles []string
	if len(rolesJSON) > 0 {
		if err := json.Unmarshal(rolesJSON, &roles); err != nil {
			return nil // unreadable roles say nothing about the rank
		}
	}
	have := map[string]bool{}
	for _, r := range roles {
		have[strings.ToLower(strings.TrimSpace(r))] = true
	}
	var best *models.GuildRank
	for i := range ranks {
		r := &ranks[i]
		match := have[strings.ToLower(r.Name)] || (r.DiscordRoleID != nil && have[*r.DiscordRoleID])
		if match && (best == nil || r.Level > best.Level) {
			best = r
		}
	}
	return best
}

func sameRank(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func intOrZero(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
