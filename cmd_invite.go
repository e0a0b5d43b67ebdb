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
	p, inv, err := issueInvite(db, name, strings.TrimSpace(*rank), time.Now().UTC())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Invite code for %s: %s\n", p.DisplayName, inv.Code)
	fmt.Fprintf(stdout, "Registration link: %s\n", registerURL(cfg, inv.Code))
	fmt.Fprintf(stdout, "Expires: %s\n", inv.ExpiresAt.UTC().Format(time.RFC3339))
	return nil
}

// issueInvite is the invite command's work on an open database. Naming a
// player of the top rank retires the stand-in leader a fresh install
// offered: the real leader is now known, and an unclaimed stand-in must
// not stay counted or claimable.
func issueInvite(db *gorm.DB, name, rankName string, now time.Time) (*models.Player, *models.InviteCode, error) {
	var p *models.Player
	var inv *models.InviteCode
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if p, err = ensureInvitedPlayer(tx, name, rankName, now); err != nil {
			return err
		}
		var top models.GuildRank
		if err := tx.Order("level DESC").Take(&top).Error; err != nil {
			return fmt.Errorf("find the top rank: %w", err)
		}
		if p.GuildRankID != nil && *p.GuildRankID == top.ID && (p.GuildRankSource == nil || *p.GuildRankSource != auth.PlaceholderSource) {
			if err := auth.RetirePlaceholders(tx, now); err != nil {
				return err
			}
		}
		inv, err = auth.CreateInvite(tx, p.ID, nil, now, auth.DefaultInviteTTL)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, inv, nil
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
			p.GuildRankID, p.GuildRankSource = &rank.ID, &source
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
// exists it logs the registration link of the first leader (the player the
// operator invited with the top rank, else an inactive stand-in that takes
// its registrant's name); see auth.OfferFirstInvite.
func offerFirstInvite(db *gorm.DB, cfg *config.Config, log *slog.Logger, now time.Time) error {
	fi, err := auth.OfferFirstInvite(db, now)
	if err != nil || fi == nil {
		return err
	}
	inv := fi.Invite
	expires := "never"
	if inv.ExpiresAt != nil {
		expires = inv.ExpiresAt.UTC().Format(time.RFC3339)
	}
	log.Info("no accounts yet: register the Guild Leader at "+registerURL(cfg, inv.Code),
		"url", registerURL(cfg, inv.Code), "expires", expires, "player", fi.Player.DisplayName)
	return nil
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
