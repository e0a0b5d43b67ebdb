package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/models"
	"patt/schedule"
)

// signupReturn is where a plain (no-JS) form goes back to: only the raid
// pages and the home page, never an outside address.
func signupReturn(c fiber.Ctx, id int) string {
	r := c.FormValue("return")
	if r == "/" || r == "/raids" || r == "/raids/"+strconv.Itoa(id) {
		return r
	}
	return "/raids/" + strconv.Itoa(id)
}

func signupInputOf(c fiber.Ctx) schedule.SignupInput {
	ch, _ := strconv.Atoi(c.FormValue("character_id"))
	return schedule.SignupInput{Status: c.FormValue("status"), CharacterID: ch, Role: c.FormValue("role"), Note: c.FormValue("note")}
}

// raidsSignup answers POST /raids/{id}/signup. htmx gets the answer form
// (with the roster swapped out of band) or, from the home page's "Next
// raids" panel (compact=1), that raid's row; a plain form is redirected
// back. A refused answer is 409 (closed, cancelled) or 422 (bad value).
func (s *Server) raidsSignup(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return fiber.ErrNotFound
	}
	v := viewerOf(c)
	_, serr := schedule.SetSignup(s.db(c), id, v.PlayerID, signupInputOf(c), schedule.SourceSite, s.Now())
	status, msg := fiber.StatusOK, ""
	if serr != nil {
		st, m, known := shown(c, serr)
		if !known {
			return serr
		}
		if st == fiber.StatusNotFound {
			return fiber.ErrNotFound
		}
		status, msg = st, m
	}
	e, err := schedule.RaidEventByID(s.db(c), id)
	if err != nil {
		return err
	}
	sig, err := schedule.SignupOf(s.db(c), id, v.PlayerID)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		if serr == nil {
			return c.Redirect().Status(fiber.StatusSeeOther).To(signupReturn(c, id) + "?flash=signup-saved")
		}
		return s.renderRaidPage(c, status, e, sig, msg, false)
	}
	if c.FormValue("compact") == "1" {
		card := s.raidCardOf(c, e, sig, s.viewerLocation(c))
		card.Error, card.Saved, card.Return = msg, serr == nil, "/"
		return s.renderFragment(c, status, "partials/raids/next_row_fragment", &Page{Data: card})
	}
	form, err := s.signupFormOf(c, e, sig)
	if err != nil {
		return err
	}
	form.Error, form.Saved, form.Return = msg, serr == nil, "/raids/"+strconv.Itoa(id)
	roster, err := schedule.RosterOf(s.db(c), id)
	if err != nil {
		return err
	}
	return s.renderFragment(c, status, "partials/raids/signup_fragment",
		&Page{Data: raidPage{Form: form, Roster: roster, Officer: v.IsOfficer(), Labels: schedule.SignupLabels, OOB: true}})
}

// signupJSON is a member's answer as the API shows it.
type signupJSON struct {
	EventID     int     `json:"event_id"`
	Status      string  `json:"status"`
	CharacterID *int    `json:"character_id"`
	Role        *string `json:"role"`
	Note        *string `json:"note"`
	Source      string  `json:"source"`
	ChangedAt   string  `json:"changed_at"`
}

func signupJSONOf(s *models.RaidSignup) *signupJSON {
	if s == nil {
		return nil
	}
	return &signupJSON{EventID: s.EventID, Status: s.Status, CharacterID: s.CharacterID, Role: s.Role, Note: s.Note,
		Source: s.Source, ChangedAt: s.ChangedAt.UTC().Format("2006-01-02T15:04:05Z")}
}

// raidsAPISignup answers PUT /api/v1/raids/{id}/signup with
// {"status","character_id","role","note"}.
func (s *Server) raidsAPISignup(c fiber.Ctx) error {
	id, ok := scheduleIntParam(c, "id")
	if !ok {
		return apiError(c, fiber.StatusNotFound, "Raid event "+c.Params("id")+" not found")
	}
	var in schedule.SignupInput
	if err := scheduleDecodeJSON(c, &in); err != nil {
		return err
	}
	row, err := schedule.SetSignup(s.db(c), id, viewerOf(c).PlayerID, in, schedule.SourceSite, s.Now())
	if err != nil {
		return err
	}
	return apiOK(c, signupJSONOf(&row))
}

type raidJSON struct {
	ID           int         `json:"id"`
	Title        string      `json:"title"`
	EventDate    string      `json:"event_date"`
	StartTimeUTC string      `json:"start_time_utc"`
	EndTimeUTC   string      `json:"end_time_utc"`
	Open         bool        `json:"open"`
	Signup       *signupJSON `json:"signup"`
}

// raidsAPIList answers GET /api/v1/raids: the coming raids with the
// viewer's answers.
func (s *Server) raidsAPIList(c fiber.Ctx) error {
	next, err := schedule.NextRaidsFor(s.db(c), viewerOf(c).PlayerID, s.Now(), 0)
	if err != nil {
		return err
	}
	out := make([]raidJSON, 0, len(next))
	for _, n := range next {
		out = append(out, raidJSON{ID: n.Event.ID, Title: n.Event.Title, EventDate: n.Event.EventDate.String(),
			StartTimeUTC: n.Event.StartTimeUTC.UTC().Format("2006-01-02T15:04:05Z"), EndTimeUTC: n.Event.EndTimeUTC.UTC().Format("2006-01-02T15:04:05Z"),
			Open: s.Now().Before(n.Event.StartTimeUTC), Signup: signupJSONOf(n.Signup)})
	}
	return apiOK(c, out)
}
