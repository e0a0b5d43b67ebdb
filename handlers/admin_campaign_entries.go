package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/voting"
)

// entriesView is the editor's entries card: the list (drag to reorder,
// up/down without JavaScript, inline edit, remove) and the add form.
type entriesView struct {
	CampaignID int
	Draft      bool
	Rows       []entryRow
	Players    []playerOption
	Add        entryRow // the add form's values and errors
	Error      string
}

type entryRow struct {
	ID          int
	Name        string
	Description string
	DescShort   string
	ImageURL    string
	URLShort    string
	SortOrder   string
	PlayerID    int
	PlayerName  string
	First, Last bool
	Errors      map[string]string
	Open        bool // inline edit form open (after an error)
	// for the fields template: the member dropdown and unique input ids
	Players []playerOption
	Prefix  string
}

func (s *Server) entriesViewOf(db *gorm.DB, camp *models.Campaign, players []playerOption) (*entriesView, error) {
	if players == nil {
		ps, err := identity.PlayerNames(db)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			players = append(players, playerOption{p.ID, p.DisplayName})
		}
	}
	names := map[int]string{}
	for _, p := range players {
		names[p.ID] = p.Name
	}
	v := &entriesView{CampaignID: camp.ID, Draft: camp.Status == voting.StatusDraft, Players: players}
	v.Add.SortOrder = strconv.Itoa(len(camp.Entries))
	for i, e := range camp.Entries {
		r := entryRow{ID: e.ID, Name: e.Name, SortOrder: strconv.Itoa(e.SortOrder), First: i == 0, Last: i == len(camp.Entries)-1}
		if e.Description != nil {
			r.Description = *e.Description
			r.DescShort = truncate(r.Description, 80)
		}
		if e.ImageURL != nil {
			r.ImageURL = *e.ImageURL
			r.URLShort = truncate(r.ImageURL, 60)
		}
		if e.PlayerID != nil {
			r.PlayerID = *e.PlayerID
			r.PlayerName = names[r.PlayerID]
		}
		v.Rows = append(v.Rows, r)
	}
	v.prepareForms()
	return v, nil
}

// prepareForms gives each row's edit form and the add form what the
// shared fields template needs.
func (v *entriesView) prepareForms() {
	for i := range v.Rows {
		v.Rows[i].Players, v.Rows[i].Prefix = v.Players, "e"+strconv.Itoa(v.Rows[i].ID)
	}
	v.Add.Players, v.Add.Prefix = v.Players, "new"
}

func entryPatchFromForm(c fiber.Ctx) (voting.EntryPatch, entryRow, map[string]string) {
	name, desc, img := c.FormValue("name"), c.FormValue("description"), c.FormValue("image_url")
	row := entryRow{Name: name, Description: desc, ImageURL: img, SortOrder: c.FormValue("sort_order")}
	p := voting.EntryPatch{Name: &name, Description: &desc, ImageURL: &img}
	errs := map[string]string{}
	if v := strings.TrimSpace(row.SortOrder); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs["sort_order"] = "Enter a whole number."
		}
		p.SortOrder = &n
	}
	if v := strings.TrimSpace(c.FormValue("player_id")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs["player_id"] = "Choose a member."
		} else {
			p.PlayerID = &n
			row.PlayerID = n
		}
	} else {
		p.ClearPlayer = true
	}
	return p, row, errs
}

// entriesAnswer answers an entries action: the entries card for htmx
// (with status), otherwise a redirect with a flash, or the whole editor
// when there is an error to show.
func (s *Server) entriesAnswer(c fiber.Ctx, campID int, status int, flash string, mutate func(*entriesView)) error {
	camp, err := voting.Get(s.db(c), campID)
	if err != nil {
		return err
	}
	if !isHTMX(c) && status < 300 {
		return c.Redirect().Status(fiber.StatusSeeOther).To(fmt.Sprintf("/admin/campaigns/%d/edit?flash=%s#entries", campID, flash))
	}
	ev, err := s.entriesViewOf(s.db(c), camp, nil)
	if err != nil {
		return err
	}
	if mutate != nil {
		mutate(ev)
	}
	ev.prepareForms()
	if isHTMX(c) {
		if status < 300 && flash != "" {
			c.Set("HX-Trigger", fmt.Sprintf(`{"showToast":{"message":%q,"level":"success"}}`, flashMessages[flash]))
		}
		return s.renderFragment(c, status, "partials/admin/campaign_entries", &Page{Data: &campaignEditor{ID: campID, Entries: ev}})
	}
	ed, err := s.newEditor(s.db(c), camp)
	if err != nil {
		return err
	}
	ed.Entries = ev
	return s.renderAdmin(c, status, "pages/admin/campaign_edit", &Page{Title: camp.Title, Data: ed})
}

