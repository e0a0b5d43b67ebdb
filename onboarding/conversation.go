package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"patt/bot/outbox"
	"patt/models"
	"patt/notify"
)

// Reply is what the bot answers an interaction with: the clicked message
// redrawn (Update), a form to open (Modal), or a note only the clicker
// sees (Note).
type Reply struct {
	Update *notify.Message
	Modal  *notify.Modal
	Note   string
}

func update(m notify.Message) Reply { return Reply{Update: &m} }

// resetFields clears everything a former run of the session left behind
// (spec §12.9: a re-join starts clean).
func resetFields(discordMemberID int, now time.Time) map[string]any {
	return map[string]any{
		"discord_member_id": discordMemberID, "reported_main_name": nil, "reported_main_realm": nil,
		"reported_alt_names": nil, "is_in_guild": nil, "verification_attempts": 0, "last_verification_at": nil,
		"verified_at": nil, "verified_player_id": nil, "website_invite_sent": false, "website_invite_code": nil,
		"roster_entries_created": false, "discord_role_assigned": false, "dm_sent_at": nil, "dm_completed_at": nil,
		"deadline_at": nil, "escalated_at": nil, "completed_at": nil, "next_action_at": now, "nudge_count": 0,
		"main_character_id": nil, "alt_character_ids": nil, "closed_reason": nil, "resolved_by": nil,
		"resolution_note": nil, "audit_issue_id": nil, "escalation_reason": nil, "created_at": now,
	}
}

// Joined starts (or restarts) onboarding for a member who joined the
// server; the bot has recorded the member in discord_users first. A
// session still in conversation and active within the quiet hour is kept
// (a replayed join); a finished or stranded one starts over.
func (s *Service) Joined(ctx context.Context, discordID string) error {
	now := s.Now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var du models.DiscordUser
		if err := tx.Where("discord_id = ?", discordID).Limit(1).Find(&du).Error; err != nil {
			return err
		}
		if du.ID == 0 {
			return fmt.Errorf("onboarding: member %s is not in discord_users", discordID)
		}
		var sess models.OnboardingSession
		if err := tx.Where("discord_id = ?", discordID).Limit(1).Find(&sess).Error; err != nil {
			return err
		}
		switch {
		case sess.ID == 0:
			sess = models.OnboardingSession{DiscordMemberID: du.ID, DiscordID: discordID, State: StateAwaitingDM,
				NextActionAt: &now, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&sess).Error; err != nil {
				return fmt.Errorf("onboarding: start session: %w", err)
			}
		case !IsTerminal(sess.State) && sess.UpdatedAt.After(now.Add(-s.cfg.QuietFor)):
			return nil
		default:
			if err := move(tx, sess.ID, []string{sess.State}, StateAwaitingDM, now, resetFields(du.ID, now)); err != nil {
				return err
			}
		}
		return s.sendWelcome(tx, sess.ID, now)
	})
}

// sendWelcome queues the welcome DM and moves the session to
// asked_in_guild, when the onboarding DM switch is on; otherwise the
// session waits in awaiting_dm and the checker sends it once the switch
// is turned on.
func (s *Service) sendWelcome(tx *gorm.DB, id int, now time.Time) error {
	gates, err := outbox.LoadGates(tx)
	if err != nil || !gates.OnboardingDM() {
		return err
	}
	next := now.Add(s.cfg.QuietFor)
	if err := move(tx, id, []string{StateAwaitingDM}, StateAskedInGuild, now,
		map[string]any{"dm_sent_at": now, "next_action_at": next, "nudge_count": 0}); err != nil {
		return err
	}
	sess, err := load(tx, id)
	if err != nil {
		return err
	}
	_, err = outbox.Enqueue(tx.Statement.Context, tx, now, sess.DiscordID, KindDM, s.welcome(sess))
	return err
}

// Left closes the session of a member who left the server.
func (s *Service) Left(ctx context.Context, discordID string) error {
	now := s.Now()
	db := s.DB.WithContext(ctx)
	var sess models.OnboardingSession
	if err := db.Where("discord_id = ?", discordID).Limit(1).Find(&sess).Error; err != nil || sess.ID == 0 || IsTerminal(sess.State) {
		return err
	}
	err := move(db, sess.ID, []string{sess.State}, StateClosed, now,
		map[string]any{"closed_reason": "left_server", "completed_at": now, "next_action_at": nil})
	if errors.Is(err, ErrStale) {
		return nil
	}
	return err
}

