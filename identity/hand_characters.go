package identity

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Without Blizzard credentials the sync never runs, so characters come by
// hand: an officer adds any character on the Player Manager, a member adds
// their own on /profile. A member's own is unverified (link_source "self")
// until an officer confirms it. Either way the row is keyed like a synced
// one, name + lower-case realm slug, so a later sync finds it (sync matches
// by that key) and updates it instead of adding a twin.

// Link sources of player_characters written here; sync writes "manual"
// and "engine".
const (
	LinkSelf    = "self"    // the member said so; unverified
	LinkOfficer = "officer" // an officer added or confirmed it
)

// NewCharacter is a character typed in by hand. Zero ids mean "not given".
type NewCharacter struct {
	Name    string
	Realm   string
	ClassID int
	SpecID  int
	RankID  int
	Level   int
}

// maxLevel is the highest character level the form accepts (the game's cap
// is 80; a little room for the next expansion).
const maxLevel = 90

// RealmSlug is a realm as Blizzard's APIs key it: lower case, spaces as
// hyphens, apostrophes dropped ("Area 52" → "area-52", "Kel'Thuzad" →
// "kelthuzad").
func RealmSlug(realm string) string {
	s := strings.ToLower(strings.TrimSpace(realm))
	s = strings.NewReplacer("'", "", "’", "").Replace(s)
	return strings.Join(strings.Fields(s), "-")
}

// check validates a hand-typed character and returns its name and realm slug.
func (in NewCharacter) check(tx *gorm.DB, withRank bool) (string, string, error) {
	errs := map[string]string{}
	name := strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs["name"] = "Enter the character's name."
	case n < 2 || n > 12 || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0:
		errs["name"] = "A character name is 2 to 12 letters."
	}
	realm := RealmSlug(in.Realm)
	switch {
	case realm == "":
		errs["realm"] = "Enter the character's realm."
	case len(realm) > 50:
		errs["realm"] = "That realm name is too long."
	}
	if in.ClassID == 0 {
		errs["class_id"] = "Choose the character's class."
	} else if n, err := count(tx.Model(&models.Class{}).Where("id = ?", in.ClassID)); err != nil {
		return "", "", err
	} else if n == 0 {
		errs["class_id"] = "Choose a class from the list."
	}
	if in.SpecID != 0 {
		if n, err := count(tx.Model(&models.Specialization{}).Where("id = ? AND class_id = ?", in.SpecID, in.ClassID)); err != nil {
			return "", "", err
		} else if n == 0 {
			errs["spec_id"] = "Choose a specialization of the character's class."
		}
	}
	if withRank && in.RankID != 0 {
		if n, err := count(tx.Model(&models.GuildRank{}).Where("id = ?", in.RankID)); err != nil {
			return "", "", err
		} else if n == 0 {
			errs["rank_id"] = "Choose a guild rank from the list."
		}
	}
	if in.Level != 0 && (in.Level < 1 || in.Level > maxLevel) {
		errs["level"] = fmt.Sprintf("Level is 1 to %d.", maxLevel)
	}
	if len(errs) == 1 {
		for f, m := range errs {
			return "", "", fault.Invalid(f, m)
		}
	}
	if len(errs) > 1 {
		return "", "", fault.InvalidFields("Check the character's details.", errs)
	}
	return cases(name), realm, nil
}

// cases writes a name as the game shows it: first letter upper case.
func cases(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + strings.ToLower(name[n:])
}

func count(q *gorm.DB) (int64, error) {
	var n int64
	err := q.Count(&n).Error
	return n, err
}

// ErrCharacterExists refuses a second row for one character.
func errCharacterExists(name, realm string) error {
	return fault.Conflict(fmt.Sprintf("%s on %s is already known; link the existing character instead.", name, realm))
}

