package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/schedule"
)

// The Reference Tables page (spec identity §6.4): guild ranks, combat role
// labels and raid seasons edited in place, classes and specs read-only.
// A row is shown, then (Edit) swapped for its edit form, then (Save) for the
// saved row — or, when the input is refused, the edit form again with the
// message and status 422/409. Without JavaScript, Edit is a link that opens
// the same row in edit mode and Save a plain form post.

// refRow is one editable row. Form holds the input values the edit row
// shows: the stored ones when editing starts, the submitted ones after a
// refusal.
type refRow struct {
	Kind     string // ranks, roles, seasons
	ID       int
	Rank     models.GuildRank
	Role     models.Role
	Season   models.RaidSeason
	Editing  bool
	Saved    bool
	Error    string
	ErrField string
	Form     map[string]string
	CSRF     string
}

// DOMID is the row's element id.
func (r refRow) DOMID() string { return strings.TrimSuffix(r.Kind, "s") + "-" + strconv.Itoa(r.ID) }

// URL is the row's address.
func (r refRow) URL() string { return "/admin/reference-tables/" + r.Kind + "/" + strconv.Itoa(r.ID) }

type seasonCreateForm struct {
	CSRF, Name, StartDate, Error string
}

type referencePage struct {
	Ranks        []refRow
	Roles        []refRow
	Seasons      []refRow
	Classes      []identity.ClassWithSpecs
	SeasonCreate seasonCreateForm
	MaxWeight    int
	MaxWowIndex  int
}

func rankForm(r models.GuildRank) map[string]string {
	f := map[string]string{"name": r.Name, "scheduling_weight": strconv.Itoa(r.SchedulingWeight)}
	if r.Description != nil {
		f["description"] = *r.Description
	}
	if r.DiscordRoleID != nil {
		f["discord_role_id"] = *r.DiscordRoleID
	}
	if r.WowRankIndex != nil {
		f["wow_rank_index"] = strconv.Itoa(*r.WowRankIndex)
	}
	return f
}

func roleForm(r models.Role) map[string]string {
	return map[string]string{"display_name": r.DisplayName}
}

func seasonForm(se models.RaidSeason) map[string]string {
	active := "0"
	if se.IsActive {
		active = "1"
	}
	return map[string]string{"name": se.Name, "is_active": active}
}

// GET /admin/reference-tables[?edit=rank-3]
func (s *Server) adminReferenceShow(c fiber.Ctx) error {
	page, err := s.referencePage(c, c.Query("edit"), nil)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/reference_tables", &Page{Title: "Reference Tables", Data: page})
}

// referencePage builds the page; the row named by editing ("rank-3") is in
// edit mode, replaced by override when given (a refused save).
func (s *Server) referencePage(c fiber.Ctx, editing string, override *refRow) (*referencePage, error) {
	csrf := csrfToken(c)
	page := &referencePage{
		SeasonCreate: seasonCreateForm{CSRF: csrf},
		MaxWeight:    identity.MaxSchedulingWeight, MaxWowIndex: identity.MaxWowRankIndex,
	}
	place := func(r refRow) refRow {
		r.CSRF = csrf
		if override != nil && override.Kind == r.Kind && override.ID == r.ID {
			o := *override
			o.CSRF = csrf
			return o
		}
		if r.DOMID() == editing {
			r.Editing = true
		}
		return r
	}
	ranks, err := identity.Ranks(s.db(c))
	if err != nil {
		return nil, err
	}
	for _, r := range ranks {
		page.Ranks = append(page.Ranks, place(refRow{Kind: "ranks", ID: r.ID, Rank: r, Form: rankForm(r)}))
	}
	roles, err := identity.Roles(s.db(c))
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		page.Roles = append(page.Roles, place(refRow{Kind: "roles", ID: r.ID, Role: r, Form: roleForm(r)}))
	}
	seasons, err := schedule.ListSeasons(s.db(c))
	if err != nil {
		return nil, err
	}
	for _, se := range seasons {
		page.Seasons = append(page.Seasons, place(refRow{Kind: "seasons", ID: se.ID, Season: se, Form: seasonForm(se)}))
	}
	if page.Classes, err = identity.ClassesWithSpecs(s.db(c)); err != nil {
		return nil, err
	}
	return page, nil
}

// loadRefRow reads one row from the database.
func (s *Server) loadRefRow(db *gorm.DB, kind string, id int) (refRow, error) {
	row := refRow{Kind: kind, ID: id}
	switch kind {
	case "ranks":
		r, err := identity.RankByID(db, id)
		row.Rank, row.Form = r, rankForm(r)
		return row, err
	case "roles":
		roles, err := identity.Roles(db)
		if err != nil {
			return row, err
		}
		for _, r := range roles {
			if r.ID == id {
				row.Role, row.Form = r, roleForm(r)
				return row, nil
			}
		}
		return row, fault.NotFound("Role " + strconv.Itoa(id) + " not found")
	default:
		se, err := schedule.SeasonByID(db, id)
		row.Season, row.Form = se, seasonForm(se)
		return row, err
	}
}

// GET /admin/reference-tables/:kind/:id[/edit] — the row, shown or in edit
// mode (Cancel and Edit). A browser without htmx gets the page instead.
func (s *Server) adminReferenceRow(kind string, editing bool) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		row, err := s.loadRefRow(s.db(c), kind, id)
		if err != nil {
			return err
		}
		if !isHTMX(c) {
			to := "/admin/reference-tables"
			if editing {
				to += "?edit=" + row.DOMID()
			}
			return c.Redirect().Status(fiber.StatusFound).To(to + "#" + row.DOMID())
		}
		row.Editing, row.CSRF = editing, csrfToken(c)
		return s.renderRefRow(c, fiber.StatusOK, row)
	}
}

func (s *Server) renderRefRow(c fiber.Ctx, status int, row refRow) error {
	return s.renderFragment(c, status, "partials/admin/ref_row", &Page{Data: row})
}

// refSaved answers a successful save: the display row (htmx) or a redirect
// back to the page.
func (s *Server) refSaved(c fiber.Ctx, kind string, id int) error {
	row, err := s.loadRefRow(s.db(c), kind, id)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/reference-tables?flash=ref-saved#" + row.DOMID())
	}
	row.Saved, row.CSRF = true, csrfToken(c)
	c.Set("HX-Trigger", `{"showToast":{"message":"Saved!","level":"success"}}`)
	return s.renderRefRow(c, fiber.StatusOK, row)
}

// refRefused answers a refused save: the edit row again with the submitted
// values and the message, with status 422 (invalid) or 409 (duplicate); 404
// and unexpected errors go to the error handler.
func (s *Server) refRefused(c fiber.Ctx, kind string, id int, form map[string]string, err error) error {
	status, ok := refusal(err)
	if !ok || status == fiber.StatusNotFound {
		return err
	}
	row, lerr := s.loadRefRow(s.db(c), kind, id)
	if lerr != nil {
		return lerr
	}
	row.Editing, row.Error, row.Form = true, fault.MessageOf(err), form
	if fe, ok := fault.As(err); ok && fe.Kind == fault.KindInvalid {
		row.ErrField = fe.Field
	}
	if isHTMX(c) {
		row.CSRF = csrfToken(c)
		return s.renderRefRow(c, status, row)
	}
	page, perr := s.referencePage(c, "", &row)
	if perr != nil {
		return perr
	}
	return s.renderAdmin(c, status, "pages/admin/reference_tables", &Page{
		Title: "Reference Tables", Data: page, Flash: &Flash{Error: fault.MessageOf(err)},
	})
}
