package identity

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"patt/models"
)

// What a character is to its owner (JSON keys of the Player Manager).
const (
	CharMain    = "main"
	CharOffspec = "offspec"
	CharAlt     = "alt"
)

// CharacterByID returns the character or a KindNotFound fault.
func CharacterByID(db *gorm.DB, id int) (models.Character, error) {
	var c models.Character
	err := db.Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, notFound("Character %d not found", id)
	}
	if err != nil {
		return c, fmt.Errorf("load character %d: %w", id, err)
	}
	return c, nil
}

// CharacterByName finds a character by name and realm slug, ignoring case
// on both; nil when there is none.
func CharacterByName(db *gorm.DB, name, realmSlug string) (*models.Character, error) {
	var c models.Character
	err := db.Where("LOWER(character_name) = LOWER(?) AND LOWER(realm_slug) = LOWER(?)", name, realmSlug).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find character %s-%s: %w", name, realmSlug, err)
	}
	return &c, nil
}

// CharactersOfPlayer lists a player's characters by name.
func CharactersOfPlayer(db *gorm.DB, playerID int) ([]models.Character, error) {
	var cs []models.Character
	pc := models.Table(db, &models.PlayerCharacter{})
	err := db.Where("id IN (SELECT character_id FROM "+pc+" WHERE player_id = ?)", playerID).
		Order("character_name").Find(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("characters of player %d: %w", playerID, err)
	}
	return cs, nil
}

// OwnerOf returns the id of the player owning the character, or nil.
func OwnerOf(db *gorm.DB, characterID int) (*int, error) {
	var link models.PlayerCharacter
	err := db.Where("character_id = ?", characterID).Take(&link).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("owner of character %d: %w", characterID, err)
	}
	return &link.PlayerID, nil
}

// CharacterMove is what linking a character changed: the new owner and the
// one it was taken from (nil when it was unlinked), so both can be redrawn.
type CharacterMove struct {
	Character     models.Character
	PlayerID      int
	PreviousOwner *int
}

// LinkCharacter gives the character to the player. A character belongs to
// at most one player: one already owned by someone else moves, and the old
// owner's main / off-spec pointers to it are cleared. Characters can decide
// a rank, so the actor must outrank both the player and the old owner.
func LinkCharacter(db *gorm.DB, by Actor, playerID, characterID int) (CharacterMove, error) {
	mv := CharacterMove{PlayerID: playerID}
	err := db.Transaction(func(tx *gorm.DB) error {
		pl, err := loadPlayer(tx, playerID)
		if err != nil {
			return err
		}
		if err := by.mayEdit(tx, &pl); err != nil {
			return err
		}
		if mv.Character, err = CharacterByID(tx, characterID); err != nil {
			return err
		}
		owner, err := OwnerOf(tx, characterID)
		if err != nil {
			return err
		}
		if owner != nil && *owner == playerID {
			return nil
		}
		if err := mayEditOwner(tx, by, owner); err != nil {
			return err
		}
		if owner != nil {
			mv.PreviousOwner = owner
			if err := releaseCharacter(tx, characterID); err != nil {
				return err
			}
		}
		if err := tx.Create(&models.PlayerCharacter{PlayerID: playerID, CharacterID: characterID}).Error; err != nil {
			if isDuplicate(err) {
				return conflict("Character %s is already linked to another player", mv.Character.Name)
			}
			return fmt.Errorf("link character %d to player %d: %w", characterID, playerID, err)
		}
		return nil
	})
	return mv, err
}

// UnlinkCharacter takes the character from its owner (clearing the owner's
// main / off-spec pointers to it) and returns the former owner, or nil when
// it was not linked.
func UnlinkCharacter(db *gorm.DB, by Actor, characterID int) (*int, error) {
	var owner *int
	err := db.Transaction(func(tx *gorm.DB) error {
		if _, err := CharacterByID(tx, characterID); err != nil {
			return err
		}
		var err error
		if owner, err = OwnerOf(tx, characterID); err != nil || owner == nil {
			return err
		}
		if err := mayEditOwner(tx, by, owner); err != nil {
			return err
		}
		return releaseCharacter(tx, characterID)
	})
	return owner, err
}

// DeleteCharacter removes a character for good: pointers to it (main,
// off-spec, attendance, audit findings) are cleared and its link goes with
// it. It returns the character and its former owner.
func DeleteCharacter(db *gorm.DB, by Actor, characterID int) (models.Character, *int, error) {
	var c models.Character
	var owner *int
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = CharacterByID(tx, characterID); err != nil {
			return err
		}
		if owner, err = OwnerOf(tx, characterID); err != nil {
			return err
		}
		if err := mayEditOwner(tx, by, owner); err != nil {
			return err
		}
		if err := releaseCharacter(tx, characterID); err != nil {
			return err
		}
		for _, m := range []struct {
			model any
			col   string
		}{
			{&models.RaidAttendance{}, "character_id"},
			{&models.AuditIssue{}, "wow_character_id"},
		} {
			if err := tx.Model(m.model).Where(m.col+" = ?", characterID).Update(m.col, nil).Error; err != nil {
				return fmt.Errorf("clear %s of character %d: %w", m.col, characterID, err)
			}
		}
		err = tx.Delete(&models.Character{}, characterID).Error
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return conflict("Character %s is still referenced elsewhere and cannot be deleted", c.Name)
		}
		if err != nil {
			return fmt.Errorf("delete character %d: %w", characterID, err)
		}
		return nil
	})
	return c, owner, err
}

