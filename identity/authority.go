package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// The guild's hierarchy (issue 10, item 2). Rank levels run from
// MinRankLevel to MaxRankLevel, one rank per level; the top level is the
// Guild Leader. The rules every officer change goes through:
//   - nobody grants a rank at or above their own level;
//   - nobody edits a player at or above their own level (themselves
//     included: an officer's own rank is not theirs to change);
//   - only the Guild Leader edits the rank table;
//   - the last active Guild Leader cannot be removed or demoted, by anyone
//     or anything (a sync, a rank renumbering);
//   - every such change is written to the audit log of officer actions.
const (
	MinRankLevel     = 1
	MaxRankLevel     = 5
	GuildLeaderLevel = MaxRankLevel
)

// Actor is who makes a change: a logged-in player (By) or the system
// (System: migrations, the CLI, syncs), which the hierarchy does not bind.
type Actor struct {
	PlayerID int
	system   bool
}

// By is a change made by the player with that id.
func By(playerID int) Actor { return Actor{PlayerID: playerID} }

// System is a change the platform makes on its own.
var System = Actor{system: true}

// Refusals of the hierarchy, worded for the officer who tried.
var (
	ErrNotGuildLeader     = fault.Forbidden("Only the Guild Leader can change the rank table.")
	ErrLastGuildLeader    = fault.Conflict("The last Guild Leader cannot be removed or demoted.")
	ErrActorInactive      = fault.Forbidden("Your account is inactive.")
	errActorUnknown       = fault.Forbidden("Only a player with a rank can make this change.")
	errGrantAtOrAboveSelf = "You cannot give a rank at or above your own (%s)."
	errEditAtOrAboveSelf  = "You cannot change %s: their rank is at or above your own."
)

// level is the actor's rank level read inside the transaction (never from
// the session, which may be a moment old). An inactive actor has none.
func (a Actor) level(tx *gorm.DB) (int, string, error) {
	if a.system {
		return MaxRankLevel + 1, "", nil
	}
	var p models.Player
	err := tx.Preload("Rank").Take(&p, a.PlayerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, "", errActorUnknown
	}
	if err != nil {
		return 0, "", fmt.Errorf("load acting player %d: %w", a.PlayerID, err)
	}
	if !p.IsActive {
		return 0, "", ErrActorInactive
	}
	if p.Rank == nil {
		return 0, "", nil
	}
	return p.Rank.Level, p.Rank.Name, nil
}

// mayGrant refuses a rank at or above the actor's own level.
func (a Actor) mayGrant(tx *gorm.DB, rank *models.GuildRank) error {
	if rank == nil {
		return nil
	}
	lvl, name, err := a.level(tx)
	if err != nil {
		return err
	}
	if rank.Level >= lvl {
		return fault.Forbidden(fmt.Sprintf(errGrantAtOrAboveSelf, name))
	}
	return nil
}

// mayEdit refuses a player whose rank is at or above the actor's own.
func (a Actor) mayEdit(tx *gorm.DB, p *models.Player) error {
	lvl, _, err := a.level(tx)
	if err != nil {
		return err
	}
	if playerLevel(tx, p) >= lvl {
		return fault.Forbidden(fmt.Sprintf(errEditAtOrAboveSelf, p.DisplayName))
	}
	return nil
}

// mayEditRanks lets only the Guild Leader (or the system) change the rank
// table: a rank's level decides who passes every officer check.
func (a Actor) mayEditRanks(tx *gorm.DB) error {
	lvl, _, err := a.level(tx)
	if err != nil {
		return err
	}
	if lvl < GuildLeaderLevel {
		return ErrNotGuildLeader
	}
	return nil
}

func playerLevel(tx *gorm.DB, p *models.Player) int {
	if p.Rank != nil && p.GuildRankID != nil && p.Rank.ID == *p.GuildRankID {
		return p.Rank.Level
	}
	if p.GuildRankID == nil {
		return 0
	}
	var r models.GuildRank
	if err := tx.Select("id", "level").Take(&r, *p.GuildRankID).Error; err != nil {
		return 0
	}
	return r.Level
}

