package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
	"patt/schedule"
)

// adminRaidHelperPage is /admin/raid-helper: the Raid-Helper settings, the
// coming raids with their booking state and actions, the booking log and
// Raid-Helper signers no player matches.
type adminRaidHelperPage struct {
	Settings schedule.RaidHelperSettings
	Errors   map[string]string
	Raids    []adminRaidRow
	Log      []bookingRow
	Unknown  []unknownRow
	// Candidates are the players an unknown signer may be linked to.
	Candidates  []schedule.LinkCandidate
	Zone        string
	Message     string // result of an action
	Failed      bool
	LinkMessage string // result of linking a signer, shown in its section
	LinkFailed  bool
}

// unknownRow is a Raid-Helper signer no player matches, with the player
// whose name matches theirs preselected.
type unknownRow struct {
	ID                    int
	Name, DiscordID       string
	Answer                string
	EventID               int
	EventTitle, EventDate string
	Suggested             int
}

type adminRaidRow struct {
	ID        int
	Title     string
	When      string
	State     string
	Cancelled bool
	Started   bool
	Booked    bool
	Generated bool
	RHID      string
	CSRF      string
}

type bookingRow struct {
	When, What, Action, Trigger, Status, Error, RHID string
}

func (s *Server) adminRaidHelperData(c fiber.Ctx) (adminRaidHelperPage, error) {
	page := adminRaidHelperPage{Zone: s.Config.GuildTimezone.String()}
	db := s.db(c)
	settings, err := s.RaidHelper.LoadSettings(db)
	if err != nil {
		return page, err
	}
	page.Settings = settings
	if settings.KeyUnreadable {
		page.Message, page.Failed = "The saved API key cannot be decrypted: the app's secret changed since it was saved. Paste the key again below.", true
	}
	raids, err := schedule.RaidsAhead(db, s.Now(), schedule.GenerateDays)
	if err != nil {
		return page, err
	}
	for _, e := range raids {
		row := adminRaidRow{ID: e.ID, Title: e.Title, When: e.StartTimeUTC.In(s.Config.GuildTimezone).Format("Mon 2 Jan 15:04 MST"),
			State: e.RHState, Cancelled: e.Status == schedule.EventCancelled, Started: !s.Now().Before(e.StartTimeUTC),
			Booked: e.RHState == schedule.RHBooked, Generated: e.Origin == schedule.OriginGenerated, CSRF: csrfToken(c)}
		if e.RaidHelperEventID != nil {
			row.RHID = *e.RaidHelperEventID
		}
		page.Raids = append(page.Raids, row)
	}
	log, err := schedule.BookingLog(db, 30)
	if err != nil {
		return page, err
	}
	for _, l := range log {
		b := bookingRow{When: l.StartedAt.In(s.Config.GuildTimezone).Format("Mon 2 Jan 15:04 MST"), What: l.EventTitle + " " + l.EventDate,
			Action: l.Action, Trigger: l.Trigger, Status: l.Status}
		if l.Error != nil {
			b.Error = *l.Error
		}
		if l.RHEventID != nil {
			b.RHID = *l.RHEventID
		}
		page.Log = append(page.Log, b)
	}
	unknown, err := schedule.UnknownSigners(db, s.Now())
	if err != nil {
		return page, err
	}
	if len(unknown) > 0 {
		if page.Candidates, err = schedule.LinkCandidates(db); err != nil {
			return page, err
		}
	}
	for _, u := range unknown {
		answer := schedule.SignupLabels[u.Status]
		if u.SpecName != "" && u.SpecName != u.ClassName {
			answer += " (" + u.ClassName + " · " + u.SpecName + ")"
		} else if u.ClassName != "" && !strings.EqualFold(u.ClassName, answer) {
			answer += " (" + u.ClassName + ")"
		}
		page.Unknown = append(page.Unknown, unknownRow{ID: u.ID, Name: u.Name, DiscordID: u.DiscordID, Answer: answer,
			EventID: u.EventID, EventTitle: u.EventTitle, EventDate: u.EventDate, Suggested: schedule.SuggestFor(page.Candidates, u.Name)})
	}
	return page, nil
}

func (s *Server) renderAdminRaidHelper(c fiber.Ctx, status int, mutate func(*adminRaidHelperPage)) error {
	page, err := s.adminRaidHelperData(c)
	if err != nil {
		return err
	}
	if mutate != nil {
		mutate(&page)
	}
	return s.renderAdmin(c, status, "pages/admin/raid_helper", &Page{Title: "Raid-Helper", Data: page})
}

// adminRaidHelperShow renders GET /admin/raid-helper.
func (s *Server) adminRaidHelperShow(c fiber.Ctx) error {
	return s.renderAdminRaidHelper(c, fiber.StatusOK, nil)
}

