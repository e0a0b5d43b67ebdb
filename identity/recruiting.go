package identity

import (
	"fmt"

	"gorm.io/gorm"

	"patt/models"
)

// RoleNeed is a combat role the raid roster is short of.
type RoleNeed struct {
	Role   string
	Emoji  string
	Needed int
}

// RoleCounts counts roster-eligible players (active, with a main character)
// by the role of their main spec — the chosen main spec, else the main
// character's active spec. Players with neither are not counted.
func RoleCounts(db *gorm.DB) (map[string]int, error) {
	var players []models.Player
	err := db.Preload("MainSpec.DefaultRole").Preload("MainCharacter.ActiveSpec.DefaultRole").
		Where("is_active = ? AND main_character_id IS NOT NULL", true).
		Find(&players).Error
	if err != nil {
		return nil, fmt.Errorf("count roster roles: %w", err)
	}
	counts := map[string]int{}
	for i := range players {
		p := &players[i]
		if p.MainCharacter != nil && p.MainCharacter.RemovedAt != nil {
			continue
		}
		if sp := mainSpec(p); sp != nil && sp.DefaultRole != nil {
			counts[sp.DefaultRole.Name]++
		}
	}
	return counts, nil
}

// RecruitingNeeds compares role counts with the raid targets (2 tanks,
// 4 healers, 6 melee, 6 ranged) and lists the roles still short, in that
// order.
func RecruitingNeeds(counts map[string]int) []RoleNeed {
	var needs []RoleNeed
	for _, r := range models.SeedRoles {
		if short := r.RaidTarget - counts[r.Name]; short > 0 {
			needs = append(needs, RoleNeed{Role: r.Name, Emoji: r.Emoji, Needed: short})
		}
	}
	return needs
}
