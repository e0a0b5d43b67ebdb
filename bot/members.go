package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/identity"
	"patt/models"
)

// Member is a guild member as the bot saw it (from the gateway or REST),
// free of discordgo types so the database side stays plain.
type Member struct {
	ID         string
	Username   string
	GlobalName string
	Nick       string
	Roles      []string // role ids
	JoinedAt   time.Time
	Bot        bool
}

// DisplayName is what the guild sees: the server nickname, else the
// user's global display name, else the username.
func (m Member) DisplayName() string {
	switch {
	case m.Nick != "":
		return m.Nick
	case m.GlobalName != "":
		return m.GlobalName
	}
	return m.Username
}

// rankIndex maps role ids to ranks (common.guild_ranks.discord_role_id),
// the only mapping between Discord roles and guild ranks.
type rankIndex struct {
	byRole map[string]models.GuildRank
	ranks  []models.GuildRank
}

func loadRanks(db *gorm.DB) (rankIndex, error) {
	ranks, err := identity.Ranks(db)
	if err != nil {
		return rankIndex{}, err
	}
	ix := rankIndex{byRole: map[string]models.GuildRank{}, ranks: ranks}
	for _, r := range ranks {
		if r.DiscordRoleID != nil && *r.DiscordRoleID != "" {
			ix.byRole[*r.DiscordRoleID] = r
		}
	}
	return ix, nil
}

// highest is the name of the highest-level rank whose role the member
// holds, or nil.
func (ix rankIndex) highest(roles []string) *string {
	var best *models.GuildRank
	for _, id := range roles {
		if r, ok := ix.byRole[id]; ok && (best == nil || r.Level > best.Level) {
			best = &r
		}
	}
	if best == nil {
		return nil
	}
	return &best.Name
}

func rolesJSON(roles []string) []byte {
	if roles == nil {
		roles = []string{}
	}
	b, _ := json.Marshal(roles)
	return b
}

// memberFields is what a sync writes for a present member. all_guild_roles
// holds every role id the member has (identity.DeriveRank matches them
// against discord_role_id); highest_guild_role the rank name they map to.
// joined_server_at is Discord's joined_at, the start of the current stay:
// a member who left and came back gets the new date, and first_seen keeps
// the first.
func memberFields(m Member, ix rankIndex, now time.Time) map[string]any {
	f := map[string]any{
		"username": m.Username, "display_name": m.DisplayName(),
		"highest_guild_role": ix.highest(m.Roles), "all_guild_roles": rolesJSON(m.Roles),
		"last_sync": now, "is_present": true, "removed_at": nil,
	}
	if !m.JoinedAt.IsZero() {
		f["joined_server_at"] = m.JoinedAt.UTC()
	}
	return f
}

// upsertMember writes one present member and reports whether the row is new.
func upsertMember(tx *gorm.DB, m Member, ix rankIndex, now time.Time) (created bool, err error) {
	var du models.DiscordUser
	if err := tx.Where("discord_id = ?", m.ID).Limit(1).Find(&du).Error; err != nil {
		return false, err
	}
	f := memberFields(m, ix, now)
	if du.ID != 0 {
		return false, tx.Model(&models.DiscordUser{}).Where("id = ?", du.ID).Updates(f).Error
	}
	du = models.DiscordUser{DiscordID: m.ID, Username: m.Username, IsPresent: true, FirstSeen: now}
	if err := tx.Create(&du).Error; err != nil {
		return false, err
	}
	return true, tx.Model(&models.DiscordUser{}).Where("id = ?", du.ID).Updates(f).Error
}

