package onboarding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/bot/outbox"
	"patt/models"
	"patt/notify"
)

// IssueType is the audit issue an escalation opens (shown on /admin/issues).
const IssueType = "onboarding_escalation"

// maxNudges is how often a silent member is reminded before the session
// just waits for its time-out.
const maxNudges = 2

// batch bounds the sessions one checker run handles per step.
const batch = 25

// Stats is what one checker run did.
type Stats struct {
	Welcomed, Nudged, TimedOut, Declined, Verified, Escalated int
}

func (st Stats) String() string {
	return fmt.Sprintf("onboarding: %d welcomed, %d nudged, %d timed out, %d unreachable, %d verified, %d escalated",
		st.Welcomed, st.Nudged, st.TimedOut, st.Declined, st.Verified, st.Escalated)
}

// Check is the onboarding-checker job: everything time does to sessions.
// Each step is its own guarded transaction per session, so a failure on
// one member never blocks the others and a re-run repeats nothing.
//  1. welcome members waiting in awaiting_dm once the DM switch allows;
//  2. a member whose onboarding DM failed for good (DMs closed) is
//     declined and escalated, never retried for ever (§12.3);
//  3. a member silent in the conversation is nudged after the quiet hour
//     (and the "not in the guild yet" member checked back on after a day),
//     and timed out after GiveUpAfter;
//  4. pending sessions are verified again every RetryEvery until the
//     deadline, then escalated once;
//  5. escalations are posted to the audit channel with Approve / Reject
//     and open an audit issue.
func (s *Service) Check(ctx context.Context) (Stats, error) {
	var st Stats
	now := s.Now()
	db := s.DB.WithContext(ctx)
	var errs []error
	each := func(where string, args []any, f func(tx *gorm.DB, sess models.OnboardingSession) error) {
		var list []models.OnboardingSession
		if err := db.Where(where, args...).Order("id").Limit(batch).Find(&list).Error; err != nil {
			errs = append(errs, err)
			return
		}
		for _, sess := range list {
			if ctx.Err() != nil {
				return
			}
			var after []func(context.Context)
			err := db.Transaction(func(tx *gorm.DB) error {
				err := f(tx, sess)
				if o, ok := err.(afterErr); ok {
					after = o.after
					return nil
				}
				return err
			})
			if err != nil && !errors.Is(err, ErrStale) {
				errs = append(errs, fmt.Errorf("session %d: %w", sess.ID, err))
			}
			for _, a := range after {
				a(ctx)
			}
		}
	}
	gates, err := outbox.LoadGates(db)
	if err != nil {
		return st, err
	}
	if gates.OnboardingDM() {
		each("state = ?", []any{StateAwaitingDM}, func(tx *gorm.DB, sess models.OnboardingSession) error {
			if err := s.sendWelcome(tx, sess.ID, now); err != nil {
				return err
			}
			st.Welcomed++
			return nil
		})
	}
	ob := models.Table(db, &models.DMOutbox{})
	each("state IN ? AND dm_sent_at IS NOT NULL AND EXISTS (SELECT 1 FROM "+ob+
		" o WHERE o.recipient_discord_id = discord_id AND o.kind IN ? AND o.status = ? AND o.created_at >= dm_sent_at)",
		[]any{Conversation, []string{KindDM, KindReply}, outbox.StatusFailed},
		func(tx *gorm.DB, sess models.OnboardingSession) error {
			if err := move(tx, sess.ID, Conversation, StateDeclined, now, map[string]any{
				"closed_reason": "dms_closed", "completed_at": now, "next_action_at": now,
				"escalation_reason": "Discord refused the bot's DMs to this member (DMs closed or the bot blocked): onboard them by hand."}); err != nil {
				return err
			}
			st.Declined++
			return nil
		})
	each("state IN ? AND next_action_at <= ?", []any{Conversation, now}, func(tx *gorm.DB, sess models.OnboardingSession) error {
		giveUp := sess.UpdatedAt.Add(s.cfg.GiveUpAfter)
		if !now.Before(giveUp) {
			if err := move(tx, sess.ID, []string{sess.State}, StateTimedOut, now,
				map[string]any{"closed_reason": "no_answer", "completed_at": now, "next_action_at": nil}); err != nil {
				return err
			}
			st.TimedOut++
			return nil
		}
		next := now.Add(24 * time.Hour)
		if sess.NudgeCount+1 >= maxNudges || next.After(giveUp) {
			next = giveUp
		}
		if sess.NudgeCount >= maxNudges {
			// Reminded enough: wait quietly for the time-out.
			return tx.Model(&models.OnboardingSession{}).Where("id = ? AND state = ?", sess.ID, sess.State).
				UpdateColumn("next_action_at", giveUp).Error
		}
		// Nudges do not touch updated_at: the time-out counts from the
		// member's last answer.
		res := tx.Model(&models.OnboardingSession{}).Where("id = ? AND state = ? AND nudge_count = ?", sess.ID, sess.State, sess.NudgeCount).
			UpdateColumns(map[string]any{"nudge_count": sess.NudgeCount + 1, "next_action_at": next})
		if res.Error != nil || res.RowsAffected != 1 {
			return res.Error
		}
		m, err := s.View(tx, sess)
		if err != nil {
			return err
		}
		m = nudge(sess, m)
		if _, err := outbox.Enqueue(ctx, tx, now, sess.DiscordID, KindDM, m); err != nil {
			return err
		}
		st.Nudged++
		return nil
	})
	each("state = ? AND escalation_reason IS NULL AND next_action_at <= ?", []any{StatePending, now}, func(tx *gorm.DB, sess models.OnboardingSession) error {
		out, err := s.verify(tx, sess.ID, now)
		if err != nil {
			return err
		}
		if out.Provisioned {
			st.Verified++
			return afterErr{out.after}
		}
		if out.NeedsOfficer == "" && sess.DeadlineAt != nil && !now.Before(*sess.DeadlineAt) {
			// The deadline passed without a roster match: officers decide;
			// no more automatic retries (§12.11).
			return tx.Model(&models.OnboardingSession{}).Where("id = ? AND state = ?", sess.ID, StatePending).
				UpdateColumns(map[string]any{"next_action_at": nil, "escalation_reason": truncate(fmt.Sprintf(
					"No roster match for the member's main after %d attempts.", sess.VerificationAttempts+1), 200)}).Error
		}
		return nil
	})
	each("state IN ? AND escalation_reason IS NOT NULL AND escalated_at IS NULL", []any{[]string{StatePending, StateDeclined}},
		func(tx *gorm.DB, sess models.OnboardingSession) error {
			posted, err := s.escalate(tx, sess, now)
			if posted {
				st.Escalated++
			}
			return err
		})
	jobs.Report(ctx, "%s", st)
	return st, errors.Join(errs...)
}

