package identity

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Where a player's guild rank came from (players.guild_rank_source).
// Officers' choices (admin_override, manual) are never overwritten by a
// sync; the other two are recomputed by DeriveRank.
const (
	RankSourceCharacter = "wow_character"
	RankSourceDiscord   = "discord_sync"
	RankSourceOverride  = "admin_override"
	RankSourceManual    = "manual"
)

const maxPlayerName = 100

// ErrNoRanks is returned when a player is created without a rank and there
// is no rank to default to.
var ErrNoRanks = fault.Conflict("No ranks configured: no Initiate rank (level 1) found — run seed first")

// NewPlayer is a player an officer adds by hand.
type NewPlayer struct {
	DisplayName string
	// RankID is the rank to give; nil means the lowest rank (Initiate).
	RankID *int
	// Source is recorded as guild_rank_source: RankSourceManual from the
	// Player Manager, RankSourceOverride from the API.
	Source string
}

// CreatePlayer adds an active player without accounts or characters. The
// rank given must be below the actor's own.
func CreatePlayer(db *gorm.DB, by Actor, in NewPlayer) (models.Player, error) {
	p := models.Player{DisplayName: NormalizeDisplayName(in.DisplayName), IsActive: true}
	source := in.Source
	if source == "" {
		source = RankSourceManual
	}
	p.GuildRankSource = &source
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := checkDisplayName(tx, p.DisplayName, 0); err != nil {
			return err
		}
		var rank models.GuildRank
		var err error
		if in.RankID != nil {
			if rank, err = RankByID(tx, *in.RankID); err != nil {
				if fault.Is(err, fault.KindNotFound) {
					return invalid("guild_rank_id", "Rank %d not found", *in.RankID)
				}
				return err
			}
		} else if rank, err = lowestRank(tx); err != nil {
			return err
		}
		if err := by.mayGrant(tx, &rank); err != nil {
			return err
		}
		p.GuildRankID = &rank.ID
		if err := tx.Omit("Characters").Create(&p).Error; err != nil {
			return fmt.Errorf("create player %q: %w", p.DisplayName, err)
		}
		return audit(tx, by, AuditPlayerCreate, "player", p.ID, p.DisplayName, nil, playerSnapshot(tx, &p))
	})
	return p, err
}

// lowestRank is the rank new players get: level 1 (Initiate), or the
// lowest level there is.
func lowestRank(tx *gorm.DB) (models.GuildRank, error) {
	var r models.GuildRank
	err := tx.Order("level").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNoRanks
	}
	if err != nil {
		return r, fmt.Errorf("find lowest rank: %w", err)
	}
	return r, nil
}

// PlayerByID returns the player with rank, Discord user and characters, or
// a KindNotFound fault.
func PlayerByID(db *gorm.DB, id int) (models.Player, error) {
	var p models.Player
	err := db.Preload("Rank").Preload("DiscordUser").Preload("Characters.Character").Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, notFound("Player %d not found", id)
	}
	if err != nil {
		return p, fmt.Errorf("load player %d: %w", id, err)
	}
	return p, nil
}

// Players lists every player by display name, with rank and Discord user.
func Players(db *gorm.DB) ([]models.Player, error) {
	var ps []models.Player
	if err := db.Preload("Rank").Preload("DiscordUser").Order("display_name").Order("id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list players: %w", err)
	}
	return ps, nil
}

// PlayerByUserID returns the player of a website account, or nil.
func PlayerByUserID(db *gorm.DB, userID int) (*models.Player, error) {
	return onePlayer(db.Preload("Rank").Where("website_user_id = ?", userID))
}

// PlayerByDiscordID returns the player linked to a Discord snowflake, or nil.
func PlayerByDiscordID(db *gorm.DB, snowflake string) (*models.Player, error) {
	du := models.Table(db, &models.DiscordUser{})
	return onePlayer(db.Preload("Rank").
		Where("discord_user_id IN (SELECT id FROM "+du+" WHERE discord_id = ?)", snowflake))
}

func onePlayer(q *gorm.DB) (*models.Player, error) {
	var p models.Player
	err := q.Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load player: %w", err)
	}
	return &p, nil
}

