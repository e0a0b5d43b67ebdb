package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/schedule"
)

// formValues copies the named form fields.
func formValues(c fiber.Ctx, keys ...string) map[string]string {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = c.FormValue(k)
	}
	return out
}

// optionalInt reads a number field where blank means "none".
func optionalInt(field, v, msg string) (*int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, fault.Invalid(field, msg)
	}
	return &n, nil
}

// PATCH /admin/reference-tables/ranks/:id {name, description,
// scheduling_weight, wow_rank_index, discord_role_id} — blanks clear the
// optional fields; the level is not editable here.
func (s *Server) adminReferenceRankSave(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	form := formValues(c, "name", "description", "scheduling_weight", "wow_rank_index", "discord_role_id")
	weight, err := strconv.Atoi(strings.TrimSpace(form["scheduling_weight"]))
	if err != nil {
		return s.refRefused(c, "ranks", id, form, fault.Invalid("scheduling_weight",
			"Scheduling weight must be a whole number between 0 and "+strconv.Itoa(identity.MaxSchedulingWeight)+"."))
	}
	wow, err := optionalInt("wow_rank_index", form["wow_rank_index"],
		"WoW rank index must be a whole number between 0 and "+strconv.Itoa(identity.MaxWowRankIndex)+", or blank.")
	if err != nil {
		return s.refRefused(c, "ranks", id, form, err)
	}
	desc, role := form["description"], form["discord_role_id"]
	_, err = identity.UpdateRank(s.db(c), actorOf(c), id, identity.RankPatch{
		Name:             identity.To(form["name"]),
		Description:      identity.To(&desc),
		DiscordRoleID:    identity.To(&role),
		SchedulingWeight: identity.To(weight),
		WowRankIndex:     identity.To(wow),
	})
	if err != nil {
		return s.refRefused(c, "ranks", id, form, err)
	}
	return s.refSaved(c, "ranks", id)
}

// PATCH /admin/reference-tables/roles/:id {display_name}
func (s *Server) adminReferenceRoleSave(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	form := formValues(c, "display_name")
	if _, err := identity.RenameRole(s.db(c), id, form["display_name"]); err != nil {
		return s.refRefused(c, "roles", id, form, err)
	}
	return s.refSaved(c, "roles", id)
}

// PATCH /admin/reference-tables/seasons/:id {name, is_active} — the start
// date is immutable.
func (s *Server) adminReferenceSeasonSave(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	form := formValues(c, "name", "is_active")
	_, err = schedule.UpdateSeason(s.db(c), id, schedule.SeasonPatch{
		Name: identity.To(form["name"]), IsActive: identity.To(form["is_active"] == "1"),
	})
	if err != nil {
		return s.refRefused(c, "seasons", id, form, err)
	}
	return s.refSaved(c, "seasons", id)
}

// POST /admin/reference-tables/seasons {name, start_date} — a new active
// season; htmx puts its row at the top of the table.
func (s *Server) adminReferenceSeasonCreate(c fiber.Ctx) error {
	form := seasonCreateForm{Name: c.FormValue("name"), StartDate: c.FormValue("start_date"), CSRF: csrfToken(c)}
	var se models.RaidSeason
	date, err := models.ParseDate(form.StartDate)
	if err != nil || form.StartDate == "" {
		err = fault.Invalid("start_date", "Season name and start date are required (date as YYYY-MM-DD).")
	} else {
		se, err = schedule.CreateSeason(s.db(c), form.Name, date, true)
	}
	if err != nil {
		status, ok := refusal(err)
		if !ok {
			return err
		}
		form.Error = fault.MessageOf(err)
		if isHTMX(c) {
			c.Set("HX-Retarget", "#season-create")
			c.Set("HX-Reswap", "outerHTML")
			return s.renderFragment(c, status, "partials/admin/ref_season_create_fragment", &Page{Data: form})
		}
		page, perr := s.referencePage(c, "", nil)
		if perr != nil {
			return perr
		}
		page.SeasonCreate = form
		return s.renderAdmin(c, status, "pages/admin/reference_tables", &Page{
			Title: "Reference Tables", Data: page, Flash: &Flash{Error: form.Error},
		})
	}
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/reference-tables?flash=ref-season-created#season-" + strconv.Itoa(se.ID))
	}
	row, err := s.loadRefRow(s.db(c), "seasons", se.ID)
	if err != nil {
		return err
	}
	row.Saved, row.CSRF = true, csrfToken(c)
	c.Set("HX-Trigger", `{"showToast":{"message":"Season created","level":"success"}}`)
	return s.renderRefRow(c, fiber.StatusOK, row)
}
