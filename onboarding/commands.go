package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Officer actions on sessions, shared by the slash commands (bot/) and
// the onboarding queue on /admin/bot-settings. Each is one transaction
// guarded by the states it acts on; user-facing refusals are fault
// errors whose message is the answer.

// NonTerminal is every state a session can still move from.
var NonTerminal = []string{StateAwaitingDM, StateAskedInGuild, StateAskedMain, StateAskedAlts, StatePending}

// Row is a session as officers see it: with the member's name.
type Row struct {
	models.OnboardingSession
	Username    string
	DisplayName *string
}

// Member is the member's name as shown.
func (r Row) Member() string {
	if r.DisplayName != nil && *r.DisplayName != "" {
		return *r.DisplayName
	}
	if r.Username != "" {
		return r.Username
	}
	return r.DiscordID
}

// Queue is the onboarding queue: counts by state (every state), and the
// open sessions oldest first (at most limit).
func (s *Service) Queue(ctx context.Context, limit int) (map[string]int, []Row, error) {
	db := s.DB.WithContext(ctx)
	var counts []struct {
		State string
		N     int
	}
	if err := db.Model(&models.OnboardingSession{}).Select("state, COUNT(*) AS n").Group("state").Scan(&counts).Error; err != nil {
		return nil, nil, err
	}
	out := map[string]int{}
	for _, c := range counts {
		out[c.State] = c.N
	}
	rows, err := s.rows(db.Where("s.state IN ?", NonTerminal).Order("s.created_at, s.id").Limit(limit))
	return out, rows, err
}

func (s *Service) rows(q *gorm.DB) ([]Row, error) {
	var rows []Row
	du := models.Table(q, &models.DiscordUser{})
	err := q.Table(models.Table(q, &models.OnboardingSession{}) + " s").
		Select("s.*, d.username, d.display_name").
		Joins("LEFT JOIN " + du + " d ON d.id = s.discord_member_id").Scan(&rows).Error
	return rows, err
}

// activeSession is the member's open session, or a NotFound fault.
func activeSession(tx *gorm.DB, discordID string) (models.OnboardingSession, error) {
	var sess models.OnboardingSession
	if err := tx.Where("discord_id = ? AND state IN ?", discordID, NonTerminal).Limit(1).Find(&sess).Error; err != nil {
		return sess, err
	}
	if sess.ID == 0 {
		return sess, fault.NotFound(fmt.Sprintf("No active onboarding session found for <@%s>.", discordID))
	}
	return sess, nil
}

// SessionBySessionID is the discord id of a session (the page acts by
// session id).
func (s *Service) DiscordIDOf(ctx context.Context, sessionID int) (string, error) {
	sess, err := load(s.DB.WithContext(ctx), sessionID)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", fault.NotFound("Onboarding session not found.")
	}
	return sess.DiscordID, err
}

// Status describes the member's session in a few lines.
func (s *Service) Status(ctx context.Context, discordID string) (string, error) {
	db := s.DB.WithContext(ctx)
	rows, err := s.rows(db.Where("s.discord_id = ?", discordID).Limit(1))
	if err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return "", fault.NotFound(fmt.Sprintf("<@%s> has no onboarding session.", discordID))
	}
	r := rows[0]
	lines := []string{fmt.Sprintf("**<@%s>** — %s (session #%d)", discordID, r.State, r.ID)}
	if r.ReportedMainName != nil {
		lines = append(lines, "Main: **"+*r.ReportedMainName+"**"+realmSuffix(r.ReportedMainRealm))
	} else {
		lines = append(lines, "Main: *(not reported)*")
	}
	if alts := names(r.ReportedAltNames); len(alts) > 0 {
		lines = append(lines, "Alts: "+strings.Join(alts, ", "))
	}
	lines = append(lines, fmt.Sprintf("Verification attempts: %d", r.VerificationAttempts))
	if r.NextActionAt != nil {
		lines = append(lines, "Next check: <t:"+fmt.Sprint(r.NextActionAt.Unix())+":R>")
	}
	if r.EscalationReason != nil {
		lines = append(lines, "Needs an officer: "+*r.EscalationReason)
	}
	if r.ResolvedBy != nil {
		lines = append(lines, "Decided by "+*r.ResolvedBy+(func() string {
			if r.ResolutionNote != nil {
				return ": " + *r.ResolutionNote
			}
			return ""
		}()))
	}
	return strings.Join(lines, "\n"), nil
}

func realmSuffix(r *string) string {
	if r == nil || *r == "" {
		return ""
	}
	return " (" + *r + ")"
}

