package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/bot/outbox"
	"patt/identity"
	"patt/models"
	"patt/notify"
)

// Officer is who clicked an officer's button: their Discord id, the name
// to record, and the role ids they hold in the guild.
type Officer struct {
	DiscordID string
	Name      string
	RoleIDs   []string
}

// IsOfficer decides by role id (guild_ranks.discord_role_id of ranks at
// officer level or above) or by the rank of the player linked to the
// clicker's Discord account — never by a role's name (§12.12).
func IsOfficer(db *gorm.DB, o Officer) (bool, error) {
	if len(o.RoleIDs) > 0 {
		var n int64
		if err := db.Model(&models.GuildRank{}).Where("level >= ? AND discord_role_id IN ?", identity.OfficerLevel, o.RoleIDs).Count(&n).Error; err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	du := models.Table(db, &models.DiscordUser{})
	gr := models.Table(db, &models.GuildRank{})
	var n int64
	err := db.Model(&models.Player{}).
		Where("discord_user_id IN (SELECT id FROM "+du+" WHERE discord_id = ?) AND guild_rank_id IN (SELECT id FROM "+gr+" WHERE level >= ?)", o.DiscordID, identity.OfficerLevel).
		Count(&n).Error
	return n > 0, err
}

// RejectForm asks the officer why.
func RejectForm(sessionID int) *notify.Modal {
	return &notify.Modal{ID: ComponentID(ActRejectWhy, sessionID), Title: "Reject onboarding",
		Inputs: []notify.TextInput{{ID: "reason", Label: "Why? (kept on the session)", Paragraph: true, Required: true, MaxLength: 500}}}
}

// Decide handles an officer's Approve / Reject on an escalation post.
// Approve provisions the member (linking the characters they picked that
// nobody else owns; a main owned by a player without a Discord account is
// given to the member's account by joining that player), reject asks why
// and then closes the session recording who and why. Both resolve the
// escalation's audit issue. The reply redraws the audit post without its
// buttons.
func (s *Service) Decide(ctx context.Context, o Officer, customID string, fields map[string]string) (Reply, error) {
	action, id, ok := ParseComponentID(customID)
	if !ok || (action != ActApprove && action != ActReject && action != ActRejectWhy) {
		return Reply{Note: "I don't know that button."}, nil
	}
	var (
		reply Reply
		after []func(context.Context)
	)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		officer, err := IsOfficer(tx, o)
		if err != nil {
			return err
		}
		if !officer {
			reply = Reply{Note: "Only officers can decide onboarding escalations."}
			return nil
		}
		sess, err := load(tx, id)
		if errors.Is(err, gorm.ErrRecordNotFound) {
			reply = Reply{Note: "This onboarding session no longer exists."}
			return nil
		}
		if err != nil {
			return err
		}
		if sess.State != StatePending {
			m := s.escalation(tx, sess)
			m.Buttons = nil
			m.Description += "\n\n" + s.outcomeLine(sess)
			reply = update(m)
			return nil
		}
		now := s.Now()
		switch action {
		case ActReject:
			reply = Reply{Modal: RejectForm(sess.ID)}
			return nil
		case ActRejectWhy:
			reason := strings.TrimSpace(fields["reason"])
			if reason == "" {
				reply = Reply{Note: "Say why the member is rejected."}
				return nil
			}
			if err := move(tx, sess.ID, []string{StatePending}, StateRejected, now, map[string]any{
				"resolved_by": truncate(o.Name, 100), "resolution_note": truncate(reason, 2000), "completed_at": now, "next_action_at": nil}); err != nil {
				return err
			}
			if _, err := outbox.Enqueue(ctx, tx, now, sess.DiscordID, KindDM, notify.Message{Kind: KindDM,
				Content: "An officer couldn't confirm your characters, so I've stopped the automatic setup. If you think that's a mistake, ask any officer."}); err != nil {
				return err
			}
		case ActApprove:
			playerID, err := approvedPlayer(tx, sess)
			if err != nil {
				return err
			}
			out, err := s.provision(tx, sess, []string{StatePending}, playerID, StateResolved, LinkSourceOfficer, truncate(o.Name, 100), now)
			if err != nil {
				return err
			}
			after = out.after
		}
		if err := resolveIssue(tx, sess, o.Name, now); err != nil {
			return err
		}
		if sess, err = load(tx, sess.ID); err != nil {
			return err
		}
		m := s.escalation(tx, sess)
		m.Buttons = nil
		m.Description += "\n\n" + s.outcomeLine(sess)
		reply = update(m)
		return nil
	})
	if errors.Is(err, ErrStale) {
		return Reply{Note: "Another officer decided this one a moment ago."}, nil
	}
	if err != nil {
		return Reply{}, err
	}
	for _, f := range after {
		f(ctx)
	}
	return reply, nil
}

// approvedPlayer is the player an approved member joins: their own, else
// the owner of their main when that player has no Discord account yet
// (the roster's player for them), else a new one.
func approvedPlayer(tx *gorm.DB, sess models.OnboardingSession) (int, error) {
	var mine models.Player
	if err := tx.Where("discord_user_id = ?", sess.DiscordMemberID).Limit(1).Find(&mine).Error; err != nil || mine.ID != 0 {
		return mine.ID, err
	}
	if sess.MainCharacterID == nil {
		return 0, nil
	}
	var owner models.Player
	pc := models.Table(tx, &models.PlayerCharacter{})
	if err := tx.Where("id IN (SELECT player_id FROM "+pc+" WHERE character_id = ?)", *sess.MainCharacterID).Limit(1).Find(&owner).Error; err != nil {
		return 0, err
	}
	if owner.ID != 0 && owner.DiscordUserID == nil {
		return owner.ID, nil
	}
	return 0, nil
}

func resolveIssue(tx *gorm.DB, sess models.OnboardingSession, officer string, now time.Time) error {
	if sess.AuditIssueID == nil {
		return nil
	}
	return tx.Model(&models.AuditIssue{}).Where("id = ? AND resolved_at IS NULL", *sess.AuditIssueID).
		Updates(map[string]any{"resolved_at": now, "resolved_by": truncate(officer, 100)}).Error
}

func (s *Service) outcomeLine(sess models.OnboardingSession) string {
	who := deref(sess.ResolvedBy)
	switch sess.State {
	case StateResolved, StateProvisioned:
		return fmt.Sprintf("✅ Approved by %s — set up.", who)
	case StateRejected:
		return fmt.Sprintf("❌ Rejected by %s: %s", who, deref(sess.ResolutionNote))
	case StateDismissed:
		return fmt.Sprintf("Dismissed by %s.", who)
	}
	return "Closed (" + sess.State + ")."
}