// activeGuildLeaders counts active players holding the top rank level.
func activeGuildLeaders(tx *gorm.DB) (int64, error) {
	var n int64
	gr := models.Table(tx, &models.GuildRank{})
	err := tx.Model(&models.Player{}).
		Where("is_active = ? AND guild_rank_id IN (SELECT id FROM "+gr+" WHERE level = ?)", true, GuildLeaderLevel).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count guild leaders: %w", err)
	}
	return n, nil
}

// keepGuildLeader runs change and refuses it when it took away the last
// active Guild Leader (there was at least one before, none after).
func keepGuildLeader(tx *gorm.DB, change func() error) error {
	before, err := activeGuildLeaders(tx)
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	if before == 0 {
		return nil
	}
	after, err := activeGuildLeaders(tx)
	if err != nil {
		return err
	}
	if after == 0 {
		return ErrLastGuildLeader
	}
	return nil
}

// Audit actions, as stored in officer_actions.action.
const (
	AuditPlayerCreate = "player.create"
	AuditPlayerUpdate = "player.update"
	AuditPlayerDelete = "player.delete"
	AuditRankOverride = "player.rank_derive"
	AuditRankCreate   = "rank.create"
	AuditRankUpdate   = "rank.update"
	AuditRankDelete   = "rank.delete"
	AuditInvite       = "player.invite"
)

// audit writes one officer action in the caller's transaction, so the log
// and the change commit or roll back together.
func audit(tx *gorm.DB, a Actor, action, targetType string, targetID int, target string, before, after any) error {
	row := models.OfficerAction{
		Action: action, TargetType: targetType, TargetID: targetID, TargetName: target,
		BeforeJSON: auditJSON(before), AfterJSON: auditJSON(after), CreatedAt: time.Now().UTC(),
	}
	if !a.system {
		id := a.PlayerID
		row.ActorPlayerID = &id
	}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("audit %s of %s %d: %w", action, targetType, targetID, err)
	}
	return nil
}

func auditJSON(v any) *string {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	s := string(b)
	return &s
}

// playerAudit is the part of a player the audit log records.
type playerAudit struct {
	DisplayName string  `json:"display_name"`
	Rank        *string `json:"rank"`
	RankLevel   int     `json:"rank_level"`
	RankSource  *string `json:"rank_source"`
	IsActive    bool    `json:"is_active"`
	Notes       *string `json:"notes,omitempty"`
}

func playerSnapshot(tx *gorm.DB, p *models.Player) playerAudit {
	out := playerAudit{DisplayName: p.DisplayName, RankSource: p.GuildRankSource, IsActive: p.IsActive, Notes: p.Notes}
	if p.GuildRankID != nil {
		var r models.GuildRank
		if tx.Select("id", "name", "level").Take(&r, *p.GuildRankID).Error == nil {
			out.Rank, out.RankLevel = &r.Name, r.Level
		}
	}
	return out
}

// OfficerActionView is one line of the audit page.
type OfficerActionView struct {
	models.OfficerAction
	ActorName string
}

// OfficerActions lists the newest officer actions first (at most limit),
// with the acting player's name ("system" for the platform itself). Only
// the Guild Leader reads them.
func OfficerActions(db *gorm.DB, by Actor, limit int) ([]OfficerActionView, error) {
	if err := by.mayEditRanks(db); err != nil {
		return nil, fault.Forbidden("Only the Guild Leader can read the audit log.")
	}
	var rows []models.OfficerAction
	if err := db.Order("created_at DESC").Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list officer actions: %w", err)
	}
	names := map[int]string{}
	var ids []int
	for _, r := range rows {
		if r.ActorPlayerID != nil {
			ids = append(ids, *r.ActorPlayerID)
		}
	}
	if len(ids) > 0 {
		var ps []models.Player
		if err := db.Select("id", "display_name").Where("id IN ?", ids).Find(&ps).Error; err != nil {
			return nil, fmt.Errorf("names of officers: %w", err)
		}
		for _, p := range ps {
			names[p.ID] = p.DisplayName
		}
	}
	out := make([]OfficerActionView, len(rows))
	for i, r := range rows {
		out[i] = OfficerActionView{OfficerAction: r, ActorName: "system"}
		if r.ActorPlayerID != nil {
			out[i].ActorName = names[*r.ActorPlayerID]
		}
	}
	return out, nil
}
