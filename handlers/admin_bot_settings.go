package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/app/jobs"
	"patt/bot/outbox"
	"patt/bot/settings"
	"patt/fault"
	"patt/models"
	"patt/notify"
)

// The bot-settings page (spec discord_bot §2.3, issue 12): the bot's
// connection, the DM switches, the DM outbox with release/discard, the
// role mapping check and the last syncs with "sync now". Every action is
// a plain form post that answers with the page; htmx swaps just the page
// body (#bot-settings).

// botSettingsView is the page's data.
type botSettingsView struct {
	*settings.Page
	CSRF   string
	Zone   *time.Location
	Notice string
	Error  string
	// Onboarding is the onboarding queue (admin_onboarding.go).
	Onboarding *onboardingQueue
}

// ZoneName is the viewer's zone abbreviation now, for column headings.
func (v botSettingsView) ZoneName() string {
	name, _ := time.Now().In(v.Zone).Zone()
	return name
}

// At shows a time in the viewer's zone with the zone's abbreviation.
func (v botSettingsView) At(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "never"
	}
	return t.In(v.Zone).Format("Mon 2 Jan 15:04 MST")
}

// AtTime is At for a time that is always set.
func (v botSettingsView) AtTime(t time.Time) string { return v.At(&t) }

// botFlagRow is one feature switch on the page.
type botFlagRow struct {
	Key, Label, Help string
	On               bool
}

// Features are the per-feature DM switches, greyed while the master is off
// (their stored values are kept).
func (v botSettingsView) Features() []botFlagRow {
	return []botFlagRow{
		{settings.FlagInvite, "Invite DMs", "Registration codes sent from the Player Manager.", v.View.FeatureInviteDM},
		{settings.FlagOnboarding, "Onboarding DMs", "The welcome conversation with new Discord members.", v.View.FeatureOnboardingDM},
	}
}

// GET /admin/bot-settings
func (s *Server) adminBotSettingsShow(c fiber.Ctx) error {
	return s.botSettingsAnswer(c, fiber.StatusOK, "", nil)
}

// botSettingsAnswer renders the page (or, for htmx, its body) with a
// notice or the refusal of the action just taken.
func (s *Server) botSettingsAnswer(c fiber.Ctx, status int, notice string, actionErr error) error {
	v := botSettingsView{CSRF: csrfToken(c), Notice: notice, Zone: time.UTC}
	if actionErr != nil {
		st, msg, ok := shown(c, actionErr)
		if !ok {
			return actionErr
		}
		status, v.Error = st, msg
	}
	if viewer := viewerOf(c); viewer != nil {
		if z, err := s.viewerZone(c, viewer); err == nil {
			v.Zone = z
		}
	}
	p, err := settings.Load(c.Context(), s.db(c), s.Config.DiscordToken != "")
	if err != nil {
		return err
	}
	v.Page = p
	if v.Onboarding, err = s.loadOnboardingQueue(c); err != nil {
		return err
	}
	if isHTMX(c) {
		return s.renderFragment(c, status, "partials/admin/bot_settings_body", &Page{Data: v})
	}
	return s.renderAdmin(c, status, "pages/admin/bot_settings", &Page{Title: "Bot Settings", Data: v})
}

// POST /admin/bot-settings/flags/:flag (value=true|false)
func (s *Server) adminBotSettingsFlag(c fiber.Ctx) error {
	key := c.Params("flag")
	known := false
	for _, k := range settings.FlagKeys {
		known = known || k == key
	}
	if !known {
		return fiber.ErrNotFound
	}
	var on bool
	switch c.FormValue("value") {
	case "true":
		on = true
	case "false":
	default:
		return s.botSettingsAnswer(c, 0, "", fault.Malformed("value must be true or false."))
	}
	_, err := settings.SetFlags(c.Context(), s.db(c), s.Now(), map[string]bool{key: on}, s.Config.DiscordGuildID, viewerOf(c).DisplayName, s.Log)
	if err != nil {
		return err
	}
	return s.botSettingsAnswer(c, fiber.StatusOK, "Saved.", nil)
}

// POST /admin/bot-settings/outbox/:id/release and …/discard
func (s *Server) adminBotSettingsOutbox(release bool) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		notice := "The DM was released and goes out with the next delivery."
		if release {
			err = outbox.Release(c.Context(), s.db(c), s.Now(), id, viewerOf(c).PlayerID)
		} else {
			err = outbox.Discard(c.Context(), s.db(c), s.Now(), id)
			notice = "The DM was discarded."
		}
		if err != nil {
			return s.botSettingsAnswer(c, 0, "", err)
		}
		return s.botSettingsAnswer(c, fiber.StatusOK, notice, nil)
	}
}

