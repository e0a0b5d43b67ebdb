package handlers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
	"patt/voting"
)

// applySettingsJSON overlays the keys present in a JSON object onto
// settings; null clears a nullable field. It returns field errors for
// values of the wrong type.
func applySettingsJSON(m map[string]json.RawMessage, st *voting.Settings) map[string]string {
	errs := map[string]string{}
	str := func(k string, dst *string) {
		if raw, ok := m[k]; ok {
			if string(raw) == "null" {
				*dst = ""
				return
			}
			if err := json.Unmarshal(raw, dst); err != nil {
				errs[k] = "must be a string"
			}
		}
	}
	num := func(k string, dst *int) {
		if raw, ok := m[k]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				errs[k] = "must be a whole number"
			}
		}
	}
	boolean := func(k string, dst *bool) {
		if raw, ok := m[k]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				errs[k] = "must be true or false"
			}
		}
	}
	str("title", &st.Title)
	str("description", &st.Description)
	str("type", &st.Type)
	str("discord_channel_id", &st.DiscordChannelID)
	str("agent_chattiness", &st.AgentChattiness)
	num("picks_per_voter", &st.PicksPerVoter)
	num("min_rank_to_vote", &st.MinRankToVote)
	num("duration_hours", &st.DurationHours)
	boolean("early_close_if_all_voted", &st.EarlyCloseIfAllVoted)
	boolean("agent_enabled", &st.AgentEnabled)
	if raw, ok := m["min_rank_to_view"]; ok {
		if string(raw) == "null" {
			st.MinRankToView = nil
		} else {
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				errs["min_rank_to_view"] = "must be a whole number or null"
			} else {
				st.MinRankToView = &n
			}
		}
	}
	if raw, ok := m["start_at"]; ok {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			errs["start_at"] = "must be an ISO-8601 time"
		} else if t, err := parseISO(s); err != nil {
			errs["start_at"] = "must be an ISO-8601 time"
		} else {
			st.StartAt = t
		}
	}
	return errs
}

// parseISO reads an ISO-8601 time; one without a zone is UTC (§8.5).
func parseISO(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO-8601 time: %q", s)
}

// fieldList is a field error whose envelope message lists every field
// ("title: is required; start_at: …"), as the API has always answered.
func fieldList(fields map[string]string) *fault.Error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + fields[k]
	}
	return fault.InvalidFields(strings.Join(parts, "; "), fields)
}

// withFieldList gives a domain field error the API's field-list message.
func withFieldList(err error) error {
	if f := fault.FieldsOf(err); len(f) > 0 {
		fe := fieldList(f)
		fe.Err = err
		return fe
	}
	return err
}

// apiAdminCampaignCreate handles POST /api/v1/admin/campaigns.
func (s *Server) apiAdminCampaignCreate(c fiber.Ctx) error {
	m, err := decodeObject(c)
	if m == nil {
		return err
	}
	missing := map[string]string{}
	for _, k := range []string{"title", "min_rank_to_vote", "start_at", "duration_hours"} {
		if raw, ok := m[k]; !ok || string(raw) == "null" {
			missing[k] = "is required"
		}
	}
	if len(missing) > 0 {
		return fieldList(missing)
	}
	st := voting.DefaultSettings(s.Now())
	if errs := applySettingsJSON(m, &st); len(errs) > 0 {
		return fieldList(errs)
	}
	pid := viewerOf(c).PlayerID
	camp, err := voting.Create(s.db(c), s.Now(), st, &pid)
	if err != nil {
		return withFieldList(err)
	}
	camp.Entries = nil
	return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: campaignDTO(camp)})
}

func (s *Server) apiAdminCampaignID(c fiber.Ctx) (int, bool) {
	id, err := atoiParam(c, "id")
	return id, err == nil
}

// apiAdminCampaignUpdate handles PATCH /api/v1/admin/campaigns/{id}.
func (s *Server) apiAdminCampaignUpdate(c fiber.Ctx) error {
	id, ok := s.apiAdminCampaignID(c)
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	m, err := decodeObject(c)
	if m == nil {
		return err
	}
	camp, err := voting.Get(s.db(c), id)
	if err != nil {
		return err
	}
	st := voting.SettingsOf(camp)
	if errs := applySettingsJSON(m, &st); len(errs) > 0 {
		return fieldList(errs)
	}
	if _, err := voting.Update(s.db(c), s.Now(), id, st); err != nil {
		return withFieldList(err)
	}
	if camp, err = voting.Get(s.db(c), id); err != nil {
		return err
	}
	return apiOK(c, campaignDTO(camp))
}