// pullRank runs identity.DeriveRank for the player linked to a Discord
// user, so the member's Discord roles feed the site rank (an officer's
// override is kept by DeriveRank itself). It returns the derivation.
func pullRank(db *gorm.DB, discordID string) (*identity.RankDerivation, error) {
	var p models.Player
	du := models.Table(db, &models.DiscordUser{})
	if err := db.Where("discord_user_id IN (SELECT id FROM "+du+" WHERE discord_id = ?)", discordID).
		Limit(1).Find(&p).Error; err != nil || p.ID == 0 {
		return nil, err
	}
	d, err := identity.DeriveRank(db, p.ID)
	return &d, err
}

// MemberSeen records a member from a gateway event (join, update, chunk)
// and pulls the linked player's rank. It never writes to Discord.
func MemberSeen(ctx context.Context, db *gorm.DB, now time.Time, m Member) error {
	if m.Bot {
		return nil
	}
	db = db.WithContext(ctx)
	ix, err := loadRanks(db)
	if err != nil {
		return err
	}
	if err := db.Transaction(func(tx *gorm.DB) error {
		_, err := upsertMember(tx, m, ix, now)
		return err
	}); err != nil {
		return fmt.Errorf("record discord member %s: %w", m.ID, err)
	}
	_, err = pullRank(db, m.ID)
	return err
}

// MemberLeft marks a member as gone; the row, the player and any session
// stay.
func MemberLeft(ctx context.Context, db *gorm.DB, now time.Time, discordID string) error {
	return db.WithContext(ctx).Model(&models.DiscordUser{}).Where("discord_id = ? AND is_present = ?", discordID, true).
		Updates(map[string]any{"is_present": false, "removed_at": now}).Error
}

// SyncStats is what a full member sync did.
type SyncStats struct {
	Found    int `json:"found"`
	Updated  int `json:"updated"`
	New      int `json:"new"`
	Departed int `json:"departed"`
}

// ErrEmptyGuild refuses to treat an empty member list as "everyone left".
var ErrEmptyGuild = errors.New("the guild member list came back empty; nobody was marked as departed")

// FullSync makes discord_users match the complete member list, in one
// transaction: present members are updated or inserted, rows of members
// not in the list are marked departed. An empty list (a failed or partial
// fetch looks like one) changes nothing. The run is logged in sync_log
// with source discord_bot.
func FullSync(ctx context.Context, db *gorm.DB, now time.Time, members []Member) (SyncStats, error) {
	var st SyncStats
	db = db.WithContext(ctx)
	humans := members[:0:0]
	for _, m := range members {
		if !m.Bot {
			humans = append(humans, m)
		}
	}
	if len(humans) == 0 {
		return st, ErrEmptyGuild
	}
	ix, err := loadRanks(db)
	if err != nil {
		return st, err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		seen := make([]string, 0, len(humans))
		for _, m := range humans {
			st.Found++
			created, err := upsertMember(tx, m, ix, now)
			if err != nil {
				return fmt.Errorf("member %s: %w", m.ID, err)
			}
			if created {
				st.New++
			} else {
				st.Updated++
			}
			seen = append(seen, m.ID)
		}
		res := tx.Model(&models.DiscordUser{}).Where("is_present = ? AND discord_id NOT IN ?", true, seen).
			Updates(map[string]any{"is_present": false, "removed_at": now})
		if res.Error != nil {
			return res.Error
		}
		st.Departed = int(res.RowsAffected)
		found, upd, nw, gone := st.Found, st.Updated, st.New, st.Departed
		done := now
		return tx.Create(&models.SyncLog{Source: "discord_bot", Status: "success", CharactersFound: &found,
			CharactersUpdated: &upd, CharactersNew: &nw, CharactersRemoved: &gone, StartedAt: now, CompletedAt: &done}).Error
	})
	if err != nil {
		return SyncStats{}, fmt.Errorf("discord member sync: %w", err)
	}
	for _, m := range humans {
		if _, err := pullRank(db, m.ID); err != nil {
			return st, err
		}
	}
	jobs.Report(ctx, "members: %d found, %d updated, %d new, %d departed", st.Found, st.Updated, st.New, st.Departed)
	return st, nil
}