// Typed handles a direct message the member typed to the bot: an answer
// to the question their session is on. The answer is queued in the
// outbox with the step, in one transaction.
func (s *Service) Typed(ctx context.Context, discordID, text string) error {
	var after []func(context.Context)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sess models.OnboardingSession
		if err := tx.Where("discord_id = ?", discordID).Limit(1).Find(&sess).Error; err != nil || sess.ID == 0 {
			return err
		}
		now := s.Now()
		var (
			reply notify.Message
			err   error
		)
		switch sess.State {
		case StateAskedInGuild:
			inGuild, understood := Answer(text)
			note := ""
			if !understood {
				note = "I'll take that as a yes! 🙂"
			}
			reply, err = s.answerInGuild(tx, sess, inGuild, note, now)
		case StateAskedMain:
			reply, err = s.mainTyped(tx, sess, text, now)
		case StateAskedAlts:
			reply, after, err = s.finishAlts(tx, sess, AltNames(text), now)
		case StatePending, StateProvisioned, StateResolved:
			reply, err = s.View(tx, sess)
		default:
			return nil // nothing to answer: no conversation
		}
		if errors.Is(err, ErrStale) {
			// Another event moved the session first; say where it is now.
			if sess, err = load(tx, sess.ID); err != nil {
				return err
			}
			reply, err = s.View(tx, sess)
		}
		if err != nil {
			return err
		}
		reply.Kind = KindReply
		_, err = outbox.Enqueue(ctx, tx, now, discordID, KindReply, reply)
		return err
	})
	if err == nil {
		for _, f := range after {
			f(ctx)
		}
	}
	return err
}

func (s *Service) answerInGuild(tx *gorm.DB, sess models.OnboardingSession, inGuild bool, note string, now time.Time) (notify.Message, error) {
	next := now.Add(s.cfg.QuietFor)
	if !inGuild {
		next = now.Add(24 * time.Hour) // the promised check-back
	}
	if err := move(tx, sess.ID, []string{StateAskedInGuild}, StateAskedMain, now,
		map[string]any{"is_in_guild": inGuild, "next_action_at": next, "nudge_count": 0}); err != nil {
		return notify.Message{}, err
	}
	return askMain(inGuild, note), nil
}

func (s *Service) mainTyped(tx *gorm.DB, sess models.OnboardingSession, text string, now time.Time) (notify.Message, error) {
	name := CharacterName(text)
	if name == "" || len([]rune(name)) > 50 {
		return askMain(true, "Just your character's name, please (like **Trogmoon**)."), nil
	}
	found, err := byName(tx, name)
	if err != nil {
		return notify.Message{}, err
	}
	if err := move(tx, sess.ID, []string{StateAskedMain}, StateAskedMain, now,
		map[string]any{"reported_main_name": name, "next_action_at": now.Add(s.cfg.QuietFor), "nudge_count": 0}); err != nil {
		return notify.Message{}, err
	}
	sess.ReportedMainName = &name
	return pickMain(sess, name, found), nil
}

// Interaction handles a member's click (or form) on a conversation
// message: action and session come from the component id, values from a
// select menu, fields from a form.
func (s *Service) Interaction(ctx context.Context, discordID, customID string, values []string, fields map[string]string) (Reply, error) {
	action, id, ok := ParseComponentID(customID)
	if !ok {
		return Reply{Note: "I don't know that button."}, nil
	}
	var (
		reply Reply
		after []func(context.Context)
	)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess, err := load(tx, id)
		if errors.Is(err, gorm.ErrRecordNotFound) {
			reply = Reply{Note: "This conversation no longer exists."}
			return nil
		}
		if err != nil {
			return err
		}
		if sess.DiscordID != discordID {
			reply = Reply{Note: "These buttons belong to someone else's conversation."}
			return nil
		}
		now := s.Now()
		var m notify.Message
		switch action {
		case ActYes, ActNo:
			m, err = s.answerInGuild(tx, sess, action == ActYes, "", now)
		case ActMain:
			m, err = s.mainPicked(tx, sess, values, now)
		case ActAskOffice:
			typed := ""
			if sess.ReportedMainName != nil {
				typed = *sess.ReportedMainName
			}
			err = move(tx, sess.ID, []string{StateAskedMain}, StatePending, now, map[string]any{
				"escalation_reason": truncate(fmt.Sprintf("The member could not find their main in the roster (typed %q).", typed), 200),
				"dm_completed_at":   now, "deadline_at": now, "next_action_at": now})
			m = s.waitingForOfficer()
		case ActAlts:
			if sess.State == StateAskedAlts {
				reply = Reply{Modal: AltsForm(sess.ID)}
				return nil
			}
			err = ErrStale
		case ActNoAlts:
			m, after, err = s.finishAlts(tx, sess, nil, now)
		case ActAltsForm:
			m, after, err = s.finishAlts(tx, sess, AltNames(fields["alts"]), now)
		default:
			reply = Reply{Note: "I don't know that button."}
			return nil
		}
		if errors.Is(err, ErrStale) {
			if sess, err = load(tx, sess.ID); err != nil {
				return err
			}
			m, err = s.View(tx, sess)
		}
		if err != nil {
			return err
		}
		reply = update(m)
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	for _, f := range after {
		f(ctx)
	}
	return reply, nil
}