// POST /admin/bot-settings/sync/:what (members or roles)
func (s *Server) adminBotSettingsSync(c fiber.Ctx) error {
	job := map[string]string{"members": settings.JobMemberSync, "roles": settings.JobRoleSync}[c.Params("what")]
	if job == "" {
		return fiber.ErrNotFound
	}
	var err error = jobs.ErrUnknownJob
	if s.Jobs != nil {
		err = s.Jobs.RunNow(job)
	}
	switch {
	case errors.Is(err, jobs.ErrUnknownJob):
		err = fault.Conflict("The Discord bot is not configured on this server (PATT_DISCORD_TOKEN is not set).")
	case errors.Is(err, jobs.ErrBusy):
		err = fault.Conflict("That sync is already running.")
	}
	if err != nil {
		return s.botSettingsAnswer(c, 0, "", err)
	}
	return s.botSettingsAnswer(c, fiber.StatusAccepted, "Sync started; reload in a moment for its result.", nil)
}

// POST /admin/bot-settings/role-sync (dry_run=on when ticked, max_changes)
func (s *Server) adminBotSettingsRoleSync(c fiber.Ctx) error {
	r, err := settings.ParseRoleRules(c.FormValue("dry_run"), c.FormValue("max_changes"))
	if err != nil {
		return s.botSettingsAnswer(c, 0, "", err)
	}
	if err := settings.SetRoleRules(c.Context(), s.db(c), s.Now(), r, s.Config.DiscordGuildID, viewerOf(c).DisplayName, s.Log); err != nil {
		return err
	}
	notice := "Saved: the bot changes Discord roles again, at most " + strconv.Itoa(r.Cap) + " members per run."
	if r.DryRun {
		notice = "Saved: dry run is on. The bot changes no Discord role and lists here what it would change."
	}
	// The next role run shows the new plan now, not in two minutes.
	notify.RanksChanged(s.Notifier)
	return s.botSettingsAnswer(c, fiber.StatusOK, notice, nil)
}

// POST /admin/bot-settings/announce-channel (channel_id; empty clears it)
func (s *Server) adminBotSettingsAnnounce(c fiber.Ctx) error {
	ch := c.FormValue("channel_id")
	if err := settings.SetAnnounceChannel(c.Context(), s.db(c), s.Now(), ch, s.Config.DiscordGuildID, viewerOf(c).DisplayName, s.Log); err != nil {
		return s.botSettingsAnswer(c, 0, "", err)
	}
	notice := "Saved: posts without a channel of their own go to that channel."
	if strings.TrimSpace(ch) == "" {
		notice = "Saved: no announcement channel; posts without a channel of their own wait."
	}
	return s.botSettingsAnswer(c, fiber.StatusOK, notice, nil)
}

// rolesFollow wraps officers' actions that may move a player's rank or
// Discord link (Player Manager, characters, the members API, rank
// mapping, accepted link suggestions): once one succeeded, the Discord bot
// hears at once (notify.RanksChanged, with the player's id when the
// address names one) and moves the member's roles; the bot's 2-minute
// role push stays as the catch-up.
func (s *Server) rolesFollow(c fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead || c.Response().StatusCode() >= 400 {
		return nil
	}
	var ids []int
	path := c.Route().Path
	if strings.Contains(path, "/players/:id") || strings.Contains(path, "/members/:id") {
		if id, err := strconv.Atoi(c.Params("id")); err == nil {
			ids = append(ids, id)
		}
	}
	notify.RanksChanged(s.Notifier, ids...)
	return nil
}

// GET /api/v1/admin/bot-settings
func (s *Server) adminAPIBotSettingsShow(c fiber.Ctx) error {
	v, err := settings.Get(c.Context(), s.db(c))
	if err != nil {
		return err
	}
	return apiOK(c, v)
}

// PATCH /api/v1/admin/bot-settings: only the three switches, JSON booleans
// only (400 otherwise); other keys are ignored.
func (s *Server) adminAPIBotSettingsUpdate(c fiber.Ctx) error {
	set, err := settings.ParseFlags(c.Body())
	if err != nil {
		return apiError(c, fiber.StatusBadRequest, fault.MessageOf(err))
	}
	flags, err := settings.SetFlags(c.Context(), s.db(c), s.Now(), set, s.Config.DiscordGuildID, viewerOf(c).DisplayName, s.Log)
	if err != nil {
		return err
	}
	return apiOK(c, flags)
}

// queueInviteDM puts an invite's registration-code DM in the bot's outbox
// when the player has a Discord account, and returns the row's status:
// "pending" (Invite DMs are on; the bot sends it), "held" (an officer
// releases it on the bot-settings page) or "" (no Discord account, or it
// could not be queued — the code is still shown to the officer).
func (s *Server) queueInviteDM(c fiber.Ctx, inv *models.InviteCode, p models.Player) string {
	if inv == nil || p.DiscordUser == nil {
		return ""
	}
	now := s.Now()
	expires := now.Add(72 * time.Hour)
	if inv.ExpiresAt != nil {
		expires = *inv.ExpiresAt
	}
	row, err := outbox.QueueInvite(c.Context(), s.db(c), now, p.DiscordUser.DiscordID, s.Config.Guild.Name, inv.Code, s.inviteURL(inv.Code), expires)
	if err != nil {
		s.Log.Error("invite DM not queued", "player_id", p.ID, "err", err)
		return ""
	}
	return row.Status
}
