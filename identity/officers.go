package identity

import (
	"fmt"

	"gorm.io/gorm"

	"patt/models"
)

// Officer is one officer card on the landing page.
type Officer struct {
	PlayerID    int
	DisplayName string
	RankName    string
	RankLevel   int
	MainName    string
	ClassName   string
	ClassColor  string
	SpecName    string
	ArmoryURL   string
}

// IsGuildLeader reports whether the officer holds the top rank.
func (o Officer) IsGuildLeader() bool { return o.RankLevel >= 5 }

// Officers lists active players of officer rank or above, highest rank
// first, then by name, with their main character.
func Officers(db *gorm.DB) ([]Officer, error) {
	var players []models.Player
	err := db.Joins("Rank").
		Preload("MainCharacter.Class").Preload("MainCharacter.ActiveSpec").Preload("MainSpec").
		Where(`"Rank".level >= ? AND `+models.Table(db, &models.Player{})+`.is_active = ?`, OfficerLevel, true).
		Order(`"Rank".level DESC`).Order("display_name").
		Find(&players).Error
	if err != nil {
		return nil, fmt.Errorf("list officers: %w", err)
	}
	out := make([]Officer, 0, len(players))
	for i := range players {
		p := &players[i]
		o := Officer{PlayerID: p.ID, DisplayName: p.DisplayName, ClassColor: fallbackClassColor}
		if p.Rank != nil {
			o.RankName, o.RankLevel = p.Rank.Name, p.Rank.Level
		}
		if ch := p.MainCharacter; ch != nil && ch.RemovedAt == nil {
			o.MainName = ch.Name
			o.ArmoryURL = ArmoryURL(ch.Name, ch.RealmSlug)
			if ch.Class != nil {
				o.ClassName = ch.Class.Name
			}
			o.ClassColor = classColor(ch.Class)
			if sp := mainSpec(p); sp != nil {
				o.SpecName = sp.Name
			}
		}
		out = append(out, o)
	}
	return out, nil
}