func (s *Service) mainPicked(tx *gorm.DB, sess models.OnboardingSession, values []string, now time.Time) (notify.Message, error) {
	if sess.State != StateAskedMain || sess.ReportedMainName == nil || len(values) != 1 {
		return notify.Message{}, ErrStale
	}
	if values[0] == "none" {
		if err := move(tx, sess.ID, []string{StateAskedMain}, StateAskedMain, now,
			map[string]any{"reported_main_name": nil, "next_action_at": now.Add(s.cfg.QuietFor), "nudge_count": 0}); err != nil {
			return notify.Message{}, err
		}
		return askMain(true, "No problem."), nil
	}
	id, err := strconv.Atoi(values[0])
	if err != nil {
		return notify.Message{}, ErrStale
	}
	// Only a character the menu offered counts (the value comes from the
	// client).
	found, err := byName(tx, *sess.ReportedMainName)
	if err != nil {
		return notify.Message{}, err
	}
	for _, c := range found {
		if c.ID != id {
			continue
		}
		if err := move(tx, sess.ID, []string{StateAskedMain}, StateAskedAlts, now, map[string]any{
			"main_character_id": c.ID, "reported_main_name": c.Name, "reported_main_realm": c.RealmSlug,
			"next_action_at": now.Add(s.cfg.QuietFor), "nudge_count": 0}); err != nil {
			return notify.Message{}, err
		}
		return askAlts(sess, c), nil
	}
	return notify.Message{}, ErrStale
}

// finishAlts takes the member's alts, ends the conversation and verifies
// at once.
func (s *Service) finishAlts(tx *gorm.DB, sess models.OnboardingSession, altNames []string, now time.Time) (notify.Message, []func(context.Context), error) {
	if sess.State != StateAskedAlts || sess.MainCharacterID == nil {
		return notify.Message{}, nil, ErrStale
	}
	mains, err := byIDs(tx, []int{*sess.MainCharacterID})
	if err != nil {
		return notify.Message{}, nil, err
	}
	realm := ""
	if len(mains) == 1 {
		realm = mains[0].RealmSlug
	}
	var altIDs []int
	var kept, skipped []string
	for _, n := range altNames {
		c, ok, err := pickAlt(tx, n, realm, *sess.MainCharacterID, altIDs)
		if err != nil {
			return notify.Message{}, nil, err
		}
		if ok {
			altIDs = append(altIDs, c.ID)
			kept = append(kept, c.Name)
		} else {
			skipped = append(skipped, n)
		}
	}
	if err := move(tx, sess.ID, []string{StateAskedAlts}, StatePending, now, map[string]any{
		"reported_alt_names": namesJSON(altNames), "alt_character_ids": idsJSON(altIDs),
		"dm_completed_at": now, "deadline_at": now.Add(s.cfg.VerifyDeadline), "next_action_at": now, "nudge_count": 0}); err != nil {
		return notify.Message{}, nil, err
	}
	out, err := s.verify(tx, sess.ID, now)
	if err != nil {
		return notify.Message{}, nil, err
	}
	main := ""
	if sess.ReportedMainName != nil {
		main = *sess.ReportedMainName
	}
	switch {
	case out.Provisioned:
		sess, err := load(tx, sess.ID)
		if err != nil {
			return notify.Message{}, nil, err
		}
		return s.doneView(sess), out.after, nil
	case out.NeedsOfficer != "":
		return s.waitingForOfficer(), nil, nil
	}
	return s.summary(main, kept, skipped), nil, nil
}

// pickAlt finds the member's alt by name: a live character nobody owns,
// on the main's realm when the name exists on several.
func pickAlt(tx *gorm.DB, name, realm string, mainID int, taken []int) (character, bool, error) {
	found, err := byName(tx, name)
	if err != nil {
		return character{}, false, err
	}
	var free, sameRealm []character
	for _, c := range found {
		if c.OwnerID != nil || c.ID == mainID || containsInt(taken, c.ID) {
			continue
		}
		free = append(free, c)
		if c.RealmSlug == realm {
			sameRealm = append(sameRealm, c)
		}
	}
	switch {
	case len(free) == 1:
		return free[0], true, nil
	case len(sameRealm) == 1:
		return sameRealm[0], true, nil
	}
	return character{}, false, nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
