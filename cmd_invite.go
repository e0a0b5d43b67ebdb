package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/auth"
	"patt/config"
	"patt/migrations"
	"patt/models"
)

// firstPlayerName is the player the first invite of a fresh install is for.
const firstPlayerName = "Guild Leader"

// inviteCommand is `patt invite --player "Name" [--rank "Guild Leader"]`:
// it creates the player when there is none of that name yet, issues a new
// invite code for them (revoking any earlier open one) and prints the code,
// the registration link and when it expires.
func inviteCommand(cfg *config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	player := fs.String("player", "", "display name of the player to invite (created if missing)")
	rank := fs.String("rank", "", "guild rank by name for a new player, or to set on an existing one (default Initiate for new players)")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("invite: %v\n%s", err, inviteUsage)}
	}
	name := strings.TrimSpace(*player)
	if name == "" || fs.NArg() > 0 {
		return usageError{inviteUsage}
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer closeDB(db)
	if err := migrations.Migrate(db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	now := time.Now().UTC()
	p, err := ensureInvitedPlayer(db, name, strings.TrimSpace(*rank), now)
	if err != nil {
		return err
	}
	inv, err := auth.CreateInvite(db, p.ID, nil, now, auth.DefaultInviteTTL)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Invite code for %s: %s\n", p.DisplayName, inv.Code)
	fmt.Fprintf(stdout, "Registration link: %s\n", registerURL(cfg, inv.Code))
	fmt.Fprintf(stdout, "Expires: %s\n", inv.ExpiresAt.UTC().Format(time.RFC3339))
	return nil
}

const inviteUsage = `usage: patt invite --player "Name" [--rank "Guild Leader"]`

func registerURL(cfg *config.Config, code string) string {
	return cfg.BaseURL + "/register?code=" + code
}

// ensureInvitedPlayer finds the player by display name (ignoring case) or
// creates them with the named rank (Initiate when none is named). An
// operator naming a rank on the command line overrides any derived rank,
// hence the "admin_override" source. A player who already has an account
// needs no invite.
func ensureInvitedPlayer(db *gorm.DB, name, rankName string, now time.Time) (*models.Player, error) {
	var rank *models.GuildRank
	if rankName != "" {
		var r models.GuildRank
		err := db.Where("lower(name) = ?", strings.ToLower(rankName)).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, usageError{fmt.Sprintf("invite: no guild rank named %q", rankName)}
		}
		if err != nil {
			return nil, err
		}
		rank = &r
	}
	source := "admin_override"
	var p models.Player
	err := db.Where("lower(display_name) = ?", strings.ToLower(name)).Order("id").Take(&p).Error
	switch {
	case err == nil:
		if p.WebsiteUserID != nil {
			return nil, fmt.Errorf("player %q is already registered; they can log in", p.DisplayName)
		}
		if rank != nil && (p.GuildRankID == nil || *p.GuildRankID != rank.ID) {
			err := db.Model(&p).Updates(map[string]any{"guild_rank_id": rank.ID, "guild_rank_source": source, "updated_at": now}).Error
			if err != nil {
				return nil, fmt.Errorf("set rank of %q: %w", p.DisplayName, err)
			}
		}
		return &p, nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, err
	}
	if rank == nil {
		var r models.GuildRank
		if err := db.Where("level = ?", 1).Take(&r).Error; err != nil {
			return nil, fmt.Errorf("no Initiate rank (level 1) found — run the migrations first: %w", err)
		}
		rank = &r
	}
	p = models.Player{
		DisplayName: name, GuildRankID: &rank.ID, GuildRankSource: &source,
		IsActive: true, Timezone: "America/New_York", CreatedAt: now, UpdatedAt: now,
	}
	if err := db.Create(&p).Error; err != nil {
		return nil, fmt.Errorf("create player %q: %w", name, err)
	}
	return &p, nil
}

// offerFirstInvite makes a fresh install usable: while no website account
// exists, it makes sure the "Guild Leader" player has an open invite (the
// one already open, else a new one) and logs the registration link once.
func offerFirstInvite(db *gorm.DB, cfg *config.Config, log *slog.Logger, now time.Time) error {
	var accounts int64
	if err := db.Model(&models.User{}).Count(&accounts).Error; err != nil {
		return fmt.Errorf("count accounts: %w", err)
	}
	if accounts > 0 {
		return nil
	}
	var top models.GuildRank
	if err := db.Order("level DESC").Take(&top).Error; err != nil {
		return fmt.Errorf("find the Guild Leader rank: %w", err)
	}
	gl := top.Name
	if err := db.Where("name = ?", firstPlayerName).Take(&models.GuildRank{}).Error; err == nil {
		gl = firstPlayerName
	}
	p, err := ensureInvitedPlayer(db, firstPlayerName, gl, now)
	if err != nil {
		return err
	}
	inv, err := auth.OpenInvite(db, p.ID, now)
	if err != nil {
		return err
	}
	if inv == nil {
		if inv, err = auth.CreateInvite(db, p.ID, nil, now, auth.DefaultInviteTTL); err != nil {
			return err
		}
	}
	expires := "never"
	if inv.ExpiresAt != nil {
		expires = inv.ExpiresAt.UTC().Format(time.RFC3339)
	}
	log.Info("no accounts yet: register the Guild Leader at "+registerURL(cfg, inv.Code),
		"url", registerURL(cfg, inv.Code), "expires", expires)
	return nil
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
