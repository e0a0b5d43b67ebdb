package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"patt/bot/settings"
	"patt/models"
)

// RoleChange is what the bot must do to one member so their Discord rank
// role matches their site rank: add the rank's role, remove the other
// rank roles. Roles no rank maps to are never touched.
type RoleChange struct {
	DiscordID string   `json:"discord_id"`
	PlayerID  int      `json:"player_id"`
	Player    string   `json:"player"`
	Rank      string   `json:"rank"`
	Add       []string `json:"add,omitempty"`
	Remove    []string `json:"remove,omitempty"`
}

// The role sync's report types live in settings, which the settings page
// reads without importing discordgo.
type (
	RoleFailure = settings.RoleFailure
	RankRole    = settings.RankRole
	RoleReport  = settings.RoleReport
)

// planRoles lists the role changes the site's ranks call for: every present
// Discord member linked to a player whose rank has a Discord role.
func planRoles(ctx context.Context, db *gorm.DB, onlyPlayer int) ([]RoleChange, error) {
	db = db.WithContext(ctx)
	ix, err := loadRanks(db)
	if err != nil {
		return nil, err
	}
	if len(ix.byRole) == 0 {
		return nil, nil
	}
	managed := make([]string, 0, len(ix.byRole))
	for id := range ix.byRole {
		managed = append(managed, id)
	}
	slices.Sort(managed)
	var rows []struct {
		PlayerID      int
		DisplayName   string
		DiscordID     string
		AllGuildRoles []byte
		RankName      string
		RoleID        string
	}
	p, du, gr := models.Table(db, &models.Player{}), models.Table(db, &models.DiscordUser{}), models.Table(db, &models.GuildRank{})
	q := db.Table(p+" AS p").
		Select("p.id AS player_id, p.display_name, du.discord_id, du.all_guild_roles, gr.name AS rank_name, gr.discord_role_id AS role_id").
		Joins("JOIN "+du+" AS du ON du.id = p.discord_user_id").
		Joins("JOIN "+gr+" AS gr ON gr.id = p.guild_rank_id").
		Where("du.is_present = ? AND gr.discord_role_id IS NOT NULL AND gr.discord_role_id <> ''", true)
	if onlyPlayer != 0 {
		q = q.Where("p.id = ?", onlyPlayer)
	}
	if err := q.Order("p.id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("plan role sync: %w", err)
	}
	var out []RoleChange
	for _, r := range rows {
		var held []string
		_ = json.Unmarshal(r.AllGuildRoles, &held)
		c := RoleChange{DiscordID: r.DiscordID, PlayerID: r.PlayerID, Player: r.DisplayName, Rank: r.RankName}
		if !slices.Contains(held, r.RoleID) {
			c.Add = []string{r.RoleID}
		}
		for _, id := range managed {
			if id != r.RoleID && slices.Contains(held, id) {
				c.Remove = append(c.Remove, id)
			}
		}
		if len(c.Add)+len(c.Remove) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// applyRoleChange updates the stored roles after Discord accepted the
// edits, so the next plan does not repeat them before the gateway's
// member update arrives.
func applyRoleChange(ctx context.Context, db *gorm.DB, c RoleChange, added, removed []string) error {
	var du models.DiscordUser
	db = db.WithContext(ctx)
	if err := db.Where("discord_id = ?", c.DiscordID).Take(&du).Error; err != nil {
		return err
	}
	var held []string
	_ = json.Unmarshal(du.AllGuildRoles, &held)
	for _, id := range added {
		if !slices.Contains(held, id) {
			held = append(held, id)
		}
	}
	held = slices.DeleteFunc(held, func(id string) bool { return slices.Contains(removed, id) })
	ix, err := loadRanks(db)
	if err != nil {
		return err
	}
	return db.Model(&models.DiscordUser{}).Where("id = ?", du.ID).
		Updates(map[string]any{"all_guild_roles": rolesJSON(held), "highest_guild_role": ix.highest(held)}).Error
}
