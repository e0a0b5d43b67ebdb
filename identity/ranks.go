package identity

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/models"
)

// Limits of the guild rank fields officers edit.
const (
	MaxSchedulingWeight = 5
	MaxWowRankIndex     = 9
	maxRankName         = 50
	maxDiscordRoleID    = 20
)

// Ranks lists the guild ranks, lowest level first.
func Ranks(db *gorm.DB) ([]models.GuildRank, error) {
	var ranks []models.GuildRank
	if err := db.Order("level").Find(&ranks).Error; err != nil {
		return nil, fmt.Errorf("list ranks: %w", err)
	}
	return ranks, nil
}

// RankByID returns the rank or a KindNotFound fault.
func RankByID(db *gorm.DB, id int) (models.GuildRank, error) {
	var r models.GuildRank
	err := db.Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, notFound("Rank %d not found", id)
	}
	if err != nil {
		return r, fmt.Errorf("load rank %d: %w", id, err)
	}
	return r, nil
}

// RankByLevel returns the rank of that level, or nil if there is none.
func RankByLevel(db *gorm.DB, level int) (*models.GuildRank, error) {
	var r models.GuildRank
	err := db.Where("level = ?", level).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load rank of level %d: %w", level, err)
	}
	return &r, nil
}

// RankInput is a new rank as an officer describes it.
type RankInput struct {
	Name             string
	Level            int
	Description      *string
	DiscordRoleID    *string
	SchedulingWeight int
	WowRankIndex     *int
}

// RankPatch changes some fields of a rank; unset fields stay as they are,
// and a set nil pointer clears a nullable field.
type RankPatch struct {
	Name             Change[string]
	Level            Change[int]
	Description      Change[*string]
	DiscordRoleID    Change[*string]
	SchedulingWeight Change[int]
	WowRankIndex     Change[*int]
}

// CreateRank adds a rank. Name and level are unique: a clash is a
// KindConflict "Rank with that name or level already exists". Only the
// Guild Leader changes the rank table.
func CreateRank(db *gorm.DB, by Actor, in RankInput) (models.GuildRank, error) {
	r := models.GuildRank{
		Name:             strings.TrimSpace(in.Name),
		Level:            in.Level,
		Description:      trimmedOrNil(in.Description),
		DiscordRoleID:    trimmedOrNil(in.DiscordRoleID),
		SchedulingWeight: in.SchedulingWeight,
		WowRankIndex:     in.WowRankIndex,
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := by.mayEditRanks(tx); err != nil {
			return err
		}
		if err := validateRank(&r); err != nil {
			return err
		}
		if err := rankClash(tx, &r); err != nil {
			return err
		}
		if err := tx.Create(&r).Error; err != nil {
			if isDuplicate(err) {
				return conflict("Rank with that name or level already exists")
			}
			return fmt.Errorf("create rank %q: %w", r.Name, err)
		}
		return audit(tx, by, AuditRankCreate, "rank", r.ID, r.Name, nil, rankSnapshot(r))
	})
	return r, err
}

// UpdateRank applies a patch to a rank, with the same rules as CreateRank;
// renumbering that leaves no active Guild Leader is refused.
func UpdateRank(db *gorm.DB, by Actor, id int, p RankPatch) (models.GuildRank, error) {
	var r models.GuildRank
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := by.mayEditRanks(tx); err != nil {
			return err
		}
		var err error
		if r, err = RankByID(tx, id); err != nil {
			return err
		}
		before := rankSnapshot(r)
		if p.Name.Set {
			r.Name = strings.TrimSpace(p.Name.Value)
		}
		if p.Level.Set {
			r.Level = p.Level.Value
		}
		if p.Description.Set {
			r.Description = trimmedOrNil(p.Description.Value)
		}
		if p.DiscordRoleID.Set {
			r.DiscordRoleID = trimmedOrNil(p.DiscordRoleID.Value)
		}
		if p.SchedulingWeight.Set {
			r.SchedulingWeight = p.SchedulingWeight.Value
		}
		if p.WowRankIndex.Set {
			r.WowRankIndex = p.WowRankIndex.Value
		}
		if err := validateRank(&r); err != nil {
			return err
		}
		if err := rankClash(tx, &r); err != nil {
			return err
		}
		err = keepGuildLeader(tx, func() error {
			return tx.Model(&r).Select("name", "level", "description", "discord_role_id",
				"scheduling_weight", "wow_rank_index", "updated_at").Updates(&r).Error
		})
		if isDuplicate(err) {
			return conflict("Rank with that name or level already exists")
		}
		if err != nil {
			return fmt.Errorf("update rank %d: %w", id, err)
		}
		return audit(tx, by, AuditRankUpdate, "rank", r.ID, r.Name, before, rankSnapshot(r))
	})
	return r, err
}

