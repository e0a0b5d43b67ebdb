package onboarding

import (
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"patt/models"
	"patt/notify"
)

// Colours of the conversation's embeds.
const (
	ColorGold    = 0xD4A84B
	ColorSuccess = 0x4ADE80
	ColorWarning = 0xFBBF24
)

// maxOptions is Discord's limit of a select menu, one kept for "none of
// these".
const maxOptions = 24

// character is a roster character as the member sees it.
type character struct {
	ID        int
	Name      string
	RealmSlug string
	RealmName *string
	ClassName *string
	Level     *int
	OwnerID   *int
}

func (c character) realm() string {
	if c.RealmName != nil && *c.RealmName != "" {
		return *c.RealmName
	}
	return c.RealmSlug
}

func (c character) class() string {
	if c.ClassName != nil && *c.ClassName != "" {
		return *c.ClassName
	}
	return "Unknown class"
}

// label is "Trogmoon — Sen'jin (Druid)".
func (c character) label() string {
	return fmt.Sprintf("%s — %s (%s)", c.Name, c.realm(), c.class())
}

// characters finds live roster characters by id or by name (any case).
func characters(tx *gorm.DB, where string, args ...any) ([]character, error) {
	var out []character
	ch := models.Table(tx, &models.Character{})
	cl := models.Table(tx, &models.Class{})
	pc := models.Table(tx, &models.PlayerCharacter{})
	err := tx.Raw(`SELECT c.id, c.character_name AS name, c.realm_slug, c.realm_name, cl.name AS class_name, c.level, pc.player_id AS owner_id
FROM `+ch+` c LEFT JOIN `+cl+` cl ON cl.id = c.class_id LEFT JOIN `+pc+` pc ON pc.character_id = c.id
WHERE c.removed_at IS NULL AND (`+where+`) ORDER BY lower(c.realm_slug), c.id LIMIT 50`, args...).Scan(&out).Error
	return out, err
}

func byName(tx *gorm.DB, name string) ([]character, error) {
	return characters(tx, "lower(c.character_name) = ?", strings.ToLower(name))
}

func byIDs(tx *gorm.DB, id []int) ([]character, error) {
	if len(id) == 0 {
		return nil, nil
	}
	return characters(tx, "c.id IN ?", id)
}

func (s *Service) welcome(sess models.OnboardingSession) notify.Message {
	return notify.Message{Kind: KindDM,
		Title:       fmt.Sprintf("Welcome to %s! 🎮", s.cfg.GuildName),
		Description: fmt.Sprintf("Hi, and welcome to the %s Discord!\n\n**Have you already joined the guild in World of Warcraft?**\n\nPress a button below (or reply yes or no) — no rush.", s.cfg.GuildName),
		Color:       ColorGold, Footer: s.cfg.GuildName,
		Buttons: []notify.Button{
			{ID: ComponentID(ActYes, sess.ID), Label: "Yes, I'm in the guild", Style: "success"},
			{ID: ComponentID(ActNo, sess.ID), Label: "Not yet", Style: "secondary"},
		}}
}

func askMain(inGuild bool, note string) notify.Message {
	text := "**What's your main character's name?** Type just the name here and I'll look for it in the guild roster."
	if !inGuild {
		text = "No worries! 👋 Ask any officer in game for a guild invite.\n\nOnce you're in the guild, **type your main character's name here** and I'll find you in the roster (it updates a few times a day). I'll check back with you tomorrow."
	}
	if note != "" {
		text = note + "\n\n" + text
	}
	return notify.Message{Kind: KindReply, Content: text}
}

// pickMain lists the roster characters named like the member's main.
func pickMain(sess models.OnboardingSession, typed string, found []character) notify.Message {
	if len(found) == 0 {
		return notify.Message{Kind: KindReply,
			Content: fmt.Sprintf("I couldn't find **%s** in the guild roster. Check the spelling and type it again — the roster updates a few times a day, so a brand-new member may not be there yet.\n\nStill stuck? Ask an officer to look at it.", typed),
			Buttons: []notify.Button{{ID: ComponentID(ActAskOffice, sess.ID), Label: "Ask an officer", Style: "secondary"}}}
	}
	sel := &notify.Select{ID: ComponentID(ActMain, sess.ID), Placeholder: "Pick your main"}
	for i, c := range found {
		if i == maxOptions {
			break
		}
		opt := notify.Option{Label: c.label(), Value: strconv.Itoa(c.ID)}
		if c.Level != nil {
			opt.Description = fmt.Sprintf("Level %d", *c.Level)
		}
		if c.OwnerID != nil {
			opt.Description = strings.TrimPrefix(opt.Description+" · already linked to a player (an officer will confirm)", " · ")
		}
		sel.Options = append(sel.Options, opt)
	}
	sel.Options = append(sel.Options, notify.Option{Label: "None of these", Value: "none"})
	return notify.Message{Kind: KindReply,
		Content: fmt.Sprintf("I found %d character(s) named **%s** in the roster. Which one is yours?", len(found), typed),
		Select:  sel}
}