// afterErr carries post-commit work out of a transaction callback.
type afterErr struct{ after []func(context.Context) }

func (afterErr) Error() string { return "after" }

func nudge(sess models.OnboardingSession, m notify.Message) notify.Message {
	lead := "Still there? 🙂 Whenever you're ready, we can pick up where we left off."
	if sess.State == StateAskedMain && sess.IsInGuild != nil && !*sess.IsInGuild {
		lead = "Checking back as promised 👋 Have you joined the guild in game yet?"
	}
	if m.Content != "" {
		m.Content = lead + "\n\n" + m.Content
	} else {
		m.Content = lead
	}
	m.Kind = KindDM
	return m
}

// escalation is the audit-channel post of a session officers must decide.
func (s *Service) escalation(tx *gorm.DB, sess models.OnboardingSession) notify.Message {
	main := "*(not provided)*"
	if sess.ReportedMainName != nil && *sess.ReportedMainName != "" {
		main = *sess.ReportedMainName
		if sess.ReportedMainRealm != nil {
			main += " (" + *sess.ReportedMainRealm + ")"
		}
	}
	lines := []string{
		"**Member:** <@" + sess.DiscordID + ">",
		"**Reported main:** " + main,
	}
	if alts := names(sess.ReportedAltNames); len(alts) > 0 {
		lines = append(lines, "**Alts:** "+strings.Join(alts, ", "))
	}
	lines = append(lines, fmt.Sprintf("**Verification attempts:** %d", sess.VerificationAttempts))
	if sess.EscalationReason != nil {
		lines = append(lines, "", *sess.EscalationReason)
	}
	m := notify.Message{Title: "⚠️ Onboarding needs an officer", Color: ColorWarning,
		Footer: fmt.Sprintf("Session ID: %d", sess.ID)}
	if sess.State == StatePending {
		lines = append(lines, "", "**Approve** links the member to the character(s) and sets them up; **Reject** closes the session (you'll be asked why).")
		m.Buttons = []notify.Button{
			{ID: ComponentID(ActApprove, sess.ID), Label: "Approve", Style: "success"},
			{ID: ComponentID(ActReject, sess.ID), Label: "Reject", Style: "danger"},
		}
	}
	m.Description = strings.Join(lines, "\n")
	return m
}

// escalate posts the session to the audit channel and opens its audit
// issue; the session is marked escalated only once that is done (a failed
// post is retried by the next run, §12.11). Without a bot or an audit
// channel the issue alone carries it, on /admin/issues.
func (s *Service) escalate(tx *gorm.DB, sess models.OnboardingSession, now time.Time) (bool, error) {
	res := tx.Model(&models.OnboardingSession{}).Where("id = ? AND escalated_at IS NULL AND state = ?", sess.ID, sess.State).
		UpdateColumns(map[string]any{"escalated_at": now})
	if res.Error != nil || res.RowsAffected != 1 {
		return false, res.Error
	}
	m := s.escalation(tx, sess)
	details, _ := json.Marshal(map[string]any{"session_id": sess.ID, "discord_id": sess.DiscordID, "state": sess.State,
		"reason": sess.EscalationReason, "reported_main": sess.ReportedMainName})
	stamp := sess.CreatedAt
	if sess.DMSentAt != nil {
		stamp = *sess.DMSentAt
	}
	issue := models.AuditIssue{IssueType: IssueType, Severity: "warning", DiscordMemberID: &sess.DiscordMemberID,
		WowCharacterID: sess.MainCharacterID, Summary: truncate(fmt.Sprintf("Onboarding of Discord member %s needs an officer: %s", sess.DiscordID, deref(sess.EscalationReason)), 500),
		Details: details, IssueHash: fmt.Sprintf("onboarding:%d:%d", sess.ID, stamp.Unix()), CreatedAt: now, LastDetectedAt: &now}
	if err := tx.Create(&issue).Error; err != nil {
		return false, fmt.Errorf("open audit issue: %w", err)
	}
	if err := tx.Model(&models.OnboardingSession{}).Where("id = ?", sess.ID).UpdateColumn("audit_issue_id", issue.ID).Error; err != nil {
		return false, err
	}
	n := s.Notifier()
	if s.cfg.AuditChannelID == "" || !n.Enabled() {
		s.Log.Warn("onboarding escalated without a Discord post (no bot or no audit channel); see /admin/issues", "session", sess.ID)
		return true, nil
	}
	if _, err := n.Post(tx.Statement.Context, s.cfg.AuditChannelID, m); err != nil {
		if errors.Is(err, notify.ErrDisabled) {
			return true, nil
		}
		// Roll the whole escalation back: the next run posts again.
		return false, fmt.Errorf("post escalation: %w", err)
	}
	return true, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
