package schedule

import (
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// RosterPlayer is a player as scheduling sees them: rank weight, main role
// and declared windows in their own zone.
type RosterPlayer struct {
	PlayerID    int
	DisplayName string
	Timezone    string
	Active      bool
	RankName    string // "" without a rank
	RankLevel   int
	Weight      int    // guild_ranks.scheduling_weight; 0 without a rank
	MainRole    string // role of the main spec; "" without one
	Windows     []Window

	zone *time.Location
}

// Zone is the player's loaded time zone.
func (p *RosterPlayer) Zone() *time.Location {
	if p.zone == nil {
		p.zone = LoadZone(p.Timezone)
	}
	return p.zone
}

// LoadRoster loads every player who has at least one window, plus the count
// and total weight of active players. Inactive players are loaded (with
// Active false) so callers can decide; the dashboards leave them out
// (spec §11.3 fix).
func LoadRoster(db *gorm.DB) (players []*RosterPlayer, totalActive, totalWeight int, err error) {
	return loadRoster(db, false)
}

func loadRoster(db *gorm.DB, everyone bool) (players []*RosterPlayer, totalActive, totalWeight int, err error) {
	type playerRow struct {
		ID          int
		DisplayName string
		Timezone    string
		IsActive    bool
		RankName    *string
		RankLevel   *int
		Weight      *int
		RoleName    *string
	}
	p := models.Table(db, &models.Player{})
	r := models.Table(db, &models.GuildRank{})
	s := models.Table(db, &models.Specialization{})
	ro := models.Table(db, &models.Role{})
	var rows []playerRow
	err = db.Table(p + " AS p").
		Select("p.id, p.display_name, p.timezone, p.is_active, r.name AS rank_name, r.level AS rank_level, r.scheduling_weight AS weight, ro.name AS role_name").
		Joins("LEFT JOIN " + r + " AS r ON r.id = p.guild_rank_id").
		Joins("LEFT JOIN " + s + " AS s ON s.id = p.main_spec_id").
		Joins("LEFT JOIN " + ro + " AS ro ON ro.id = s.default_role_id").
		Order("p.display_name").Order("p.id").Scan(&rows).Error
	if err != nil {
		return nil, 0, 0, fmt.Errorf("load roster: %w", err)
	}
	var windows []models.AvailabilityWindow
	if err := db.Order("player_id").Order("day_of_week").Find(&windows).Error; err != nil {
		return nil, 0, 0, fmt.Errorf("load availability: %w", err)
	}
	byPlayer := map[int][]Window{}
	for _, w := range windows {
		byPlayer[w.PlayerID] = append(byPlayer[w.PlayerID], WindowOf(w))
	}
	for _, row := range rows {
		rp := &RosterPlayer{PlayerID: row.ID, DisplayName: row.DisplayName, Timezone: row.Timezone, Active: row.IsActive, Windows: byPlayer[row.ID]}
		if row.RankName != nil {
			rp.RankName = *row.RankName
		}
		if row.RankLevel != nil {
			rp.RankLevel = *row.RankLevel
		}
		if row.Weight != nil {
			rp.Weight = *row.Weight
		}
		if row.RoleName != nil {
			rp.MainRole = *row.RoleName
		}
		if row.IsActive {
			totalActive++
			totalWeight += rp.Weight
		}
		if everyone || len(rp.Windows) > 0 {
			players = append(players, rp)
		}
	}
	return players, totalActive, totalWeight, nil
}

// sortByWeightThenName orders players heaviest first, then by name (spec
// §4.2 fix: a stable, useful order).
func sortByWeightThenName[T any](items []T, weight func(T) int, name func(T) string) {
	sort.SliceStable(items, func(i, j int) bool {
		wi, wj := weight(items[i]), weight(items[j])
		if wi != wj {
			return wi > wj
		}
		return name(items[i]) < name(items[j])
	})
}