func entryErrorMsg(err error) string {
	if fault.Is(err, fault.KindInvalid) {
		return ""
	}
	return fault.MessageOf(err)
}

// adminCampaignEntryAdd handles POST /admin/campaigns/{id}/entries.
func (s *Server) adminCampaignEntryAdd(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	p, row, errs := entryPatchFromForm(c)
	if len(errs) == 0 {
		if _, err = voting.AddEntry(s.db(c), id, p); err == nil {
			return s.entriesAnswer(c, id, fiber.StatusOK, "entry-added", nil)
		}
		if !isRefusal(err) {
			return err
		}
		if fault.Is(err, fault.KindNotFound) {
			return err
		}
		errs = fault.FieldsOf(err)
	}
	status := fiber.StatusUnprocessableEntity
	if err != nil && !fault.Is(err, fault.KindInvalid) {
		status = statusOf(fault.KindOf(err))
	}
	return s.entriesAnswer(c, id, status, "", func(ev *entriesView) {
		row.Errors = errs
		ev.Add = row
		if err != nil {
			ev.Error = entryErrorMsg(err)
		}
	})
}

// adminCampaignEntryUpdate handles POST /admin/campaigns/{id}/entries/{eid}
// (the inline edit form).
func (s *Server) adminCampaignEntryUpdate(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	eid, err := intParam(c, "eid")
	if err != nil {
		return err
	}
	p, row, errs := entryPatchFromForm(c)
	if len(errs) == 0 {
		if _, err = voting.UpdateEntry(s.db(c), id, eid, p); err == nil {
			return s.entriesAnswer(c, id, fiber.StatusOK, "entry-updated", nil)
		}
		if fault.Is(err, fault.KindNotFound) {
			return err
		}
		if !isRefusal(err) {
			return err
		}
		errs = fault.FieldsOf(err)
	}
	status := fiber.StatusUnprocessableEntity
	if err != nil && !fault.Is(err, fault.KindInvalid) {
		status = statusOf(fault.KindOf(err))
	}
	return s.entriesAnswer(c, id, status, "", func(ev *entriesView) {
		for i := range ev.Rows {
			if ev.Rows[i].ID == eid {
				row.ID, row.First, row.Last = eid, ev.Rows[i].First, ev.Rows[i].Last
				row.Errors, row.Open = errs, true
				ev.Rows[i] = row
			}
		}
		if err != nil {
			ev.Error = entryErrorMsg(err)
		}
	})
}

// adminCampaignEntryDelete handles POST …/entries/{eid}/delete.
func (s *Server) adminCampaignEntryDelete(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	eid, err := intParam(c, "eid")
	if err != nil {
		return err
	}
	if err := voting.RemoveEntry(s.db(c), id, eid); err != nil {
		return s.entryActionError(c, id, err)
	}
	return s.entriesAnswer(c, id, fiber.StatusOK, "entry-removed", nil)
}

// adminCampaignEntryMove handles POST …/entries/{eid}/move (dir=up|down):
// reordering without JavaScript.
func (s *Server) adminCampaignEntryMove(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	eid, err := intParam(c, "eid")
	if err != nil {
		return err
	}
	delta := 1
	if c.FormValue("dir") == "up" {
		delta = -1
	}
	if err := voting.MoveEntry(s.db(c), id, eid, delta); err != nil {
		return s.entryActionError(c, id, err)
	}
	return s.entriesAnswer(c, id, fiber.StatusOK, "entries-reordered", nil)
}

// adminCampaignEntryOrder handles POST …/entries/order with order=3,1,2
// (or repeated order fields): the drag-and-drop reorder.
func (s *Server) adminCampaignEntryOrder(c fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var ids []int
	var raw []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "order" {
			raw = append(raw, strings.Split(string(v), ",")...)
		}
	})
	for _, r := range raw {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		n, err := strconv.Atoi(r)
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "order must list entry ids")
		}
		ids = append(ids, n)
	}
	if err := voting.ReorderEntries(s.db(c), id, ids); err != nil {
		return s.entryActionError(c, id, err)
	}
	return s.entriesAnswer(c, id, fiber.StatusOK, "entries-reordered", nil)
}

func (s *Server) entryActionError(c fiber.Ctx, id int, err error) error {
	if !isRefusal(err) {
		return err
	}
	if fault.Is(err, fault.KindNotFound) || !isHTMX(c) && !fault.Is(err, fault.KindConflict) {
		return err
	}
	return s.entriesAnswer(c, id, statusOf(fault.KindOf(err)), "", func(ev *entriesView) { ev.Error = fault.MessageOf(err) })
}
