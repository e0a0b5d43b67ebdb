package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

	"patt/identity"
	"patt/models"
	"patt/schedule"
)

// ProfilePage is everything /profile shows. Each form has its own part, so
// one form's htmx swap re-renders only that card. Other areas add their
// own sections as named fields here (the scheduling area's availability
// editor, for one).
type ProfilePage struct {
	Banner     ProfileBanner
	Info       ProfileInfoForm
	Characters ProfileCharactersForm
	Password   ProfilePasswordForm
	// BannerOOB makes a form fragment carry the banner too, swapped out of
	// band, so a saved main character shows in it at once.
	BannerOOB bool
	// CalendarURL is the player's private iCal feed (schedule area).
	CalendarURL string
	// Sessions are the account's open sessions (where it is logged in).
	Sessions []ProfileSession
}

// ProfileBanner is the read-only summary at the top of the page.
type ProfileBanner struct {
	Discord       string
	Rank          string
	RankLevel     int
	RankSlug      string // for the rank's badge colour (badge--rank-<slug>)
	MainCharacter string
	MainSpec      string
}

// ProfileInfoForm is the display name and preferences form.
type ProfileInfoForm struct {
	DisplayName      string
	Timezone         string
	AutoInviteEvents bool
	Timezones        []string
	Errors           identity.ProfileFieldErrors
	Saved            string
}

// ProfileCharactersForm is the main / off-spec form. IDs are 0 for none.
type ProfileCharactersForm struct {
	Characters         []ProfileCharacterOption
	SpecGroups         []ProfileSpecGroup
	MainCharacterID    int
	MainSpecID         int
	OffspecCharacterID int
	OffspecSpecID      int
	Errors             identity.ProfileFieldErrors
	Saved              string
	// Owned lists the player's characters, each marked when it is their
	// own claim an officer has not confirmed yet.
	Owned []ProfileOwnedCharacter
	// Add is the add-a-character form as typed, after a refusal.
	Add addCharForm
}

// ProfileOwnedCharacter is one line of the player's character list.
type ProfileOwnedCharacter struct {
	Name, Realm, ClassName string
	Unverified             bool
}

// ProfileCharacterOption is one owned character in the dropdowns.
type ProfileCharacterOption struct {
	ID      int
	Label   string
	ClassID int
}

// ProfileSpecGroup is one class's specs, an <optgroup> in the dropdowns.
type ProfileSpecGroup struct {
	ClassID   int
	ClassName string
	Specs     []ProfileSpecOption
}

// ProfileSpecOption is one spec in the dropdowns.
type ProfileSpecOption struct {
	ID   int
	Name string
}

// ProfilePasswordForm is the change-password form.
type ProfilePasswordForm struct {
	Errors identity.ProfileFieldErrors
	Saved  string
}

// profileShow renders the logged-in player's own settings page.
func (s *Server) profileShow(c fiber.Ctx) error {
	page, err := s.profilePage(s.db(c), viewerOf(c).PlayerID)
	if err != nil {
		return err
	}
	if page.Sessions, err = s.profileSessions(c); err != nil {
		return err
	}
	return s.renderProfile(c, fiber.StatusOK, page)
}

func (s *Server) renderProfile(c fiber.Ctx, status int, page *ProfilePage) error {
	return s.render(c, status, "pages/profile/show", &Page{Title: "Settings", Data: page})
}