// adminRaidHelperSave answers POST /admin/raid-helper/settings. The key
// field is empty unless the officer pastes a new key.
func (s *Server) adminRaidHelperSave(c fiber.Ctx) error {
	in := schedule.RaidHelperSettingsInput{APIKey: c.FormValue("raid_helper_api_key"), ClearKey: c.FormValue("clear_key") == "1",
		ServerID: c.FormValue("raid_helper_server_id"), CreatorID: c.FormValue("raid_creator_discord_id"),
		ChannelID: c.FormValue("raid_channel_id"), VoiceChannelID: c.FormValue("raid_voice_channel_id"),
		TemplateID: c.FormValue("raid_default_template_id")}
	if err := s.RaidHelper.SaveSettings(s.db(c), in, s.Now()); err != nil {
		if fault.KindOf(err) != fault.KindInvalid {
			return err
		}
		return s.renderAdminRaidHelper(c, fiber.StatusUnprocessableEntity, func(p *adminRaidHelperPage) {
			p.Errors = fault.FieldsOf(err)
			p.Settings.ServerID, p.Settings.CreatorID, p.Settings.ChannelID = in.ServerID, in.CreatorID, in.ChannelID
			p.Settings.VoiceChannelID, p.Settings.TemplateID = in.VoiceChannelID, in.TemplateID
			p.Message, p.Failed = fault.MessageOf(err), true
		})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/raid-helper?flash=raid-helper-saved")
}

// adminRaidHelperAction runs one officer action and shows the page with
// its outcome; 409/422/503 keep their status.
func (s *Server) adminRaidHelperAction(c fiber.Ctx, run func() (string, error)) error {
	msg, err := run()
	status := fiber.StatusOK
	if err != nil {
		if schedule.IsRaidHelperError(err) {
			// Raid-Helper refused: say what it said (502, its fault not ours).
			status, msg = fiber.StatusBadGateway, fault.MessageOf(err)
		} else {
			st, m, known := shown(c, err)
			if !known {
				return err
			}
			if st == fiber.StatusNotFound {
				return fiber.ErrNotFound
			}
			status, msg = st, m
		}
	}
	if err == nil && !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/raid-helper?flash=raid-helper-done")
	}
	return s.renderAdminRaidHelper(c, status, func(p *adminRaidHelperPage) { p.Message, p.Failed = msg, err != nil })
}

// adminRaidHelperTest answers POST /admin/raid-helper/test.
func (s *Server) adminRaidHelperTest(c fiber.Ctx) error {
	n, err := s.RaidHelper.TestConnection(c.Context(), s.db(c))
	status, msg := fiber.StatusOK, "✓ Connected — "+strconv.Itoa(n)+" events on the server"
	if err != nil {
		status, msg = fiber.StatusBadGateway, "✗ "+fault.MessageOf(err)
		if st, m, known := shown(c, err); known && st < 500 && st != fiber.StatusNotFound {
			status, msg = st, "✗ "+m
		}
		if strings.TrimSpace(msg) == "✗" {
			msg = "✗ Raid-Helper did not answer"
		}
	}
	return s.renderAdminRaidHelper(c, status, func(p *adminRaidHelperPage) { p.Message, p.Failed = msg, err != nil })
}

func (s *Server) adminRaidHelperBook(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	return s.adminRaidHelperAction(c, func() (string, error) {
		return "Booked in Raid-Helper", s.RaidHelper.Book(c.Context(), s.db(c), id, viewerOf(c).PlayerID, s.Now())
	})
}

func (s *Server) adminRaidHelperCancel(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	return s.adminRaidHelperAction(c, func() (string, error) {
		return "Raid cancelled", s.RaidHelper.Cancel(c.Context(), s.db(c), id, viewerOf(c).PlayerID, s.Now())
	})
}

// adminRaidHelperSync answers POST /admin/raid-helper/sync: book what is
// due and bring signups both ways now, instead of at the next job run.
func (s *Server) adminRaidHelperSync(c fiber.Ctx) error {
	return s.adminRaidHelperAction(c, func() (string, error) {
		ctx, db, now := c.Context(), s.db(c), s.Now()
		b, err := s.RaidHelper.BookDue(ctx, db, nil, now)
		if b.Off {
			return "", fault.Conflict("Raid-Helper is not configured. Set the API key and server id first.")
		}
		if err != nil {
			return "", err
		}
		r, err := s.RaidHelper.SyncSignups(ctx, db, 0, now)
		return strconv.Itoa(b.Booked) + " booked; signups: " + strconv.Itoa(r.Imported) + " imported, " +
			strconv.Itoa(r.Pushed) + " sent, " + strconv.Itoa(r.Unknown) + " unknown signers", err
	})
}

