package auth

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// A fresh install has no account, so nobody could invite anyone. The site
// then offers an invite for a stand-in player of the top rank: the
// placeholder. Until someone registers with it, it is nobody, so it is kept
// inactive (never counted in turnout, eligibility or availability
// percentages), and whoever registers with it gives it their name.

// PlaceholderName is the stand-in player's name until it is claimed.
const PlaceholderName = "Guild Leader"

// PlaceholderSource is the guild_rank_source that marks the stand-in (the
// column says where the rank came from; for the stand-in, from nobody yet).
const PlaceholderSource = "placeholder"

// FirstInvite is the open invite a fresh install offers, and its player.
type FirstInvite struct {
	Player models.Player
	Invite models.InviteCode
}

// OfferFirstInvite returns the invite a fresh install needs, or nil once any
// account exists. While no account exists: when the operator already named
// a top-rank player (`patt invite --player X --rank "Guild Leader"`), it is
// that player's open invite (or a new one) and any stand-in is retired;
// otherwise it is the stand-in's (created inactive when missing).
func OfferFirstInvite(db *gorm.DB, now time.Time) (*FirstInvite, error) {
	now = now.UTC()
	var out *FirstInvite
	err := db.Transaction(func(tx *gorm.DB) error {
		var accounts int64
		if err := tx.Model(&models.User{}).Count(&accounts).Error; err != nil {
			return fmt.Errorf("count accounts: %w", err)
		}
		if accounts > 0 {
			return RetirePlaceholders(tx, now)
		}
		if err := markLegacyPlaceholders(tx, now); err != nil {
			return err
		}
		var top models.GuildRank
		if err := tx.Order("level DESC").Take(&top).Error; err != nil {
			return fmt.Errorf("find the top rank: %w", err)
		}
		var named models.Player
		err := tx.Where("guild_rank_id = ? AND website_user_id IS NULL AND is_active = ? AND "+notPlaceholder, top.ID, true, PlaceholderSource).
			Order("id").Limit(1).Find(&named).Error
		if err != nil {
			return fmt.Errorf("find a named leader: %w", err)
		}
		p := named
		if named.ID != 0 {
			if err := RetirePlaceholders(tx, now); err != nil {
				return err
			}
		} else {
			if err := tx.Where("guild_rank_source = ? AND website_user_id IS NULL", PlaceholderSource).
				Order("id").Limit(1).Find(&p).Error; err != nil {
				return fmt.Errorf("find the placeholder: %w", err)
			}
			if p.ID == 0 {
				src := PlaceholderSource
				p = models.Player{DisplayName: PlaceholderName, GuildRankID: &top.ID, GuildRankSource: &src,
					IsActive: false, Timezone: "America/New_York", CreatedAt: now, UpdatedAt: now}
				// Select names is_active: GORM would otherwise leave the
				// false out and the column default (true) would win.
				if err := tx.Select("DisplayName", "GuildRankID", "GuildRankSource", "IsActive", "Timezone", "CreatedAt", "UpdatedAt").
					Create(&p).Error; err != nil {
					return fmt.Errorf("create the placeholder: %w", err)
				}
			}
		}
		inv, err := OpenInvite(tx, p.ID, now)
		if err != nil {
			return err
		}
		if inv == nil {
			if inv, err = CreateInvite(tx, p.ID, nil, now, DefaultInviteTTL); err != nil {
				return err
			}
		}
		out = &FirstInvite{Player: p, Invite: *inv}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// notPlaceholder is a condition on players leaving the stand-in out.
const notPlaceholder = "(guild_rank_source IS NULL OR guild_rank_source <> ?)"

// RetirePlaceholders deactivates every unclaimed stand-in and ends its open
// invites, once someone real leads (an account exists or the operator
// invited a leader by name).
func RetirePlaceholders(tx *gorm.DB, now time.Time) error {
	if err := markLegacyPlaceholders(tx, now); err != nil {
		return err
	}
	var ids []int
	if err := tx.Model(&models.Player{}).Where("guild_rank_source = ? AND website_user_id IS NULL", PlaceholderSource).
		Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("find placeholders: %w", err)
	}
	for _, id := range ids {
		if err := tx.Model(&models.Player{}).Where("id = ?", id).
			Updates(map[string]any{"is_active": false, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("retire placeholder %d: %w", id, err)
		}
		if err := revokeUnused(tx, id, now); err != nil {
			return fmt.Errorf("revoke placeholder invites: %w", err)
		}
	}
	return nil
}

// markLegacyPlaceholders finds stand-ins made before the marker existed: an
// active "Guild Leader" created as admin_override with no account, no
// Discord user and no character. They get the marker and stop counting;
// their open invite stays usable.
func markLegacyPlaceholders(tx *gorm.DB, now time.Time) error {
	pt := models.Table(tx, &models.Player{})
	pc := models.Table(tx, &models.PlayerCharacter{})
	err := tx.Model(&models.Player{}).
		Where("website_user_id IS NULL AND discord_user_id IS NULL AND display_name = ? AND guild_rank_source = ? AND is_active = ?",
			PlaceholderName, "admin_override", true).
		Where("NOT EXISTS (SELECT 1 FROM " + pc + " pc WHERE pc.player_id = " + pt + ".id)").
		Updates(map[string]any{"is_active": false, "guild_rank_source": PlaceholderSource, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("mark old placeholders: %w", err)
	}
	return nil
}

// claimPlaceholder gives the stand-in the name its registrant typed and
// makes it a real, active player; any other player is left as it is.
func claimPlaceholder(tx *gorm.DB, p *models.Player, typedName string, now time.Time) error {
	if p.GuildRankSource == nil || *p.GuildRankSource != PlaceholderSource {
		return nil
	}
	name := strings.TrimSpace(typedName)
	src := "admin_override"
	if err := tx.Model(&models.Player{}).Where("id = ?", p.ID).
		Updates(map[string]any{"display_name": name, "is_active": true, "guild_rank_source": src, "updated_at": now}).Error; err != nil {
		return fmt.Errorf("name the first leader: %w", err)
	}
	p.DisplayName, p.IsActive, p.GuildRankSource = name, true, &src
	return nil
}
