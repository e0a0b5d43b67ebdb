package migrations

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// step0009ReferenceData seeds ranks, roles, classes and specializations
// from the models.Seed* slices. Rows are matched by name, never by id, and
// each insert is an upsert, so the step also completes a database that
// already holds some of them (an import of the original):
//   - ranks: officers edit them, so only empty description/wow_rank_index
//     are filled in;
//   - roles: officers rename display_name, so existing rows are left alone;
//   - classes and specializations are read-only reference: colour and
//     default role are set to the canonical value.
var step0009ReferenceData = &gormigrate.Migration{
	ID: "0009_reference_data",
	Migrate: func(tx *gorm.DB) error {
		for _, r := range models.SeedRanks {
			err := tx.Exec(render(tx, `
INSERT INTO {{common.guild_ranks}} AS t (name, level, description, scheduling_weight, wow_rank_index)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
    description = COALESCE(t.description, excluded.description),
    wow_rank_index = COALESCE(t.wow_rank_index, excluded.wow_rank_index)`),
				r.Name, r.Level, r.Description, r.SchedulingWeight, r.WowRankIndex).Error
			if err != nil {
				return fmt.Errorf("seed rank %s: %w", r.Name, err)
			}
		}
		for _, r := range models.SeedRoles {
			err := tx.Exec(render(tx, `
INSERT INTO {{guild_identity.roles}} (name, display_name) VALUES (?, ?)
ON CONFLICT (name) DO NOTHING`), r.Name, r.DisplayName).Error
			if err != nil {
				return fmt.Errorf("seed role %s: %w", r.Name, err)
			}
		}
		for _, c := range models.SeedClasses {
			err := tx.Exec(render(tx, `
INSERT INTO {{guild_identity.classes}} (name, color_hex) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET color_hex = excluded.color_hex`), c.Name, c.ColorHex).Error
			if err != nil {
				return fmt.Errorf("seed class %s: %w", c.Name, err)
			}
		}
		for _, s := range models.SeedSpecializations {
			res := tx.Exec(render(tx, `
INSERT INTO {{guild_identity.specializations}} (name, class_id, default_role_id)
SELECT ?, c.id, r.id
FROM {{guild_identity.classes}} c CROSS JOIN {{guild_identity.roles}} r
WHERE c.name = ? AND r.name = ?
ON CONFLICT (name, class_id) DO UPDATE SET default_role_id = excluded.default_role_id`),
				s.Name, s.Class, s.DefaultRole)
			if res.Error != nil {
				return fmt.Errorf("seed specialization %s %s: %w", s.Name, s.Class, res.Error)
			}
			// No row means the class or role name did not match.
			if res.RowsAffected != 1 {
				return fmt.Errorf("seed specialization %s %s: class or role %q not found", s.Name, s.Class, s.DefaultRole)
			}
		}
		return nil
	},
	// Rollback removes the seeded rows; it fails, as it should, while
	// players or characters still refer to them.
	Rollback: func(tx *gorm.DB) error {
		var ranks, roles, classes []string
		for _, r := range models.SeedRanks {
			ranks = append(ranks, r.Name)
		}
		for _, r := range models.SeedRoles {
			roles = append(roles, r.Name)
		}
		for _, c := range models.SeedClasses {
			classes = append(classes, c.Name)
		}
		deletes := []struct {
			what string // the rows, as the refusal names them
			sql  string
			args []string
		}{
			{"specializations", `DELETE FROM {{guild_identity.specializations}} WHERE class_id IN (SELECT id FROM {{guild_identity.classes}} WHERE name IN ?)`, classes},
			{"classes", `DELETE FROM {{guild_identity.classes}} WHERE name IN ?`, classes},
			{"roles", `DELETE FROM {{guild_identity.roles}} WHERE name IN ?`, roles},
			{"guild ranks", `DELETE FROM {{common.guild_ranks}} WHERE name IN ?`, ranks},
		}
		for _, d := range deletes {
			if err := tx.Exec(render(tx, d.sql), d.args).Error; err != nil {
				// Almost always a foreign key: say so in words, not SQL.
				return fmt.Errorf("cannot remove the seeded %s: players, characters or other rows still refer to them "+
					"(delete those rows first, or roll back no further than 0009_reference_data): %w", d.what, err)
			}
		}
		return nil
	},
}