// PlayersByMinRank lists players whose rank level is at least min, by name.
func PlayersByMinRank(db *gorm.DB, min int) ([]models.Player, error) {
	var ps []models.Player
	err := db.Joins("Rank").Where(`"Rank".level >= ?`, min).Order("display_name").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("list players of rank %d+: %w", min, err)
	}
	return ps, nil
}

// EligibleVoters lists players of rank level min or higher who have a
// website account (only they can log in to vote).
func EligibleVoters(db *gorm.DB, min int) ([]models.Player, error) {
	var ps []models.Player
	err := db.Joins("Rank").Where(`"Rank".level >= ? AND website_user_id IS NOT NULL`, min).
		Order("display_name").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("list eligible voters of rank %d+: %w", min, err)
	}
	return ps, nil
}

// The officers' player actions. Each is one function with its rules and
// one transaction, and every surface calls it: the Player Manager's htmx
// forms, its PATCH JSON endpoints and /api/v1/admin/members/:id (whose
// multi-field PATCH is UpdatePlayer: the same actions in one transaction).
// Each takes the Actor: the hierarchy (authority.go) decides who may, and
// every change is written to the audit log.

// RenamePlayer changes a player's display name (trimmed, 1–100 characters).
func RenamePlayer(db *gorm.DB, by Actor, id int, name string) (models.Player, error) {
	return changePlayer(db, by, id, func(tx *gorm.DB, pl *models.Player) ([]string, error) {
		pl.DisplayName = NormalizeDisplayName(name)
		if err := checkDisplayName(tx, pl.DisplayName, pl.ID); err != nil {
			return nil, err
		}
		return []string{"display_name"}, nil
	})
}

// RankChange is an officer's change of a player's rank: the rank (nil
// clears it) and where it came from. A rank set without a source is
// recorded as an officer's override, so no sync undoes it.
type RankChange struct {
	RankID Change[*int]
	Source Change[*string]
}

// SetPlayerRank applies a RankChange; an unknown rank is refused as input
// (422), not as a missing player, and a rank at or above the actor's own
// is refused (403).
func SetPlayerRank(db *gorm.DB, by Actor, id int, ch RankChange) (models.Player, error) {
	return changePlayer(db, by, id, func(tx *gorm.DB, pl *models.Player) ([]string, error) {
		var cols []string
		if ch.RankID.Set {
			if r := ch.RankID.Value; r != nil {
				rank, err := RankByID(tx, *r)
				if err != nil {
					if fault.Is(err, fault.KindNotFound) {
						return nil, invalid("guild_rank_id", "Rank %d not found", *r)
					}
					return nil, err
				}
				if err := by.mayGrant(tx, &rank); err != nil {
					return nil, err
				}
			}
			pl.GuildRankID = ch.RankID.Value
			cols = append(cols, "guild_rank_id")
			if !ch.Source.Set {
				src := RankSourceOverride
				pl.GuildRankSource = &src
				cols = append(cols, "guild_rank_source")
			}
		}
		if ch.Source.Set {
			if s := ch.Source.Value; s != nil && !validRankSource(*s) {
				return nil, invalid("guild_rank_source", "guild_rank_source must be one of wow_character, discord_sync, admin_override, manual.")
			}
			pl.GuildRankSource = ch.Source.Value
			cols = append(cols, "guild_rank_source")
		}
		return cols, nil
	})
}

// SetRankOverride gives a player a rank by an officer's decision; syncs
// leave it alone until the override is cleared.
func SetRankOverride(db *gorm.DB, by Actor, playerID, rankID int) (models.Player, error) {
	src := RankSourceOverride
	return SetPlayerRank(db, by, playerID, RankChange{RankID: To(&rankID), Source: To(&src)})
}

// SetPlayerNotes replaces the officers' notes on a player (blank clears).
func SetPlayerNotes(db *gorm.DB, by Actor, id int, notes *string) (models.Player, error) {
	return changePlayer(db, by, id, func(tx *gorm.DB, pl *models.Player) ([]string, error) {
		pl.Notes = trimmedOrNil(notes)
		return []string{"notes"}, nil
	})
}

