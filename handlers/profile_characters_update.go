package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/identity"
)

// profileCharactersUpdate saves the player's main and off-spec picks.
func (s *Server) profileCharactersUpdate(c fiber.Ctx) error {
	v := viewerOf(c)
	in := identity.ProfileCharacters{
		MainCharacterID:    formID(c, "main_character_id"),
		MainSpecID:         formID(c, "main_spec_id"),
		OffspecCharacterID: formID(c, "offspec_character_id"),
		OffspecSpecID:      formID(c, "offspec_spec_id"),
	}
	err := identity.SaveProfileCharacters(s.db(c), v.PlayerID, in, s.Now())
	if fe := fault.FieldsOf(err); fault.Is(err, fault.KindInvalid) && len(fe) > 0 {
		page, err := s.profilePage(s.db(c), v.PlayerID)
		if err != nil {
			return err
		}
		f := &page.Characters
		f.MainCharacterID, f.MainSpecID = deref(in.MainCharacterID), deref(in.MainSpecID)
		f.OffspecCharacterID, f.OffspecSpecID = deref(in.OffspecCharacterID), deref(in.OffspecSpecID)
		f.Errors = fe
		return s.profileFormError(c, "partials/profile/characters_form", page)
	}
	if err != nil {
		return err
	}
	return s.profileSaved(c, "partials/profile/characters_form", "characters-saved", func(p *ProfilePage) {
		p.Characters.Saved = flashMessages["characters-saved"]
	})
}