// adminRaidHelperLink answers POST /admin/raid-helper/unknown/:id/link
// (player_id): the officer says who an unknown Raid-Helper signer is; the
// signer's Discord account is linked to that player and their answer counts
// at once. htmx swaps the unknown-signers section; a refusal (409/422)
// shows there too.
func (s *Server) adminRaidHelperLink(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("player_id")))
	res, err := schedule.LinkUnknownSigner(s.db(c), identity.By(viewerOf(c).PlayerID), id, pid)
	status, msg := fiber.StatusOK, ""
	if err != nil {
		st, m, known := shown(c, err)
		if !known {
			return err
		}
		status, msg = st, m
	} else {
		msg = "Linked to " + res.Player + "; " + strconv.Itoa(res.Imported) + " Raid-Helper signup(s) now count for them."
	}
	return s.renderAdminRaidHelper(c, status, func(p *adminRaidHelperPage) { p.LinkMessage, p.LinkFailed = msg, err != nil })
}

// raidConfigJSON is GET /api/v1/admin/raid-config: the key is never
// returned, only whether one is saved.
type raidConfigJSON struct {
	APIKeySet             bool   `json:"raid_helper_api_key_set"`
	ServerID              string `json:"raid_helper_server_id"`
	CreatorDiscordID      string `json:"raid_creator_discord_id"`
	ChannelID             string `json:"raid_channel_id"`
	VoiceChannelID        string `json:"raid_voice_channel_id"`
	DefaultTemplateID     string `json:"raid_default_template_id"`
	BookingAheadDays      int    `json:"booking_ahead_days"`
	GeneratedAheadDays    int    `json:"generated_ahead_days"`
	GuildTimezone         string `json:"guild_timezone"`
	RaidHelperAPIURLIsSet bool   `json:"-"`
}

func (s *Server) raidConfigAPIShow(c fiber.Ctx) error {
	st, err := schedule.LoadRaidHelperSettings(s.db(c))
	if err != nil {
		return err
	}
	return apiOK(c, raidConfigJSON{APIKeySet: st.KeySet, ServerID: st.ServerID, CreatorDiscordID: st.CreatorID, ChannelID: st.ChannelID,
		VoiceChannelID: st.VoiceChannelID, DefaultTemplateID: st.TemplateID, BookingAheadDays: int(schedule.BookAhead / (24 * time.Hour)),
		GeneratedAheadDays: schedule.GenerateDays, GuildTimezone: s.Config.GuildTimezone.String()})
}

// raidConfigAPIUpdate answers PATCH /api/v1/admin/raid-config: the keys
// present are saved, the others kept; an empty or absent API key keeps the
// saved one (so echoing the GET answer back never erases it).
func (s *Server) raidConfigAPIUpdate(c fiber.Ctx) error {
	var body map[string]*string
	if err := scheduleDecodeJSON(c, &body); err != nil {
		return apiError(c, fiber.StatusBadRequest, err.Error())
	}
	st, err := schedule.LoadRaidHelperSettings(s.db(c))
	if err != nil {
		return err
	}
	in := schedule.RaidHelperSettingsInput{ServerID: st.ServerID, CreatorID: st.CreatorID, ChannelID: st.ChannelID,
		VoiceChannelID: st.VoiceChannelID, TemplateID: st.TemplateID}
	for key, dst := range map[string]*string{"raid_helper_api_key": &in.APIKey, "raid_helper_server_id": &in.ServerID,
		"raid_creator_discord_id": &in.CreatorID, "raid_channel_id": &in.ChannelID, "raid_voice_channel_id": &in.VoiceChannelID,
		"raid_default_template_id": &in.TemplateID} {
		if v, ok := body[key]; ok {
			*dst = ""
			if v != nil {
				*dst = *v
			}
		}
	}
	if err := s.RaidHelper.SaveSettings(s.db(c), in, s.Now()); err != nil {
		st, msg, known := shown(c, err)
		if !known {
			return err
		}
		if fields := fault.FieldsOf(err); len(fields) > 0 {
			for k, v := range fields {
				msg += "; " + k + " " + v
			}
		}
		return apiError(c, st, msg)
	}
	return apiOK(c, map[string]bool{"saved": true})
}

// raidConfigAPITest answers GET /api/v1/admin/raid-config/test with the
// saved settings: {"connected":true,"event_count":n}, or 409 (not
// configured) / 502 (Raid-Helper refused or did not answer).
func (s *Server) raidConfigAPITest(c fiber.Ctx) error {
	n, err := s.RaidHelper.TestConnection(c.Context(), s.db(c))
	if err != nil {
		if st, msg, known := shown(c, err); known && st == fiber.StatusConflict {
			return apiError(c, st, msg)
		}
		msg := fault.MessageOf(err)
		if msg == "" {
			msg = "Raid-Helper did not answer"
		}
		return apiError(c, fiber.StatusBadGateway, msg)
	}
	return apiOK(c, map[string]any{"connected": true, "event_count": n})
}