// SetPlayerActive activates or deactivates a player; the website account
// follows (setAccountActive): deactivation closes the login and ends the
// player's sessions at once.
func SetPlayerActive(db *gorm.DB, by Actor, id int, active bool) (models.Player, error) {
	return changePlayer(db, by, id, func(tx *gorm.DB, pl *models.Player) ([]string, error) {
		changed := pl.IsActive != active
		pl.IsActive = active
		if changed {
			if err := setAccountActive(tx, pl.WebsiteUserID, active); err != nil {
				return nil, err
			}
		}
		return []string{"is_active"}, nil
	})
}

// changePlayer runs one player action in a transaction: load the player
// (NotFound when missing), check the actor outranks them, let change apply
// its rules, write the columns it names, refuse if that took away the last
// Guild Leader, and write the audit line.
func changePlayer(db *gorm.DB, by Actor, id int, change func(tx *gorm.DB, pl *models.Player) ([]string, error)) (models.Player, error) {
	var pl models.Player
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if pl, err = loadPlayer(tx, id); err != nil {
			return err
		}
		if err := by.mayEdit(tx, &pl); err != nil {
			return err
		}
		before := playerSnapshot(tx, &pl)
		err = keepGuildLeader(tx, func() error {
			cols, err := change(tx, &pl)
			if err != nil {
				return err
			}
			if err := tx.Model(&pl).Select(append(cols, "updated_at")).Updates(&pl).Error; err != nil {
				return fmt.Errorf("update player %d: %w", id, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return audit(tx, by, AuditPlayerUpdate, "player", pl.ID, pl.DisplayName, before, playerSnapshot(tx, &pl))
	})
	return pl, err
}

// PlayerPatch changes some of a player's officer-editable fields.
type PlayerPatch struct {
	DisplayName     Change[string]
	GuildRankID     Change[*int]
	GuildRankSource Change[*string]
	IsActive        Change[bool]
	Notes           Change[*string]
}

// UpdatePlayer applies a patch in one transaction by running the actions
// it names, in order: rename, rank, notes, active. The first refusal undoes
// the lot. The actor must outrank the player and may give only a rank below
// their own; the last Guild Leader stays one.
func UpdatePlayer(db *gorm.DB, by Actor, id int, p PlayerPatch) (models.Player, error) {
	var pl models.Player
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if pl, err = loadPlayer(tx, id); err != nil {
			return err
		}
		if p.DisplayName.Set {
			if pl, err = RenamePlayer(tx, by, id, p.DisplayName.Value); err != nil {
				return err
			}
		}
		if p.GuildRankID.Set || p.GuildRankSource.Set {
			if pl, err = SetPlayerRank(tx, by, id, RankChange{RankID: p.GuildRankID, Source: p.GuildRankSource}); err != nil {
				return err
			}
		}
		if p.Notes.Set {
			if pl, err = SetPlayerNotes(tx, by, id, p.Notes.Value); err != nil {
				return err
			}
		}
		if p.IsActive.Set {
			if pl, err = SetPlayerActive(tx, by, id, p.IsActive.Value); err != nil {
				return err
			}
		}
		return nil
	})
	return pl, err
}

// setAccountActive keeps the player's website account in step with the
// player: deactivating closes the login (users.is_active) and ends every
// open session (their tokens carry the old version); reactivating opens
// the login again, old sessions stay ended.
func setAccountActive(tx *gorm.DB, userID *int, active bool) error {
	if userID == nil {
		return nil
	}
	set := map[string]any{"is_active": active}
	if !active {
		set["token_version"] = gorm.Expr("token_version + 1")
	}
	if err := tx.Model(&models.User{}).Where("id = ?", *userID).Updates(set).Error; err != nil {
		return fmt.Errorf("set account %d active=%v: %w", *userID, active, err)
	}
	if !active {
		err := tx.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", *userID).
			Update("revoked_at", time.Now().UTC()).Error
		if err != nil {
			return fmt.Errorf("end sessions of account %d: %w", *userID, err)
		}
	}
	return nil
}