// profilePage loads the page as stored now.
func (s *Server) profilePage(db *gorm.DB, playerID int) (*ProfilePage, error) {
	p, err := identity.LoadProfile(db, playerID)
	if err != nil {
		return nil, err
	}
	specs, err := identity.ProfileSpecs(db)
	if err != nil {
		return nil, err
	}
	page := &ProfilePage{
		Banner: profileBanner(p),
		Info: ProfileInfoForm{
			DisplayName:      p.DisplayName,
			Timezone:         p.Timezone,
			AutoInviteEvents: p.AutoInviteEvents,
			Timezones:        profileTimezones(p.Timezone),
		},
		Characters: ProfileCharactersForm{
			MainCharacterID:    deref(p.MainCharacterID),
			MainSpecID:         deref(p.MainSpecID),
			OffspecCharacterID: deref(p.OffspecCharacterID),
			OffspecSpecID:      deref(p.OffspecSpecID),
		},
	}
	token, err := schedule.CalendarTokenFor(db, playerID, s.Now())
	if err != nil {
		return nil, err
	}
	page.CalendarURL = s.calendarURL(token)
	for _, link := range p.Characters {
		if ch := link.Character; ch != nil {
			oc := ProfileOwnedCharacter{Name: ch.Name, Realm: realmLabel(ch), Unverified: identity.Unverified(link)}
			if ch.Class != nil {
				oc.ClassName = ch.Class.Name
			}
			page.Characters.Owned = append(page.Characters.Owned, oc)
		}
	}
	for _, ch := range p.OwnedCharacters() {
		page.Characters.Characters = append(page.Characters.Characters, ProfileCharacterOption{
			ID: ch.ID, Label: ch.Name + " — " + realmLabel(ch), ClassID: deref(ch.ClassID),
		})
	}
	for _, sp := range specs {
		n := len(page.Characters.SpecGroups)
		if n == 0 || page.Characters.SpecGroups[n-1].ClassID != sp.ClassID {
			name := ""
			if sp.Class != nil {
				name = sp.Class.Name
			}
			page.Characters.SpecGroups = append(page.Characters.SpecGroups, ProfileSpecGroup{ClassID: sp.ClassID, ClassName: name})
			n++
		}
		g := &page.Characters.SpecGroups[n-1]
		g.Specs = append(g.Specs, ProfileSpecOption{ID: sp.ID, Name: sp.Name})
	}
	return page, nil
}

func profileBanner(p *models.Player) ProfileBanner {
	b := ProfileBanner{Discord: "Not linked", Rank: "Unranked"}
	if du := p.DiscordUser; du != nil {
		b.Discord = du.Username
		if du.DisplayName != nil && *du.DisplayName != "" {
			b.Discord = *du.DisplayName
		}
	}
	if p.Rank != nil {
		b.Rank, b.RankLevel = p.Rank.Name, p.Rank.Level
		b.RankSlug = strings.ReplaceAll(strings.ToLower(p.Rank.Name), " ", "-")
	}
	if ch := p.MainCharacter; ch != nil {
		b.MainCharacter = ch.Name + " — " + realmLabel(ch)
	}
	if p.MainSpec != nil {
		b.MainSpec = p.MainSpec.Name
	}
	return b
}

// profileTimezones is the form's zone list, plus the player's current zone
// when an officer set one outside it (so it shows as selected).
func profileTimezones(current string) []string {
	for _, z := range identity.ProfileTimezones {
		if z == current {
			return identity.ProfileTimezones
		}
	}
	if current == "" {
		return identity.ProfileTimezones
	}
	return append([]string{current}, identity.ProfileTimezones...)
}

func realmLabel(ch *models.Character) string {
	if ch.RealmName != nil && *ch.RealmName != "" {
		return *ch.RealmName
	}
	return ch.RealmSlug
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// formID reads an optional id from a form field: blank or not a number is
// "none".
func formID(c fiber.Ctx, field string) *int {
	n, err := strconv.Atoi(c.FormValue(field))
	if err != nil || n <= 0 {
		return nil
	}
	return &n
}

// profileFormError answers a form with field errors: htmx gets the form's
// card back (422, which htmx swaps), a plain browser the whole page.
func (s *Server) profileFormError(c fiber.Ctx, partial string, page *ProfilePage) error {
	if isHTMX(c) {
		return s.renderFragment(c, fiber.StatusUnprocessableEntity, partial, &Page{Data: page})
	}
	return s.renderProfile(c, fiber.StatusUnprocessableEntity, page)
}

// profileSaved answers a successful save: htmx gets the fresh card with a
// saved message (and the banner, out of band), a plain browser a redirect
// to the page with a flash code, so reloading does not post again.
func (s *Server) profileSaved(c fiber.Ctx, partial, flashCode string, mark func(p *ProfilePage)) error {
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusFound).To("/profile?flash=" + flashCode)
	}
	page, err := s.profilePage(s.db(c), viewerOf(c).PlayerID)
	if err != nil {
		return err
	}
	mark(page)
	page.BannerOOB = true
	return s.renderFragment(c, fiber.StatusOK, partial, &Page{Data: page})
}
