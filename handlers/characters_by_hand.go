package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// Characters typed in by hand (issue 11: a guild without Blizzard sync).
// JSON callers get the envelope (422 naming the field, 409 for a character
// already known); a browser gets its form back with the values it typed
// and the message beside the field at fault, with the same status — in
// place with htmx, on the whole page without JavaScript.

// addCharForm is the add-a-character form as the user left it: what they
// typed and, after a refusal, what was wrong, so a mistake costs one
// correction instead of the whole form.
type addCharForm struct {
	Name, Realm, Level                string
	ClassID, SpecID, RankID, PlayerID int
	// Errors are by field (name, realm, class_id, spec_id, rank_id, level);
	// Error is a refusal of the character as a whole (already known).
	Errors map[string]string
	Error  string
	Open   bool
}

// addCharFormOf reads the add-character form (or the same JSON keys).
func addCharFormOf(c fiber.Ctx) addCharForm {
	num := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue(k)))
		return n
	}
	return addCharForm{
		Name: c.FormValue("name"), Realm: c.FormValue("realm"), Level: strings.TrimSpace(c.FormValue("level")),
		ClassID: num("class_id"), SpecID: num("spec_id"), RankID: num("rank_id"), PlayerID: num("player_id"),
	}
}

func (f addCharForm) input() identity.NewCharacter {
	level, _ := strconv.Atoi(f.Level)
	return identity.NewCharacter{Name: f.Name, Realm: f.Realm, ClassID: f.ClassID, SpecID: f.SpecID, RankID: f.RankID, Level: level}
}

// refusedForm reports whether err is a refusal the form shows (a field at
// fault, or the character already known) and fills the form in with it.
func (f *addCharForm) refusedForm(c fiber.Ctx, err error) (int, bool) {
	st, ok := refusal(err)
	if !ok || wantsJSON(c) || (st != fiber.StatusUnprocessableEntity && st != fiber.StatusConflict) {
		return 0, false
	}
	f.Open, f.Errors = true, fault.FieldsOf(err)
	if len(f.Errors) == 0 || len(f.Errors) > 1 {
		f.Error = fault.MessageOf(err)
	}
	return st, true
}

// POST /admin/characters {name, realm, class_id, spec_id?, rank_id?, level?, player_id?}
func (s *Server) adminCharacterAdd(c fiber.Ctx) error {
	form := addCharFormOf(c)
	var owner *int
	if form.PlayerID > 0 {
		owner = &form.PlayerID
	}
	ch, err := identity.AddCharacter(s.db(c), actorOf(c), form.input(), owner, s.Now())
	if err != nil {
		st, ok := form.refusedForm(c, err)
		if !ok {
			return err
		}
		if isHTMX(c) {
			page := playerManagerPage{CSRF: csrfToken(c), AddChar: form}
			if page.Classes, err = identity.ClassesWithSpecs(s.db(c)); err != nil {
				return err
			}
			if page.Ranks, err = identity.Ranks(s.db(c)); err != nil {
				return err
			}
			return s.renderFragment(c, st, "partials/admin/pm_add_char_fragment", &Page{Data: page})
		}
		page, perr := s.playerManagerPage(c, pmFilters{RankIDs: map[int]bool{}})
		if perr != nil {
			return perr
		}
		page.AddChar = form
		return s.renderAdmin(c, st, "pages/admin/players", &Page{Title: "Player Manager", Data: page})
	}
	if wantsJSON(c) {
		return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: fiber.Map{"id": ch.ID, "name": ch.Name, "realm_slug": ch.RealmSlug, "verified": true}})
	}
	return seeOther(c, "/admin/players#"+charAnchor(ch.ID))
}

// seeOther sends the browser on after a saved form: a redirect, or for
// htmx a reload of the page (the new character shows in several places of
// it at once). Not HX-Redirect: to the same page with only another #anchor
// the browser would not load it again.
func seeOther(c fiber.Ctx, to string) error {
	if isHTMX(c) {
		c.Set("HX-Refresh", "true")
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To(to)
}

// POST /admin/characters/:id/confirm — an officer vouches for a member's
// own. From a card (htmx) the card and the character's chip are redrawn.
func (s *Server) adminCharacterConfirm(c fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	owner, err := identity.ConfirmCharacter(s.db(c), actorOf(c), id)
	if err != nil {
		if wantsJSON(c) {
			return err
		}
		return s.pmFail(c, s.cardTarget(c, id), false, err)
	}
	if wantsJSON(c) {
		return apiOK(c, fiber.Map{"id": id, "verified": true})
	}
	ch := s.charChange(c, id, owner, false)
	ch.flash = "pm-character-confirmed"
	return s.pmAnswer(c, ch)
}

// POST /profile/characters/add — a member adds a character of their own,
// unverified until an officer confirms it.
func (s *Server) profileCharacterAdd(c fiber.Ctx) error {
	form := addCharFormOf(c)
	ch, err := identity.AddOwnCharacter(s.db(c), viewerOf(c).PlayerID, form.input(), s.Now())
	if err != nil {
		st, ok := form.refusedForm(c, err)
		if !ok {
			return err
		}
		page, perr := s.profilePage(s.db(c), viewerOf(c).PlayerID)
		if perr != nil {
			return perr
		}
		page.Characters.Add = form
		if isHTMX(c) {
			return s.renderFragment(c, st, "partials/profile/add_char", &Page{Data: page})
		}
		if page.Sessions, perr = s.profileSessions(c); perr != nil {
			return perr
		}
		return s.renderProfile(c, st, page)
	}
	if wantsJSON(c) {
		return c.Status(fiber.StatusCreated).JSON(Envelope{OK: true, Data: fiber.Map{"id": ch.ID, "name": ch.Name, "realm_slug": ch.RealmSlug, "verified": false}})
	}
	return seeOther(c, "/profile#profile-characters")
}

// POST /admin/players/settings {count_unverified: "1" or absent} — whether
// members' own unconfirmed characters count on the roster.
func (s *Server) adminCountUnverified(c fiber.Ctx) error {
	on := c.FormValue("count_unverified") != ""
	if err := identity.SetCountUnverified(s.db(c), actorOf(c), on, s.Now()); err != nil {
		return err
	}
	if wantsJSON(c) {
		return apiOK(c, fiber.Map{"count_unverified": on})
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/players")
}
