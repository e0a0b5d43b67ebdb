package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/voting"
)

const datetimeLocal = "2006-01-02T15:04"

// campaignEditor is the officers' campaign editor (spec §8.5): the
// settings form (locked after draft), the actions, the entries and the
// contest agent's messages.
type campaignEditor struct {
	ID       int
	ZoneName string // the guild's zone, which the start time is entered in
	IsNew    bool
	Status   string
	// StatusLabel is the badge's text; the rank names replace levels in
	// the locked summary (issue 11 item 9).
	StatusLabel                          string
	MinRankToVoteName, MinRankToViewName string
	OpensIn                              string // scheduled: time until it opens
	Locked                               bool
	Form                                 campaignForm
	Errors                               map[string]string
	Error                                string
	Ranks                                []models.GuildRank
	Types                                any
	Players                              []playerOption
	Entries                              *entriesView
	Turnout                              *turnoutView
	Messages                             []agentMessageView
	EndsAt                               string
	StartLabel                           string
	TypeLabel                            string
	Chattiness                           []option
}

type option struct{ Value, Label string }

type playerOption struct {
	ID   int
	Name string
}

// campaignForm holds the settings as typed, so a refused form comes back
// exactly as sent.
type campaignForm struct {
	Title, Description, Type, StartAt, Chattiness, DiscordChannelID string
	PicksPerVoter, MinRankToVote, MinRankToView, DurationHours      string
	EarlyClose, AgentEnabled                                        bool
}

type agentMessageView struct {
	Event, Title, Text, Status, When string
	Pending, Failed                  bool
	Error                            string // why it failed, or the last try's error while pending
}

// formOf fills the editor form; times are shown on the guild clock (zone).
func formOf(st voting.Settings, zone *time.Location) campaignForm {
	f := campaignForm{Title: st.Title, Description: st.Description, Type: st.Type,
		StartAt: st.StartAt.In(zone).Format(datetimeLocal), Chattiness: st.AgentChattiness,
		DiscordChannelID: st.DiscordChannelID, PicksPerVoter: strconv.Itoa(st.PicksPerVoter),
		MinRankToVote: strconv.Itoa(st.MinRankToVote), DurationHours: strconv.Itoa(st.DurationHours),
		EarlyClose: st.EarlyCloseIfAllVoted, AgentEnabled: st.AgentEnabled}
	if st.MinRankToView != nil {
		f.MinRankToView = strconv.Itoa(*st.MinRankToView)
	}
	return f
}

// parseCampaignForm reads the settings form. Unchecked checkboxes are
// false (§12.14); an unreadable date or number is a field error, never a
// silent default.
func parseCampaignForm(c fiber.Ctx, zone *time.Location) (campaignForm, voting.Settings, map[string]string) {
	f := campaignForm{
		Title: c.FormValue("title"), Description: c.FormValue("description"), Type: c.FormValue("type"),
		StartAt: strings.TrimSpace(c.FormValue("start_at")), Chattiness: c.FormValue("agent_chattiness"),
		DiscordChannelID: c.FormValue("discord_channel_id"), PicksPerVoter: c.FormValue("picks_per_voter"),
		MinRankToVote: c.FormValue("min_rank_to_vote"), MinRankToView: c.FormValue("min_rank_to_view"),
		DurationHours: c.FormValue("duration_hours"),
		EarlyClose:    c.FormValue("early_close_if_all_voted") != "", AgentEnabled: c.FormValue("agent_enabled") != "",
	}
	errs := map[string]string{}
	num := func(field, v string, dflt int) int {
		v = strings.TrimSpace(v)
		if v == "" {
			return dflt
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = "Enter a whole number."
		}
		return n
	}
	st := voting.Settings{Title: f.Title, Description: f.Description, Type: f.Type,
		DiscordChannelID: f.DiscordChannelID, EarlyCloseIfAllVoted: f.EarlyClose, AgentEnabled: f.AgentEnabled,
		AgentChattiness: f.Chattiness}
	st.PicksPerVoter = num("picks_per_voter", f.PicksPerVoter, 3)
	st.MinRankToVote = num("min_rank_to_vote", f.MinRankToVote, 0)
	st.DurationHours = num("duration_hours", f.DurationHours, 0)
	if view := num("min_rank_to_view", f.MinRankToView, 0); view > 0 {
		st.MinRankToView = &view
	}
	if f.StartAt != "" {
		// The picker's wall clock is the guild's (decision 5); an RFC 3339
		// value carries its own offset.
		t, err := time.ParseInLocation(datetimeLocal, f.StartAt, zone)
		if err != nil {
			t, err = time.Parse(time.RFC3339, f.StartAt)
		}
		if err != nil {
			errs["start_at"] = "Use the date picker (YYYY-MM-DD HH:MM, " + zone.String() + " time)."
		}
		st.StartAt = t.UTC()
	}
	return f, st, errs
}