func entryPatchJSON(m map[string]json.RawMessage) (voting.EntryPatch, map[string]string) {
	var p voting.EntryPatch
	errs := map[string]string{}
	strp := func(k string) *string {
		raw, ok := m[k]
		if !ok {
			return nil
		}
		s := ""
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &s); err != nil {
				errs[k] = "must be a string"
			}
		}
		return &s
	}
	p.Name, p.Description, p.ImageURL = strp("name"), strp("description"), strp("image_url")
	if raw, ok := m["sort_order"]; ok {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil {
			errs["sort_order"] = "must be a whole number"
		}
		p.SortOrder = &n
	}
	for _, k := range []string{"player_id", "associated_member_id"} {
		if raw, ok := m[k]; ok {
			if string(raw) == "null" {
				p.ClearPlayer = true
				continue
			}
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				errs[k] = "must be a player id or null"
			}
			p.PlayerID = &n
		}
	}
	return p, errs
}

// apiAdminEntryAdd handles POST /api/v1/admin/campaigns/{id}/entries.
func (s *Server) apiAdminEntryAdd(c fiber.Ctx) error {
	id, ok := s.apiAdminCampaignID(c)
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	m, err := decodeObject(c)
	if m == nil {
		return err
	}
	p, errs := entryPatchJSON(m)
	if p.Name == nil {
		errs["name"] = "is required"
	}
	if len(errs) > 0 {
		return fieldList(errs)
	}
	e, err := voting.AddEntry(s.db(c), id, p)
	if err != nil {
		return withFieldList(err)
	}
	return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: entryDTO(*e)})
}

// apiAdminEntryDelete handles DELETE /api/v1/admin/campaigns/{id}/entries/{eid}.
func (s *Server) apiAdminEntryDelete(c fiber.Ctx) error {
	id, ok := s.apiAdminCampaignID(c)
	eid, err := atoiParam(c, "eid")
	if !ok || err != nil {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	if err := voting.RemoveEntry(s.db(c), id, eid); err != nil {
		return err
	}
	return apiOK(c, fiber.Map{"deleted": true})
}

// apiAdminEntryUpdate handles PATCH /api/v1/admin/campaign-entries/{eid}.
func (s *Server) apiAdminEntryUpdate(c fiber.Ctx) error {
	eid, err := atoiParam(c, "eid")
	if err != nil {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	m, err := decodeObject(c)
	if m == nil {
		return err
	}
	p, errs := entryPatchJSON(m)
	if len(errs) > 0 {
		return fieldList(errs)
	}
	e, err := voting.UpdateEntryByID(s.db(c), eid, p)
	if err != nil {
		return withFieldList(err)
	}
	return apiOK(c, entryDTO(*e))
}

// apiAdminCampaignActivate handles POST …/activate.
func (s *Server) apiAdminCampaignActivate(c fiber.Ctx) error {
	return s.apiAdminCampaignTransition(c, voting.Activate)
}

// apiAdminCampaignClose handles POST …/close.
func (s *Server) apiAdminCampaignClose(c fiber.Ctx) error {
	return s.apiAdminCampaignTransition(c, voting.Close)
}

// apiAdminCampaignTransition moves a campaign to its next state, lets the
// contest agent react, and answers with the campaign as it now is.
func (s *Server) apiAdminCampaignTransition(c fiber.Ctx, move func(*gorm.DB, time.Time, int) (*models.Campaign, error)) error {
	id, ok := s.apiAdminCampaignID(c)
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	if _, err := move(s.db(c), s.Now(), id); err != nil {
		return err
	}
	s.queueAgent(s.db(c), id)
	camp, err := voting.Get(s.db(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, campaignDTO(camp))
}

// apiAdminCampaignStats handles GET …/stats.
func (s *Server) apiAdminCampaignStats(c fiber.Ctx) error {
	id, ok := s.apiAdminCampaignID(c)
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Not found")
	}
	camp, err := voting.Get(s.db(c), id)
	if err != nil {
		return err
	}
	st, err := voting.CampaignStats(s.db(c), camp)
	if err != nil {
		return err
	}
	return apiOK(c, st)
}
