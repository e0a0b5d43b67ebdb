package onboarding

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/auth"
	"patt/bot/outbox"
	"patt/identity"
	"patt/models"
)

// outcome is what one verification did.
type outcome struct {
	Provisioned  bool
	PlayerID     int
	NeedsOfficer string
	after        []func(context.Context) // run after the transaction commits
}

// verify checks a pending session against the roster and provisions it
// when the member's main is theirs to claim (spec §8.4, with §12.4/§12.8
// fixed): a main nobody owns, or one the member's own player already
// owns. A main owned by another player is never taken over: officers
// decide (escalation). A main that left the roster is retried later.
func (s *Service) verify(tx *gorm.DB, id int, now time.Time) (outcome, error) {
	sess, err := load(tx, id)
	if err != nil {
		return outcome{}, err
	}
	if sess.State != StatePending {
		return outcome{}, ErrStale
	}
	if sess.EscalationReason != nil {
		return outcome{NeedsOfficer: *sess.EscalationReason}, nil
	}
	attempt := map[string]any{"verification_attempts": sess.VerificationAttempts + 1, "last_verification_at": now,
		"next_action_at": now.Add(s.cfg.RetryEvery)}
	if sess.MainCharacterID == nil {
		// Nothing to look for (the member never named a main): officers.
		attempt["escalation_reason"] = "The member did not name a main character."
		attempt["next_action_at"] = now
		return outcome{NeedsOfficer: "no main"}, move(tx, id, []string{StatePending}, StatePending, now, attempt)
	}
	mains, err := byIDs(tx, []int{*sess.MainCharacterID})
	if err != nil {
		return outcome{}, err
	}
	if len(mains) == 0 {
		return outcome{}, move(tx, id, []string{StatePending}, StatePending, now, attempt)
	}
	main := mains[0]
	var mine models.Player
	if err := tx.Where("discord_user_id = ?", sess.DiscordMemberID).Limit(1).Find(&mine).Error; err != nil {
		return outcome{}, err
	}
	if main.OwnerID != nil && (mine.ID == 0 || *main.OwnerID != mine.ID) {
		var owner models.Player
		if err := tx.Where("id = ?", *main.OwnerID).Take(&owner).Error; err != nil {
			return outcome{}, err
		}
		reason := truncate(fmt.Sprintf("%s is already linked to player %s; only an officer may give it to this member.", main.label(), owner.DisplayName), 200)
		attempt["escalation_reason"] = reason
		attempt["next_action_at"] = now
		return outcome{NeedsOfficer: reason}, move(tx, id, []string{StatePending}, StatePending, now, attempt)
	}
	return s.provision(tx, sess, []string{StatePending}, mine.ID, StateProvisioned, LinkSourceOnboarding, "", now)
}

