package identity

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/models"
)

const maxRoleDisplayName = 30

// Roles lists the combat roles in seeding order (Tank, Healer, Melee DPS,
// Ranged DPS).
func Roles(db *gorm.DB) ([]models.Role, error) {
	var roles []models.Role
	if err := db.Order("id").Find(&roles).Error; err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	return roles, nil
}

// RenameRole changes a role's display label. The role's name is the stable
// key code uses (raid targets, emojis, colours), so it never changes.
func RenameRole(db *gorm.DB, id int, displayName string) (models.Role, error) {
	var role models.Role
	displayName = strings.TrimSpace(displayName)
	switch {
	case displayName == "":
		return role, invalid("display_name", "Display name is required.")
	case len(displayName) > maxRoleDisplayName:
		return role, invalid("display_name", "Display name must be at most %d characters.", maxRoleDisplayName)
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		err := tx.Take(&role, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("Role %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("load role %d: %w", id, err)
		}
		role.DisplayName = displayName
		if err := tx.Model(&role).Update("display_name", displayName).Error; err != nil {
			return fmt.Errorf("rename role %d: %w", id, err)
		}
		return nil
	})
	return role, err
}

// Classes lists the WoW classes by name.
func Classes(db *gorm.DB) ([]models.Class, error) {
	var classes []models.Class
	if err := db.Order("name").Find(&classes).Error; err != nil {
		return nil, fmt.Errorf("list classes: %w", err)
	}
	return classes, nil
}

// Specializations lists every spec with its class and default role, by
// class then name.
func Specializations(db *gorm.DB) ([]models.Specialization, error) {
	var specs []models.Specialization
	if err := db.Preload("Class").Preload("DefaultRole").Order("class_id").Order("name").Find(&specs).Error; err != nil {
		return nil, fmt.Errorf("list specializations: %w", err)
	}
	return specs, nil
}

// ClassWithSpecs is a class and its specs, for the read-only reference card.
type ClassWithSpecs struct {
	Class models.Class
	Specs []models.Specialization
}

// ClassesWithSpecs groups the specs under their classes, classes by name and
// specs by name.
func ClassesWithSpecs(db *gorm.DB) ([]ClassWithSpecs, error) {
	classes, err := Classes(db)
	if err != nil {
		return nil, err
	}
	specs, err := Specializations(db)
	if err != nil {
		return nil, err
	}
	out := make([]ClassWithSpecs, len(classes))
	idx := map[int]int{}
	for i, c := range classes {
		out[i].Class = c
		idx[c.ID] = i
	}
	for _, s := range specs {
		if i, ok := idx[s.ClassID]; ok {
			out[i].Specs = append(out[i].Specs, s)
		}
	}
	return out, nil
}

// ClassColor is the class's colour, or the guild gold for an unknown class.
func ClassColor(c *models.Class) string { return classColor(c) }
