package identity

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// ProfileTimezones are the zones a player may pick on /profile, in the
// order the form lists them (spec identity §5).
var ProfileTimezones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
	"America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "America/Halifax",
	"Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Stockholm", "Europe/Helsinki",
	"Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland",
}

// maxDisplayName is players.display_name's width.
const maxDisplayName = 100

// ProfileFieldErrors maps a form field to what is wrong with it; the page
// shows each message beside its field. The save functions report it as a
// KindInvalid fault (fault.FieldsOf gives it back).
type ProfileFieldErrors map[string]string

// invalid is the refusal carrying these field messages; its message lists
// them ("display_name: …; timezone: …") for logs and API callers.
func (e ProfileFieldErrors) invalid() error {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e[k])
	}
	return fault.InvalidFields(strings.Join(parts, "; "), e)
}

// ErrProfileNotFound means the player behind a session is gone.
var ErrProfileNotFound = fault.NotFound("player not found")

// LoadProfile returns the player with everything /profile shows: rank,
// Discord account, main and off-spec picks, and the owned characters (with
// their classes) in the order they were linked.
func LoadProfile(db *gorm.DB, playerID int) (*models.Player, error) {
	var p models.Player
	err := db.Preload("Rank").Preload("DiscordUser").Preload("User").
		Preload("MainCharacter").Preload("MainSpec").
		Preload("OffspecCharacter").Preload("OffspecSpec").
		Preload("Characters", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).
		Preload("Characters.Character.Class").
		Take(&p, playerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrProfileNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load profile of player %d: %w", playerID, err)
	}
	return &p, nil
}

// ProfilePreferences is the "display name & preferences" form.
type ProfilePreferences struct {
	DisplayName      string
	Timezone         string
	AutoInviteEvents bool
}

// SaveProfilePreferences validates and stores a player's own display name,
// time zone and auto-invite choice. A zone outside the form's list is
// accepted only when it is the one the player already has (an officer may
// have set it), so saving the form unchanged never fails.
func SaveProfilePreferences(db *gorm.DB, playerID int, in ProfilePreferences, now time.Time) error {
	in.DisplayName = NormalizeDisplayName(in.DisplayName)
	errs := ProfileFieldErrors{}
	return db.Transaction(func(tx *gorm.DB) error {
		switch err := checkDisplayName(tx, in.DisplayName, playerID); {
		case in.DisplayName == "":
			errs["display_name"] = "Display name cannot be empty"
		case err != nil && fault.KindOf(err) != fault.KindInternal:
			errs["display_name"] = fault.MessageOf(err)
		case err != nil:
			return err
		}
		var p models.Player
		if err := tx.Select("id", "timezone", "is_active").Take(&p, playerID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrProfileNotFound
			}
			return err
		}
		if !p.IsActive {
			return ErrPlayerInactive
		}
		if !isProfileTimezone(in.Timezone) && in.Timezone != p.Timezone {
			errs["timezone"] = "Invalid timezone selected"
		}
		if len(errs) > 0 {
			return errs.invalid()
		}
		err := tx.Model(&models.Player{}).Where("id = ?", playerID).Updates(map[string]any{
			"display_name":       in.DisplayName,
			"timezone":           in.Timezone,
			"auto_invite_events": in.AutoInviteEvents,
			"updated_at":         now.UTC(),
		}).Error
		if err != nil {
			return fmt.Errorf("save preferences of player %d: %w", playerID, err)
		}
		return nil
	})
}

func isProfileTimezone(tz string) bool {
	for _, z := range ProfileTimezones {
		if z == tz {
			return true
		}
	}
	return false
}

// ProfileCharacters is the "characters" form: nil clears a choice.
type ProfileCharacters struct {
	MainCharacterID    *int
	MainSpecID         *int
	OffspecCharacterID *int
	OffspecSpecID      *int
}

// SaveProfileCharacters stores a player's main and off-spec picks. Each
// chosen character must belong to the player, and each chosen spec must be
// one of that character's class (any spec when the class is unknown); a
// spec without a character is refused because it could not be checked.
func SaveProfileCharacters(db *gorm.DB, playerID int, in ProfileCharacters, now time.Time) error {
	return db.Transaction(func(tx *gorm.DB) error {
		if err := RequireActive(tx, playerID); err != nil {
			if fault.Is(err, fault.KindNotFound) {
				return ErrProfileNotFound
			}
			return err
		}
		var links []models.PlayerCharacter
		if err := tx.Preload("Character").Where("player_id = ?", playerID).Find(&links).Error; err != nil {
			return fmt.Errorf("load characters of player %d: %w", playerID, err)
		}
		owned := map[int]*models.Character{}
		for _, l := range links {
			if l.Character != nil {
				owned[l.CharacterID] = l.Character
			}
		}
		errs := ProfileFieldErrors{}
		checkPick(tx, owned, in.MainCharacterID, in.MainSpecID, "main_character_id", "main_spec_id",
			"Invalid main character selection", "main", errs)
		checkPick(tx, owned, in.OffspecCharacterID, in.OffspecSpecID, "offspec_character_id", "offspec_spec_id",
			"Invalid off-spec character selection", "off-spec", errs)
		if len(errs) > 0 {
			return errs.invalid()
		}
		res := tx.Model(&models.Player{}).Where("id = ?", playerID).Updates(map[string]any{
			"main_character_id":    in.MainCharacterID,
			"main_spec_id":         in.MainSpecID,
			"offspec_character_id": in.OffspecCharacterID,
			"offspec_spec_id":      in.OffspecSpecID,
			"updated_at":           now.UTC(),
		})
		if res.Error != nil {
			return fmt.Errorf("save characters of player %d: %w", playerID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrProfileNotFound
		}
		return nil
	})
}

func checkPick(tx *gorm.DB, owned map[int]*models.Character, charID, specID *int, charField, specField, charMsg, which string, errs ProfileFieldErrors) {
	var ch *models.Character
	if charID != nil {
		ch = owned[*charID]
		if ch == nil {
			errs[charField] = charMsg
			return
		}
	}
	if specID == nil {
		return
	}
	if ch == nil {
		errs[specField] = "Choose a " + which + " character for this spec"
		return
	}
	var spec models.Specialization
	if err := tx.Preload("Class").Take(&spec, *specID).Error; err != nil {
		errs[specField] = "Invalid " + which + " spec selection"
		return
	}
	if ch.ClassID != nil && spec.ClassID != *ch.ClassID {
		errs[specField] = fmt.Sprintf("%s is not a spec of %s's class", specLabel(spec), ch.Name)
	}
}

func specLabel(s models.Specialization) string {
	if s.Class != nil {
		return s.Name + " " + s.Class.Name
	}
	return s.Name
}

// ProfileSpecs lists every specialization with its class, by class then
// spec name, for the profile's spec dropdowns.
func ProfileSpecs(db *gorm.DB) ([]models.Specialization, error) {
	var specs []models.Specialization
	c := models.Table(db, &models.Class{})
	s := models.Table(db, &models.Specialization{})
	err := db.Preload("Class").Joins("JOIN " + c + " ON " + c + ".id = " + s + ".class_id").
		Order(c + ".name").Order(s + ".name").Find(&specs).Error
	if err != nil {
		return nil, fmt.Errorf("list specs: %w", err)
	}
	return specs, nil
}