func (s *Server) newEditor(db *gorm.DB, camp *models.Campaign) (*campaignEditor, error) {
	ed := &campaignEditor{ZoneName: s.Config.GuildTimezone.String(), Types: voting.Types, Chattiness: []option{
		{voting.ChatQuiet, "Quiet: launch and results only"},
		{voting.ChatNormal, "Normal: adds milestones and time warnings"},
		{voting.ChatHype, "Hype: everything, lead changes included"},
	}}
	var err error
	if ed.Ranks, err = identity.Ranks(db); err != nil {
		return nil, err
	}
	if camp == nil {
		ed.IsNew = true
		ed.Status = voting.StatusDraft
		ed.Form = formOf(voting.DefaultSettings(s.Now()), s.Config.GuildTimezone)
		return ed, nil
	}
	ed.ID, ed.Status = camp.ID, camp.Status
	ed.StatusLabel = statusLabel(camp.Status)
	ed.Locked = camp.Status != voting.StatusDraft
	ed.MinRankToVoteName = rankName(ed.Ranks, camp.MinRankToVote)
	if camp.MinRankToView != nil && *camp.MinRankToView > 0 {
		ed.MinRankToViewName = rankName(ed.Ranks, *camp.MinRankToView)
	}
	ed.Form = formOf(voting.SettingsOf(camp), s.Config.GuildTimezone)
	ed.TypeLabel = voting.TypeLabel(camp.Type, camp.PicksPerVoter)
	zone := s.Config.GuildTimezone
	ed.StartLabel = camp.StartAt.In(zone).Format("2006-01-02 15:04 MST")
	ed.EndsAt = voting.EndAt(camp).In(zone).Format("2006-01-02 15:04 MST")
	players, err := identity.PlayerNames(db)
	if err != nil {
		return nil, err
	}
	for _, p := range players {
		ed.Players = append(ed.Players, playerOption{p.ID, p.DisplayName})
	}
	if ed.Entries, err = s.entriesViewOf(db, camp, ed.Players); err != nil {
		return nil, err
	}
	if camp.Status == voting.StatusScheduled {
		ed.OpensIn = humanDuration(camp.StartAt.Sub(s.Now()))
	}
	if camp.Status == voting.StatusLive || camp.Status == voting.StatusClosed {
		if ed.Turnout, err = s.turnoutOf(db, camp); err != nil {
			return nil, err
		}
	}
	msgs, err := voting.AgentMessages(db, camp.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		mv := agentMessageView{Event: strings.ReplaceAll(m.EventType, "_", " "), Title: m.Title(),
			Text: m.Message, Status: m.Status, Pending: m.Status == voting.MessagePending, Failed: m.Status == voting.MessageFailed}
		if m.LastError != nil {
			mv.Error = *m.LastError
		}
		switch {
		case m.PostedAt != nil:
			mv.When = "sent " + m.PostedAt.In(zone).Format("Jan 02 15:04 MST")
		case m.QueuedAt != nil:
			mv.When = "queued " + m.QueuedAt.In(zone).Format("Jan 02 15:04 MST")
		}
		ed.Messages = append(ed.Messages, mv)
	}
	return ed, nil
}

