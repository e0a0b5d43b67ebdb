package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// profileInfoUpdate saves the player's display name, time zone and
// auto-invite choice.
func (s *Server) profileInfoUpdate(c fiber.Ctx) error {
	v := viewerOf(c)
	in := identity.ProfilePreferences{
		DisplayName:      c.FormValue("display_name"),
		Timezone:         c.FormValue("timezone"),
		AutoInviteEvents: c.FormValue("auto_invite_events") == "on",
	}
	err := identity.SaveProfilePreferences(s.db(c), v.PlayerID, in, s.Now())
	if fe := fault.FieldsOf(err); fault.Is(err, fault.KindInvalid) && len(fe) > 0 {
		page, err := s.profilePage(s.db(c), v.PlayerID)
		if err != nil {
			return err
		}
		page.Info.DisplayName, page.Info.Timezone, page.Info.AutoInviteEvents = in.DisplayName, in.Timezone, in.AutoInviteEvents
		page.Info.Errors = fe
		return s.profileFormError(c, "partials/profile/info_form", page)
	}
	if err != nil {
		return err
	}
	return s.profileSaved(c, "partials/profile/info_form", "profile-saved", func(p *ProfilePage) {
		p.Info.Saved = flashMessages["profile-saved"]
	})
}