// Resolve provisions the member by an officer's decision, whatever step
// the conversation is on: characterID, when given, becomes their main.
// The session ends manually_resolved, recording the officer.
func (s *Service) Resolve(ctx context.Context, officer, discordID string, characterID int) (string, error) {
	var (
		answer string
		after  []func(context.Context)
	)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess, err := activeSession(tx, discordID)
		if err != nil {
			return err
		}
		now := s.Now()
		if characterID != 0 {
			found, err := byIDs(tx, []int{characterID})
			if err != nil {
				return err
			}
			if len(found) == 0 {
				return fault.NotFound("That character is not on the roster.")
			}
			if err := tx.Model(&models.OnboardingSession{}).Where("id = ?", sess.ID).UpdateColumns(map[string]any{
				"main_character_id": characterID, "reported_main_name": found[0].Name, "reported_main_realm": found[0].RealmSlug}).Error; err != nil {
				return err
			}
			sess.MainCharacterID = &characterID
		}
		playerID, err := approvedPlayer(tx, sess)
		if err != nil {
			return err
		}
		out, err := s.provision(tx, sess, NonTerminal, playerID, StateResolved, LinkSourceOfficer, truncate(officer, 100), now)
		if err != nil {
			return err
		}
		after = out.after
		if err := resolveIssue(tx, sess, officer, now); err != nil {
			return err
		}
		sess, err = load(tx, sess.ID)
		if err != nil {
			return err
		}
		var links int64
		if err := tx.Model(&models.PlayerCharacter{}).Where("player_id = ?", out.PlayerID).Count(&links).Error; err != nil {
			return err
		}
		code := "N/A"
		if sess.WebsiteInviteCode != nil {
			code = "sent by DM"
		}
		answer = fmt.Sprintf("✅ <@%s> has been provisioned.\n• Characters linked: %d\n• Website invite: %s", discordID, links, code)
		return nil
	})
	if errors.Is(err, ErrStale) {
		return "", fault.Conflict("The session changed a moment ago; look again.")
	}
	if err != nil {
		return "", err
	}
	for _, f := range after {
		f(ctx)
	}
	return answer, nil
}

// Dismiss closes the member's session without provisioning (a state of
// its own, not "resolved", §12.12).
func (s *Service) Dismiss(ctx context.Context, officer, discordID string) (string, error) {
	var answer string
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess, err := activeSession(tx, discordID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := move(tx, sess.ID, NonTerminal, StateDismissed, now, map[string]any{
			"resolved_by": truncate(officer, 100), "completed_at": now, "next_action_at": nil}); err != nil {
			return err
		}
		answer = fmt.Sprintf("✅ Dismissed onboarding session for <@%s> (session #%d).", discordID, sess.ID)
		return resolveIssue(tx, sess, officer, now)
	})
	if errors.Is(err, ErrStale) {
		return "", fault.Conflict("The session changed a moment ago; look again.")
	}
	return answer, err
}

// Retry verifies a pending session again now, even one waiting for
// officers (an officer may have fixed the roster). A failed retry keeps
// the escalation as it was: no second audit post.
func (s *Service) Retry(ctx context.Context, officer, discordID string) (string, error) {
	var (
		answer string
		after  []func(context.Context)
	)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sess models.OnboardingSession
		if err := tx.Where("discord_id = ? AND state = ?", discordID, StatePending).Limit(1).Find(&sess).Error; err != nil {
			return err
		}
		if sess.ID == 0 {
			return fault.NotFound(fmt.Sprintf("No pending_verification session found for <@%s>.", discordID))
		}
		now := s.Now()
		if err := tx.Model(&models.OnboardingSession{}).Where("id = ?", sess.ID).UpdateColumn("escalation_reason", nil).Error; err != nil {
			return err
		}
		out, err := s.verify(tx, sess.ID, now)
		if err != nil {
			return err
		}
		switch {
		case out.Provisioned:
			after = out.after
			answer = fmt.Sprintf("✅ <@%s> was verified and provisioned successfully.", discordID)
			return resolveIssue(tx, sess, officer, now)
		case out.NeedsOfficer != "":
			answer = "⚠️ Still needs an officer's decision: " + out.NeedsOfficer
		default:
			reason := sess.EscalationReason
			if reason == nil {
				r := "No roster match for the member's main yet."
				reason = &r
			}
			if err := tx.Model(&models.OnboardingSession{}).Where("id = ?", sess.ID).UpdateColumn("escalation_reason", *reason).Error; err != nil {
				return err
			}
			answer = fmt.Sprintf("⚠️ Still couldn't match <@%s> in the roster. The verification attempt counter was incremented.", discordID)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	for _, f := range after {
		f(ctx)
	}
	return answer, nil
}

// Choice is one autocomplete suggestion.
type Choice struct{ Name, Value string }

// CharacterChoices suggests live roster characters whose name starts with
// prefix (any case), at most 25 (Discord's limit), realm shown.
func (s *Service) CharacterChoices(ctx context.Context, prefix string) ([]Choice, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	prefix = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(prefix)
	found, err := characters(s.DB.WithContext(ctx), `lower(c.character_name) LIKE ? ESCAPE '\'`, prefix+"%")
	if err != nil {
		return nil, err
	}
	var out []Choice
	for i, c := range found {
		if i == 25 {
			break
		}
		out = append(out, Choice{Name: truncate(c.label(), 100), Value: fmt.Sprint(c.ID)})
	}
	return out, nil
}