// provision links the member's Discord account to a player (playerID, or
// a new one named as the member shows on Discord), links the session's
// main and alts that nobody else owns, derives the rank, creates a website
// invite code and queues the "you're set up" DM, and moves the session
// from pending_verification to `to` — one transaction, claimed first, so
// it happens once. The Discord role is given after the commit (it is
// Discord, not the database).
func (s *Service) provision(tx *gorm.DB, sess models.OnboardingSession, from []string, playerID int, to, linkSource, officer string, now time.Time) (outcome, error) {
	claim := map[string]any{"verified_at": now, "verification_attempts": sess.VerificationAttempts + 1,
		"last_verification_at": now, "next_action_at": nil, "completed_at": now}
	if officer != "" {
		claim["resolved_by"] = officer
	}
	if err := move(tx, sess.ID, from, to, now, claim); err != nil {
		return outcome{}, err
	}
	var du models.DiscordUser
	if err := tx.Where("id = ?", sess.DiscordMemberID).Take(&du).Error; err != nil {
		return outcome{}, fmt.Errorf("onboarding: discord user of session %d: %w", sess.ID, err)
	}
	var player models.Player
	if playerID != 0 {
		if err := tx.Where("id = ?", playerID).Take(&player).Error; err != nil {
			return outcome{}, err
		}
		if player.DiscordUserID == nil {
			if err := tx.Model(&models.Player{}).Where("id = ?", player.ID).Updates(map[string]any{"discord_user_id": du.ID, "updated_at": now}).Error; err != nil {
				return outcome{}, fmt.Errorf("onboarding: link discord to player %d: %w", player.ID, err)
			}
		}
	} else {
		name := du.Username
		if du.DisplayName != nil && *du.DisplayName != "" {
			name = *du.DisplayName
		}
		player = models.Player{DisplayName: truncate(name, 100), DiscordUserID: &du.ID, IsActive: true, Timezone: "America/Chicago", CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&player).Error; err != nil {
			return outcome{}, fmt.Errorf("onboarding: create player: %w", err)
		}
	}
	want := append([]int{}, ids(sess.AltCharacterIDs)...)
	if sess.MainCharacterID != nil {
		want = append([]int{*sess.MainCharacterID}, want...)
	}
	chars, err := byIDs(tx, want)
	if err != nil {
		return outcome{}, err
	}
	linked := 0
	conf := 0.6 // the member's word and a roster match, not proof
	if linkSource == LinkSourceOfficer {
		conf = 1
	}
	for _, c := range chars {
		switch {
		case c.OwnerID == nil:
			src := linkSource
			if err := tx.Create(&models.PlayerCharacter{PlayerID: player.ID, CharacterID: c.ID, CreatedAt: now,
				LinkSource: &src, Confidence: &conf}).Error; err != nil {
				return outcome{}, fmt.Errorf("onboarding: link %s: %w", c.Name, err)
			}
			linked++
		case *c.OwnerID == player.ID:
			linked++
		}
		// A character someone else owns stays theirs.
	}
	if player.MainCharacterID == nil && sess.MainCharacterID != nil {
		var n int64
		if err := tx.Model(&models.PlayerCharacter{}).Where("player_id = ? AND character_id = ?", player.ID, *sess.MainCharacterID).Count(&n).Error; err != nil {
			return outcome{}, err
		}
		if n == 1 {
			if err := tx.Model(&models.Player{}).Where("id = ?", player.ID).Update("main_character_id", *sess.MainCharacterID).Error; err != nil {
				return outcome{}, err
			}
		}
	}
	if _, err := identity.DeriveRank(tx, player.ID); err != nil {
		return outcome{}, err
	}
	if err := tx.Where("id = ?", player.ID).Take(&player).Error; err != nil {
		return outcome{}, err
	}
	if player.GuildRankID == nil {
		// No rank from characters or Discord roles: a new member starts
		// as the lowest rank (spec §11.7).
		var lowest models.GuildRank
		if err := tx.Order("level").Limit(1).Find(&lowest).Error; err != nil {
			return outcome{}, err
		}
		if lowest.ID != 0 {
			if err := tx.Model(&models.Player{}).Where("id = ?", player.ID).Update("guild_rank_id", lowest.ID).Error; err != nil {
				return outcome{}, err
			}
		}
	}
	code := ""
	if player.WebsiteUserID == nil {
		inv, err := auth.CreateInvite(tx, player.ID, nil, now, s.cfg.InviteTTL)
		if err != nil {
			return outcome{}, err
		}
		if err := tx.Model(&models.InviteCode{}).Where("id = ?", inv.ID).
			Updates(map[string]any{"generated_by": "auto_onboarding", "onboarding_session_id": sess.ID}).Error; err != nil {
			return outcome{}, err
		}
		code = inv.Code
	}
	row, err := outbox.Enqueue(tx.Statement.Context, tx, now, sess.DiscordID, KindDM, s.setUp(code, linked))
	if err != nil {
		return outcome{}, err
	}
	fields := map[string]any{"verified_player_id": player.ID, "roster_entries_created": linked > 0,
		// "Sent" means on its way: held by a DM switch is not sent.
		"website_invite_sent": code != "" && row.Status == outbox.StatusPending}
	if code != "" {
		fields["website_invite_code"] = code
	}
	if err := tx.Model(&models.OnboardingSession{}).Where("id = ?", sess.ID).UpdateColumns(fields).Error; err != nil {
		return outcome{}, err
	}
	id, discordID := sess.ID, sess.DiscordID
	return outcome{Provisioned: true, PlayerID: player.ID, after: []func(context.Context){func(ctx context.Context) {
		s.giveRole(ctx, id, discordID, player.ID)
	}}}, nil
}

// giveRole gives the member the Discord role of their player's rank and
// records whether Discord accepted it. A refusal is only logged: the role
// sync gives rank roles to every linked member anyway.
func (s *Service) giveRole(ctx context.Context, sessionID int, discordID string, playerID int) {
	db := s.DB.WithContext(ctx)
	var rank models.GuildRank
	rk := models.Table(db, &models.Player{})
	if err := db.Where("id = (SELECT guild_rank_id FROM "+rk+" WHERE id = ?)", playerID).Limit(1).Find(&rank).Error; err != nil || rank.ID == 0 {
		return
	}
	if rank.DiscordRoleID == nil || *rank.DiscordRoleID == "" {
		s.Log.Warn("onboarding: the rank has no Discord role mapped; no role given", "rank", rank.Name, "session", sessionID)
		return
	}
	if err := s.Notifier().SetRoles(ctx, discordID, []string{*rank.DiscordRoleID}, nil); err != nil {
		s.Log.Warn("onboarding: Discord refused the rank role", "session", sessionID, "rank", rank.Name, "err", err)
		return
	}
	if err := db.Model(&models.OnboardingSession{}).Where("id = ?", sessionID).UpdateColumn("discord_role_assigned", true).Error; err != nil {
		s.Log.Error("onboarding: record role", "session", sessionID, "err", err)
	}
}