// DeletePlayer removes a player and their character links (the characters
// stay, unlinked). Unused invite codes go with the player. A player that
// anything else still points at — votes, availability, attendance, a
// website account… — is not deleted: the KindConflict fault names those
// dependents, and deactivating is the way to retire such a player.
func DeletePlayer(db *gorm.DB, by Actor, id int) (models.Player, error) {
	var pl models.Player
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if pl, err = loadPlayer(tx, id); err != nil {
			return err
		}
		if err := by.mayEdit(tx, &pl); err != nil {
			return err
		}
		if err := audit(tx, by, AuditPlayerDelete, "player", pl.ID, pl.DisplayName, playerSnapshot(tx, &pl), nil); err != nil {
			return err
		}
		deps, err := playerDependents(tx, &pl)
		if err != nil {
			return err
		}
		if len(deps) > 0 {
			return dependentsConflict("Player "+pl.DisplayName, deps)
		}
		if err := tx.Where("player_id = ? AND used_at IS NULL", id).Delete(&models.InviteCode{}).Error; err != nil {
			return fmt.Errorf("delete invites of player %d: %w", id, err)
		}
		err = keepGuildLeader(tx, func() error { return tx.Delete(&models.Player{}, id).Error })
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return conflict("Player %s is still referenced elsewhere and cannot be deleted; deactivate them instead.", pl.DisplayName)
		}
		if err != nil {
			return fmt.Errorf("delete player %d: %w", id, err)
		}
		return nil
	})
	return pl, err
}

func playerDependents(tx *gorm.DB, pl *models.Player) ([]string, error) {
	var deps []string
	if pl.WebsiteUserID != nil {
		deps = append(deps, "a website account")
	}
	checks := []struct {
		model     any
		where     string
		one, many string
	}{
		{&models.Vote{}, "player_id = ?", "vote", "votes"},
		{&models.AvailabilityWindow{}, "player_id = ?", "availability day", "availability days"},
		{&models.RaidAttendance{}, "player_id = ?", "attendance record", "attendance records"},
		{&models.CampaignEntry{}, "player_id = ?", "campaign entry", "campaign entries"},
		{&models.Campaign{}, "created_by_player_id = ?", "created campaign", "created campaigns"},
		{&models.RaidEvent{}, "created_by_player_id = ?", "created raid event", "created raid events"},
		{&models.InviteCode{}, "player_id = ? AND used_at IS NOT NULL", "used invite code", "used invite codes"},
		{&models.InviteCode{}, "created_by_player_id = ?", "issued invite code", "issued invite codes"},
		{&models.OnboardingSession{}, "verified_player_id = ?", "onboarding session", "onboarding sessions"},
	}
	for _, c := range checks {
		var n int64
		if err := tx.Model(c.model).Where(c.where, pl.ID).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("count dependents of player %d: %w", pl.ID, err)
		}
		if n > 0 {
			deps = append(deps, plural(int(n), c.one, c.many))
		}
	}
	return deps, nil
}

// ClearRankOverride drops an officer's override and derives the rank again
// from characters and Discord roles (keeping the current rank when neither
// says anything).
func ClearRankOverride(db *gorm.DB, by Actor, playerID int) (RankDerivation, error) {
	var d RankDerivation
	err := db.Transaction(func(tx *gorm.DB) error {
		pl, err := loadPlayer(tx, playerID)
		if err != nil {
			return err
		}
		if err := by.mayEdit(tx, &pl); err != nil {
			return err
		}
		before := playerSnapshot(tx, &pl)
		if err := tx.Model(&models.Player{}).Where("id = ?", playerID).
			Update("guild_rank_source", nil).Error; err != nil {
			return fmt.Errorf("clear rank override of player %d: %w", playerID, err)
		}
		err = keepGuildLeader(tx, func() error {
			var err error
			d, err = DeriveRank(tx, playerID)
			return err
		})
		if err != nil {
			return err
		}
		// The derived rank is given by this officer's action, so it too
		// must be below their own.
		if d.Changed && d.ToRankID != nil {
			r, err := RankByID(tx, *d.ToRankID)
			if err != nil {
				return err
			}
			if err := by.mayGrant(tx, &r); err != nil {
				return err
			}
		}
		if pl, err = loadPlayer(tx, playerID); err != nil {
			return err
		}
		return audit(tx, by, AuditRankOverride, "player", pl.ID, pl.DisplayName, before, playerSnapshot(tx, &pl))
	})
	return d, err
}

