package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/models"
	"patt/schedule"
)

// raidsIndexPage is /raids: the coming raids with the viewer's answers.
type raidsIndexPage struct {
	Raids []raidCard
	Zone  string
}

// raidsIndex renders GET /raids.
func (s *Server) raidsIndex(c fiber.Ctx) error {
	zone := s.viewerLocation(c)
	next, err := schedule.NextRaidsFor(s.db(c), viewerOf(c).PlayerID, s.Now(), 0)
	if err != nil {
		return err
	}
	page := raidsIndexPage{Zone: zone.String()}
	for _, n := range next {
		card := s.raidCardOf(c, n.Event, n.Signup, zone)
		card.Return = "/raids"
		page.Raids = append(page.Raids, card)
	}
	return s.render(c, fiber.StatusOK, "pages/raids/index", &Page{Title: "Raids", Data: page})
}

// signupForm is the member's answer form for one raid.
type signupForm struct {
	raidCard
	Statuses   []signupOption
	Roles      []signupOption
	Characters []charOption
	Note       string
}

type signupOption struct {
	Value, Label string
	Selected     bool
}

type charOption struct {
	schedule.CharacterOption
	Selected bool
}

// raidPage is /raids/{id}: the answer form and the roster.
type raidPage struct {
	Form    signupForm
	Roster  schedule.EventRoster
	Officer bool
	Labels  map[string]string
	// OOB marks the roster for an out-of-band htmx swap (answer saved).
	OOB bool
}

func (s *Server) signupFormOf(c fiber.Ctx, e models.RaidEvent, sig *models.RaidSignup) (signupForm, error) {
	v := viewerOf(c)
	f := signupForm{raidCard: s.raidCardOf(c, e, sig, s.viewerLocation(c))}
	chars, err := schedule.CharactersOf(s.db(c), v.PlayerID)
	if err != nil {
		return f, err
	}
	selChar, selRole, status := 0, "", schedule.SignupSigned
	if sig != nil {
		status = sig.Status
		if sig.CharacterID != nil {
			selChar = *sig.CharacterID
		}
		if sig.Role != nil {
			selRole = *sig.Role
		}
		if sig.Note != nil {
			f.Note = *sig.Note
		}
	}
	for _, ch := range chars {
		sel := ch.ID == selChar || (selChar == 0 && ch.IsMain)
		f.Characters = append(f.Characters, charOption{CharacterOption: ch, Selected: sel})
	}
	for _, st := range schedule.SignupStatuses {
		f.Statuses = append(f.Statuses, signupOption{Value: st, Label: schedule.SignupLabels[st], Selected: st == status})
	}
	f.Roles = append(f.Roles, signupOption{Value: "", Label: "Character's usual role", Selected: selRole == ""})
	for _, r := range schedule.RaidRoles {
		f.Roles = append(f.Roles, signupOption{Value: r, Label: schedule.RoleLabels[r], Selected: r == selRole})
	}
	return f, nil
}

// raidsShow renders GET /raids/{id}.
func (s *Server) raidsShow(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	e, err := schedule.RaidEventByID(s.db(c), id)
	if err != nil {
		if fault.Is(err, fault.KindNotFound) {
			return fiber.ErrNotFound
		}
		return err
	}
	sig, err := schedule.SignupOf(s.db(c), id, viewerOf(c).PlayerID)
	if err != nil {
		return err
	}
	return s.renderRaidPage(c, fiber.StatusOK, e, sig, "", false)
}

func (s *Server) renderRaidPage(c fiber.Ctx, status int, e models.RaidEvent, sig *models.RaidSignup, errMsg string, saved bool) error {
	form, err := s.signupFormOf(c, e, sig)
	if err != nil {
		return err
	}
	form.Error, form.Saved, form.Return = errMsg, saved, "/raids/"+strconv.Itoa(e.ID)
	roster, err := schedule.RosterOf(s.db(c), e.ID)
	if err != nil {
		return err
	}
	page := raidPage{Form: form, Roster: roster, Officer: viewerOf(c).IsOfficer(), Labels: schedule.SignupLabels}
	return s.render(c, status, "pages/raids/show", &Page{Title: e.Title, Data: page})
}