func askAlts(sess models.OnboardingSession, main character) notify.Message {
	return notify.Message{Kind: KindReply,
		Content: fmt.Sprintf("Found **%s** on **%s** — %s! 🎉\n\n**Do you have alts in the guild?** Add them, or say you have none.", main.Name, main.realm(), main.class()),
		Buttons: []notify.Button{
			{ID: ComponentID(ActAlts, sess.ID), Label: "Add alts", Style: "primary"},
			{ID: ComponentID(ActNoAlts, sess.ID), Label: "No alts", Style: "secondary"},
		}}
}

// AltsForm is the form for alt names.
func AltsForm(sessionID int) *notify.Modal {
	return &notify.Modal{ID: ComponentID(ActAltsForm, sessionID), Title: "Your alts in the guild",
		Inputs: []notify.TextInput{{ID: "alts", Label: "Alt names, separated by commas", Placeholder: "Trogalt, Trogbank",
			Paragraph: true, Required: true, MaxLength: 400}}}
}

func (s *Service) summary(main string, alts []string, skipped []string) notify.Message {
	d := "**Main:** " + main
	if len(alts) > 0 {
		d += "\n**Alts:** " + strings.Join(alts, ", ")
	}
	if len(skipped) > 0 {
		d += "\n\nNot found or already someone else's (an officer can add them later): " + strings.Join(skipped, ", ")
	}
	d += "\n\nI'm checking this against the guild roster now. Once it's confirmed you'll get your Discord role and an invite to the guild website, with your characters already on it."
	return notify.Message{Kind: KindReply, Title: "Got it! You're all set on my end 👍", Description: d, Color: ColorGold, Footer: s.cfg.GuildName}
}

func (s *Service) waitingForOfficer() notify.Message {
	return notify.Message{Kind: KindReply, Title: "Thanks! An officer will take it from here 👍",
		Description: "I've asked the officers to confirm your characters. You'll hear from me as soon as they do.",
		Color:       ColorGold, Footer: s.cfg.GuildName}
}

func (s *Service) setUp(code string, chars int) notify.Message {
	d := ""
	if code != "" {
		d = fmt.Sprintf("Your website invite code: `%s`\nSign up here: %s/register?code=%s\n\nThe code works for %d days.", code, s.cfg.BaseURL, code, int(s.cfg.InviteTTL.Hours()/24))
	} else {
		d = fmt.Sprintf("Log in at %s — your account is already there.", s.cfg.BaseURL)
	}
	if chars > 0 {
		d += fmt.Sprintf("\n\n%d of your characters are already on your profile; you can pick your main and add any that are missing.", chars)
	}
	return notify.Message{Kind: KindDM, Title: "You're officially set up! 🎉", Description: d, Color: ColorSuccess, Footer: s.cfg.GuildName + " • Welcome!"}
}

func (s *Service) doneView(sess models.OnboardingSession) notify.Message {
	return notify.Message{Kind: KindReply, Title: "You're set up! 🎉",
		Description: "You have your guild role, and your website invite is on its way in a separate message.",
		Color:       ColorSuccess, Footer: s.cfg.GuildName}
}

func (s *Service) closedView(sess models.OnboardingSession) notify.Message {
	return notify.Message{Kind: KindReply,
		Content: "This conversation is closed. If you still need a hand getting set up, ask any officer."}
}

// View is the session as the member should see it now: what a click on a
// stale message, or a nudge, shows.
func (s *Service) View(tx *gorm.DB, sess models.OnboardingSession) (notify.Message, error) {
	switch sess.State {
	case StateAwaitingDM, StateAskedInGuild:
		return s.welcome(sess), nil
	case StateAskedMain:
		inGuild := sess.IsInGuild == nil || *sess.IsInGuild
		if sess.ReportedMainName != nil && *sess.ReportedMainName != "" {
			found, err := byName(tx, *sess.ReportedMainName)
			if err != nil {
				return notify.Message{}, err
			}
			return pickMain(sess, *sess.ReportedMainName, found), nil
		}
		return askMain(inGuild, ""), nil
	case StateAskedAlts:
		if sess.MainCharacterID != nil {
			found, err := byIDs(tx, []int{*sess.MainCharacterID})
			if err != nil {
				return notify.Message{}, err
			}
			if len(found) == 1 {
				return askAlts(sess, found[0]), nil
			}
		}
		return askMain(true, ""), nil
	case StatePending:
		if sess.EscalationReason != nil {
			return s.waitingForOfficer(), nil
		}
		main := ""
		if sess.ReportedMainName != nil {
			main = *sess.ReportedMainName
		}
		return s.summary(main, names(sess.ReportedAltNames), nil), nil
	case StateProvisioned, StateResolved:
		return s.doneView(sess), nil
	}
	return s.closedView(sess), nil
}