// LinkDiscord links the Discord member with that snowflake to the player;
// an empty snowflake unlinks. An unknown snowflake is a KindNotFound fault, a
// member already linked to another player a KindConflict fault. It returns the
// player as now linked and the Discord user linked before (nil for none),
// so a page can redraw both.
func LinkDiscord(db *gorm.DB, by Actor, playerID int, snowflake string) (models.Player, *int, error) {
	var pl models.Player
	var before *int
	snowflake = strings.TrimSpace(snowflake)
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if pl, err = loadPlayer(tx, playerID); err != nil {
			return err
		}
		// A Discord member's roles can decide the rank (discord_sync).
		if err := by.mayEdit(tx, &pl); err != nil {
			return err
		}
		before = pl.DiscordUserID
		if snowflake == "" {
			pl.DiscordUserID = nil
		} else {
			var du models.DiscordUser
			err := tx.Where("discord_id = ?", snowflake).Take(&du).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return notFound("Discord user %s not found", snowflake)
			}
			if err != nil {
				return fmt.Errorf("load discord user %s: %w", snowflake, err)
			}
			var other models.Player
			err = tx.Where("discord_user_id = ? AND id <> ?", du.ID, playerID).Take(&other).Error
			if err == nil {
				return conflict("Discord user @%s is already linked to %s", du.Username, other.DisplayName)
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("check discord link: %w", err)
			}
			pl.DiscordUserID = &du.ID
		}
		err = tx.Model(&pl).Select("discord_user_id", "updated_at").Updates(&pl).Error
		if isDuplicate(err) {
			return conflict("That Discord user is already linked to another player")
		}
		if err != nil {
			return fmt.Errorf("link discord of player %d: %w", playerID, err)
		}
		return nil
	})
	return pl, before, err
}

func loadPlayer(tx *gorm.DB, id int) (models.Player, error) {
	var p models.Player
	err := tx.Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, notFound("Player %d not found", id)
	}
	if err != nil {
		return p, fmt.Errorf("load player %d: %w", id, err)
	}
	return p, nil
}

func validRankSource(s string) bool {
	switch s {
	case RankSourceCharacter, RankSourceDiscord, RankSourceOverride, RankSourceManual:
		return true
	}
	return false
}

// PlayerNames lists every player's id and display name by name, for the
// pickers of officers' forms.
func PlayerNames(db *gorm.DB) ([]models.Player, error) {
	var ps []models.Player
	if err := db.Select("id", "display_name").Order("display_name").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list player names: %w", err)
	}
	return ps, nil
}

// PlayerTimezone is the player's own time zone (players.timezone, possibly
// empty), or a KindNotFound fault.
func PlayerTimezone(db *gorm.DB, playerID int) (string, error) {
	var p models.Player
	err := db.Select("id", "timezone").Take(&p, playerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", notFound("Player %d not found", playerID)
	}
	if err != nil {
		return "", fmt.Errorf("time zone of player %d: %w", playerID, err)
	}
	return p.Timezone, nil
}

// ErrPlayerInactive refuses an action taken for a deactivated player.
var ErrPlayerInactive = fault.Forbidden("Player is inactive.")

// RequireActive refuses when the player has been deactivated. Every action
// a player takes for themselves checks it inside its own transaction, so a
// deactivation stops them even between the request's session check and the
// write, and for callers that are not the web (the bot).
func RequireActive(tx *gorm.DB, playerID int) error {
	var p models.Player
	err := tx.Select("id", "is_active").Take(&p, playerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound("Player %d not found", playerID)
	}
	if err != nil {
		return fmt.Errorf("load player %d: %w", playerID, err)
	}
	if !p.IsActive {
		return ErrPlayerInactive
	}
	return nil
}