// DeleteRank removes a rank no player or character holds.
func DeleteRank(db *gorm.DB, by Actor, id int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		if err := by.mayEditRanks(tx); err != nil {
			return err
		}
		r, err := RankByID(tx, id)
		if err != nil {
			return err
		}
		var deps []string
		for _, d := range []struct {
			model     any
			col       string
			one, many string
		}{
			{&models.Player{}, "guild_rank_id", "player", "players"},
			{&models.Character{}, "guild_rank_id", "character", "characters"},
		} {
			var n int64
			if err := tx.Model(d.model).Where(d.col+" = ?", id).Count(&n).Error; err != nil {
				return fmt.Errorf("count users of rank %d: %w", id, err)
			}
			if n > 0 {
				deps = append(deps, plural(int(n), d.one, d.many))
			}
		}
		if len(deps) > 0 {
			return inUse(fmt.Sprintf("Rank %s is in use by %s; move them to another rank first.", r.Name, strings.Join(deps, " and ")), deps)
		}
		if err := tx.Delete(&models.GuildRank{}, id).Error; err != nil {
			return fmt.Errorf("delete rank %d: %w", id, err)
		}
		return audit(tx, by, AuditRankDelete, "rank", r.ID, r.Name, rankSnapshot(r), nil)
	})
}

// MeetsRank reports whether the player's rank level is at least min. A
// missing player or one without a rank (level 0) does not.
func MeetsRank(db *gorm.DB, playerID, min int) (bool, error) {
	var p models.Player
	err := db.Preload("Rank").Take(&p, playerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load player %d: %w", playerID, err)
	}
	return rankLevel(p.Rank) >= min, nil
}

func rankLevel(r *models.GuildRank) int {
	if r == nil {
		return 0
	}
	return r.Level
}

func validateRank(r *models.GuildRank) error {
	switch {
	case r.Name == "":
		return invalid("name", "Rank name is required.")
	case len(r.Name) > maxRankName:
		return invalid("name", "Rank name must be at most %d characters.", maxRankName)
	case r.Level < MinRankLevel || r.Level > MaxRankLevel:
		return invalid("level", "Level must be between %d and %d.", MinRankLevel, MaxRankLevel)
	case r.SchedulingWeight < 0 || r.SchedulingWeight > MaxSchedulingWeight:
		return invalid("scheduling_weight", "Scheduling weight must be between 0 and %d.", MaxSchedulingWeight)
	case r.WowRankIndex != nil && (*r.WowRankIndex < 0 || *r.WowRankIndex > MaxWowRankIndex):
		return invalid("wow_rank_index", "WoW rank index must be between 0 and %d, or blank.", MaxWowRankIndex)
	}
	if id := r.DiscordRoleID; id != nil {
		if len(*id) > maxDiscordRoleID || strings.Trim(*id, "0123456789") != "" {
			return invalid("discord_role_id", "Discord role ID must be digits only (a role snowflake), or blank.")
		}
	}
	return nil
}

// rankClash finds another rank with the same name, level or WoW rank index,
// so the officer gets a message instead of a constraint error.
func rankClash(tx *gorm.DB, r *models.GuildRank) error {
	var others []models.GuildRank
	q := tx.Where("(LOWER(name) = LOWER(?) OR level = ?)", r.Name, r.Level)
	if r.WowRankIndex != nil {
		q = tx.Where("(LOWER(name) = LOWER(?) OR level = ? OR wow_rank_index = ?)", r.Name, r.Level, *r.WowRankIndex)
	}
	if err := q.Where("id <> ?", r.ID).Find(&others).Error; err != nil {
		return fmt.Errorf("check rank clash: %w", err)
	}
	for _, o := range others {
		if strings.EqualFold(o.Name, r.Name) || o.Level == r.Level {
			return conflict("Rank with that name or level already exists")
		}
		return conflict("Rank %s already uses WoW rank index %d", o.Name, *r.WowRankIndex)
	}
	return nil
}

func trimmedOrNil(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// rankSnapshot is the part of a rank the audit log records.
func rankSnapshot(r models.GuildRank) map[string]any {
	return map[string]any{"name": r.Name, "level": r.Level, "discord_role_id": r.DiscordRoleID,
		"scheduling_weight": r.SchedulingWeight, "wow_rank_index": r.WowRankIndex}
}