// rankName is a rank level as the guild calls it: "Veteran (level 3)".
func rankName(ranks []models.GuildRank, level int) string {
	for _, r := range ranks {
		if r.Level == level {
			return r.Name
		}
	}
	return fmt.Sprintf("level %d", level)
}

func (s *Server) editorCampaign(c fiber.Ctx) (*models.Campaign, error) {
	id, err := intParam(c, "id")
	if err != nil {
		return nil, err
	}
	camp, err := voting.Get(s.db(c), id)
	if err != nil {
		return nil, err
	}
	return camp, nil
}

// adminCampaignNew renders GET /admin/campaigns/new.
func (s *Server) adminCampaignNew(c fiber.Ctx) error {
	ed, err := s.newEditor(s.db(c), nil)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/campaign_edit", &Page{Title: "New Campaign", Data: ed})
}

// adminCampaignCreate handles POST /admin/campaigns/new.
func (s *Server) adminCampaignCreate(c fiber.Ctx) error {
	f, st, errs := parseCampaignForm(c, s.Config.GuildTimezone)
	var camp *models.Campaign
	var err error
	if len(errs) == 0 {
		pid := viewerOf(c).PlayerID
		camp, err = voting.Create(s.db(c), s.Now(), st, &pid)
		if err == nil {
			return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=campaign-created", camp.ID))
		}
		if !fault.Is(err, fault.KindInvalid) {
			return err
		}
		errs = fault.FieldsOf(err)
	}
	ed, lerr := s.newEditor(s.db(c), nil)
	if lerr != nil {
		return lerr
	}
	ed.Form, ed.Errors = f, errs
	return s.renderAdmin(c, fiber.StatusUnprocessableEntity, "pages/admin/campaign_edit", &Page{Title: "New Campaign", Data: ed})
}

// adminCampaignEdit renders GET /admin/campaigns/{id}/edit.
func (s *Server) adminCampaignEdit(c fiber.Ctx) error {
	camp, err := s.editorCampaign(c)
	if err != nil {
		return err
	}
	if camp, err = voting.RefreshStatus(s.db(c), s.Now(), camp); err != nil {
		return err
	}
	ed, err := s.newEditor(s.db(c), camp)
	if err != nil {
		return err
	}
	page := &Page{Title: camp.Title, Data: ed}
	if c.Query("flash") == "err-campaign-ready" {
		// a refused activation: say exactly what the campaign lacks now
		if rerr := voting.ReadyToActivate(s.db(c), camp); rerr != nil && isRefusal(rerr) {
			page.Flash = &Flash{Error: fault.MessageOf(rerr)}
		}
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/campaign_edit", page)
}

// adminCampaignUpdate handles POST /admin/campaigns/{id}/edit.
func (s *Server) adminCampaignUpdate(c fiber.Ctx) error {
	camp, err := s.editorCampaign(c)
	if err != nil {
		return err
	}
	f, st, errs := parseCampaignForm(c, s.Config.GuildTimezone)
	status := fiber.StatusUnprocessableEntity
	msg := ""
	if len(errs) == 0 {
		_, err = voting.Update(s.db(c), s.Now(), camp.ID, st)
		if err == nil {
			return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=campaign-updated", camp.ID))
		}
		if !isRefusal(err) {
			return err
		}
		errs, status, msg = fault.FieldsOf(err), statusOf(fault.KindOf(err)), fault.MessageOf(err)
	}
	if camp, err = voting.Get(s.db(c), camp.ID); err != nil {
		return err
	}
	ed, err := s.newEditor(s.db(c), camp)
	if err != nil {
		return err
	}
	if !ed.Locked {
		ed.Form = f
	}
	ed.Errors = errs
	if msg != "" && len(errs) == 0 {
		ed.Error = msg
	}
	return s.renderAdmin(c, status, "pages/admin/campaign_edit", &Page{Title: camp.Title, Data: ed})
}