// addCharacter inserts the character (refusing a name + realm already
// known, ignoring case) and, for a player, links it with the source.
func addCharacter(tx *gorm.DB, in NewCharacter, withRank bool, playerID *int, source string, now time.Time) (models.Character, error) {
	name, realm, err := in.check(tx, withRank)
	if err != nil {
		return models.Character{}, err
	}
	n, err := count(tx.Model(&models.Character{}).Where("lower(character_name) = ? AND lower(realm_slug) = ?", strings.ToLower(name), realm))
	if err != nil {
		return models.Character{}, fmt.Errorf("look for %s-%s: %w", name, realm, err)
	}
	if n > 0 {
		return models.Character{}, errCharacterExists(name, realm)
	}
	ch := models.Character{Name: name, RealmSlug: realm, ClassID: &in.ClassID, FirstSeen: now}
	if in.SpecID != 0 {
		ch.ActiveSpecID = &in.SpecID
	}
	if withRank && in.RankID != 0 {
		ch.GuildRankID = &in.RankID
	}
	if in.Level != 0 {
		ch.Level = &in.Level
	}
	if err := tx.Create(&ch).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return models.Character{}, errCharacterExists(name, realm)
		}
		return models.Character{}, fmt.Errorf("add %s-%s: %w", name, realm, err)
	}
	if playerID != nil {
		src := source
		if err := tx.Create(&models.PlayerCharacter{PlayerID: *playerID, CharacterID: ch.ID, LinkSource: &src}).Error; err != nil {
			return models.Character{}, fmt.Errorf("link %s-%s: %w", name, realm, err)
		}
	}
	return ch, nil
}

// AddCharacter is an officer typing in a character, optionally for a
// player (then linked as confirmed), in one transaction.
func AddCharacter(db *gorm.DB, by Actor, in NewCharacter, playerID *int, now time.Time) (models.Character, error) {
	var ch models.Character
	err := db.Transaction(func(tx *gorm.DB) error {
		if playerID != nil {
			p, err := loadPlayer(tx, *playerID)
			if err != nil {
				return err
			}
			if err := by.mayEdit(tx, &p); err != nil {
				return err
			}
		}
		var err error
		if ch, err = addCharacter(tx, in, true, playerID, LinkOfficer, now.UTC()); err != nil {
			return err
		}
		return audit(tx, by, "character.add", "character", ch.ID, ch.Name+"-"+ch.RealmSlug, nil, map[string]any{"player_id": playerID})
	})
	return ch, err
}

// AddOwnCharacter is a member adding a character of their own: linked to
// them, unverified until an officer confirms it. The guild rank is the
// officers' to set, so it is ignored here.
func AddOwnCharacter(db *gorm.DB, playerID int, in NewCharacter, now time.Time) (models.Character, error) {
	var ch models.Character
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		ch, err = addCharacter(tx, in, false, &playerID, LinkSelf, now.UTC())
		return err
	})
	return ch, err
}

// ConfirmCharacter is an officer vouching for a member's own character;
// it returns the owner's player id.
func ConfirmCharacter(db *gorm.DB, by Actor, characterID int) (int, error) {
	var ownerID int
	err := db.Transaction(func(tx *gorm.DB) error {
		owner, err := OwnerOf(tx, characterID)
		if err != nil {
			return err
		}
		if owner == nil {
			return fault.Conflict("The character has no owner to confirm.")
		}
		ownerID = *owner
		if err := mayEditOwner(tx, by, owner); err != nil {
			return err
		}
		src := LinkOfficer
		if err := tx.Model(&models.PlayerCharacter{}).Where("character_id = ?", characterID).Update("link_source", &src).Error; err != nil {
			return fmt.Errorf("confirm character %d: %w", characterID, err)
		}
		return audit(tx, by, "character.confirm", "character", characterID, "", nil, nil)
	})
	return ownerID, err
}

// Unverified reports whether a link is a member's own claim not yet confirmed.
func Unverified(link models.PlayerCharacter) bool {
	return link.LinkSource != nil && *link.LinkSource == LinkSelf
}
