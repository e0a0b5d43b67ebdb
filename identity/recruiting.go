package identity

import (
	"gorm.io/gorm"

	"patt/models"
)

// RoleNeed is a combat role the raid roster is short of.
type RoleNeed struct {
	Role   string
	Emoji  string
	Needed int
}

// RoleCounts counts the roster's players by the role of their main spec
// — the chosen main spec, else the main character's active spec — over
// the same players as the roster (so members' unconfirmed characters
// count only when the officers allow it). Players with neither are not
// counted.
func RoleCounts(db *gorm.DB) (map[string]int, error) {
	players, err := Roster(db)
	if err != nil {
		return nil, err
	}
	return RoleCountsOf(players), nil
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
