package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
	"patt/models"
	"patt/schedule"
)

// GET /api/v1/admin/roles — by id. name is the stable key, display_name
// the label officers may change.
func (s *Server) adminAPIRolesList(c fiber.Ctx) error {
	roles, err := identity.Roles(s.db(c))
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(roles))
	for i, r := range roles {
		out[i] = roleJSON(r)
	}
	return apiOK(c, out)
}

func roleJSON(r models.Role) fiber.Map {
	return fiber.Map{"id": r.ID, "name": r.Name, "display_name": r.DisplayName}
}

// PATCH /api/v1/admin/roles/:id {display_name} — renames the label only;
// the original's {name} is accepted as the same thing.
func (s *Server) adminAPIRoleUpdate(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	key := "display_name"
	if !body.has(key) {
		key = "name"
	}
	name, err := body.str(key)
	if err != nil {
		return err
	}
	if !name.Set {
		return apiError(c, fiber.StatusUnprocessableEntity, "display_name is required")
	}
	r, err := identity.RenameRole(s.db(c), id, name.Value)
	if err != nil {
		return err
	}
	return apiOK(c, roleJSON(r))
}

// GET /api/v1/admin/classes — by name.
func (s *Server) adminAPIClassesList(c fiber.Ctx) error {
	classes, err := identity.Classes(s.db(c))
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(classes))
	for i, cl := range classes {
		out[i] = fiber.Map{"id": cl.ID, "name": cl.Name, "color_hex": cl.ColorHex}
	}
	return apiOK(c, out)
}

// GET /api/v1/admin/specializations — by class, then name.
func (s *Server) adminAPISpecializationsList(c fiber.Ctx) error {
	specs, err := identity.Specializations(s.db(c))
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(specs))
	for i, sp := range specs {
		className, role := "", ""
		if sp.Class != nil {
			className = sp.Class.Name
		}
		if sp.DefaultRole != nil {
			role = sp.DefaultRole.Name
		}
		out[i] = fiber.Map{
			"id": sp.ID, "class_id": sp.ClassID, "class_name": className, "name": sp.Name,
			"default_role_id": sp.DefaultRoleID, "default_role": role,
			"wowhead_slug": models.WowheadSlug(sp.Name, className),
		}
	}
	return apiOK(c, out)
}

// seasonJSON is a raid season as the API shows it (dates as ISO strings).
func seasonJSON(se models.RaidSeason) fiber.Map {
	return fiber.Map{
		"id": se.ID, "name": se.Name, "start_date": se.StartDate.String(), "is_active": se.IsActive,
		"created_at": se.CreatedAt.UTC().Format(time.RFC3339),
	}
}

// GET /api/v1/admin/seasons — newest start first.
func (s *Server) adminAPISeasonsList(c fiber.Ctx) error {
	seasons, err := schedule.ListSeasons(s.db(c))
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(seasons))
	for i, se := range seasons {
		out[i] = seasonJSON(se)
	}
	return apiOK(c, out)
}

// POST /api/v1/admin/seasons {name, start_date "YYYY-MM-DD", is_active=true}
func (s *Server) adminAPISeasonCreate(c fiber.Ctx) error {
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	name, err1 := body.str("name")
	start, err2 := body.str("start_date")
	active, err3 := body.boolean("is_active")
	if err := firstErr(err1, err2, err3); err != nil {
		return err
	}
	if !active.Set {
		active.Value = true
	}
	date, err := models.ParseDate(start.Value)
	if err != nil {
		return apiError(c, fiber.StatusUnprocessableEntity, "start_date must be a date (YYYY-MM-DD)")
	}
	se, err := schedule.CreateSeason(s.db(c), name.Value, date, active.Value)
	if err != nil {
		return err
	}
	return apiOK(c, seasonJSON(se))
}

// PATCH /api/v1/admin/seasons/:id {name?, is_active?} — the start date is
// immutable, so it is refused rather than silently ignored.
func (s *Server) adminAPISeasonUpdate(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readPatch(c)
	if err != nil {
		return err
	}
	if body.has("start_date") {
		return apiError(c, fiber.StatusUnprocessableEntity, "start_date cannot be changed after a season is created")
	}
	var p schedule.SeasonPatch
	var err1, err2 error
	p.Name, err1 = body.str("name")
	p.IsActive, err2 = body.boolean("is_active")
	if err := firstErr(err1, err2); err != nil {
		return err
	}
	se, err := schedule.UpdateSeason(s.db(c), id, p)
	if err != nil {
		return err
	}
	return apiOK(c, seasonJSON(se))
}