// releaseCharacter clears every player's main / off-spec pointer to the
// character and deletes its ownership link.
func releaseCharacter(tx *gorm.DB, characterID int) error {
	for _, col := range []string{"main_character_id", "offspec_character_id"} {
		err := tx.Model(&models.Player{}).Where(col+" = ?", characterID).Update(col, nil).Error
		if err != nil {
			return fmt.Errorf("clear %s pointing at character %d: %w", col, characterID, err)
		}
	}
	if err := tx.Where("character_id = ?", characterID).Delete(&models.PlayerCharacter{}).Error; err != nil {
		return fmt.Errorf("unlink character %d: %w", characterID, err)
	}
	return nil
}

// SetCharacterRole makes a linked character its owner's main, off-spec or
// an alt. A character is never both main and off-spec: choosing one clears
// the other. It returns the owner's id.
func SetCharacterRole(db *gorm.DB, by Actor, characterID int, role string) (int, error) {
	var ownerID int
	if role != CharMain && role != CharOffspec && role != CharAlt {
		return 0, invalid("main_alt", "main_alt must be 'main', 'offspec', or 'alt'")
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if _, err := CharacterByID(tx, characterID); err != nil {
			return err
		}
		owner, err := OwnerOf(tx, characterID)
		if err != nil {
			return err
		}
		if owner == nil {
			return notFound("Character not linked to a player")
		}
		ownerID = *owner
		p, err := loadPlayer(tx, ownerID)
		if err != nil {
			return err
		}
		if err := by.mayEdit(tx, &p); err != nil {
			return err
		}
		isMain := p.MainCharacterID != nil && *p.MainCharacterID == characterID
		isOff := p.OffspecCharacterID != nil && *p.OffspecCharacterID == characterID
		switch role {
		case CharMain:
			p.MainCharacterID = &characterID
			if isOff {
				p.OffspecCharacterID = nil
			}
		case CharOffspec:
			p.OffspecCharacterID = &characterID
			if isMain {
				p.MainCharacterID = nil
			}
		case CharAlt:
			if isMain {
				p.MainCharacterID = nil
			}
			if isOff {
				p.OffspecCharacterID = nil
			}
		}
		err = tx.Model(&p).Select("main_character_id", "offspec_character_id", "updated_at").Updates(&p).Error
		if err != nil {
			return fmt.Errorf("set character %d as %s: %w", characterID, role, err)
		}
		return nil
	})
	return ownerID, err
}

// CharacterRole says what the character is to the player: CharMain,
// CharOffspec or CharAlt.
func CharacterRole(p *models.Player, characterID int) string {
	switch {
	case p.MainCharacterID != nil && *p.MainCharacterID == characterID:
		return CharMain
	case p.OffspecCharacterID != nil && *p.OffspecCharacterID == characterID:
		return CharOffspec
	}
	return CharAlt
}

// RoleTypeLabel is the label of a character role: "Main", "Off-Spec", "Alt".
func RoleTypeLabel(role string) string {
	switch role {
	case CharMain:
		return "Main"
	case CharOffspec:
		return "Off-Spec"
	}
	return "Alt"
}

// RosterEligible reports whether a player shows on the raid roster: active
// and with a main character.
func RosterEligible(p *models.Player) bool {
	return p.IsActive && p.MainCharacterID != nil
}

// mayEditOwner applies the hierarchy to a character's current owner, if any.
func mayEditOwner(tx *gorm.DB, by Actor, owner *int) error {
	if owner == nil {
		return nil
	}
	p, err := loadPlayer(tx, *owner)
	if err != nil {
		return err
	}
	return by.mayEdit(tx, &p)
}

// AssignCharacter gives the character to the player (LinkCharacter) or,
// with no player (nil or 0), takes it from its owner (UnlinkCharacter), in
// one transaction: the JSON "assign" of the Player Manager. A missing
// character is refused before a missing player. It returns the character
// and the new owner (nil when unlinked).
func AssignCharacter(db *gorm.DB, by Actor, characterID int, playerID *int) (models.Character, *models.Player, error) {
	var ch models.Character
	var owner *models.Player
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if ch, err = CharacterByID(tx, characterID); err != nil {
			return err
		}
		if playerID == nil || *playerID == 0 {
			_, err = UnlinkCharacter(tx, by, characterID)
			return err
		}
		if _, err = LinkCharacter(tx, by, *playerID, characterID); err != nil {
			return err
		}
		p, err := loadPlayer(tx, *playerID)
		owner = &p
		return err
	})
	return ch, owner, err
}
