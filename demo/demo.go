// Package demo fills an empty database with a believable guild — players,
// characters over every class and spec, ranks, mains and alts, Discord
// links, Mito's collection, raid nights and a season — for trying the
// platform and for load tests. Everything is derived from a seeded
// math/rand, so the same seed gives the same guild.
//
// The guild is built by steps in order, in one transaction. demo imports
// the domain packages and seeds through their rules (voting.go: campaigns
// through voting.Create/CastBallot/Close); no domain package imports demo.
// A new area adds a file here and one line to steps.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// ErrNotEmpty is returned when the database already has players and Force
// is not set: the demo never mixes into a real guild by accident.
var ErrNotEmpty = errors.New("the database already has players; run `patt demo --force` to add the demo guild anyway")

// Options tune a demo run.
type Options struct {
	// Force adds the demo guild even when players exist.
	Force bool
	// Seed picks the guild; the same seed gives the same guild. 0 = 1.
	Seed uint64
	// Now is the clock (season start, sync times). nil = time.Now.
	Now func() time.Time
	// GuildZone is the guild's clock for raid nights; nil = America/New_York.
	GuildZone *time.Location
	// GuildRealm is the home realm ("Sen'jin") and its slug ("senjin").
	GuildRealm, GuildRealmSlug string
	// Extra steps run after the built-in ones, in the same transaction
	// (tests use it to look at the guild as built).
	Extra []Step
}

// Guild is what the steps built so far; later steps read it.
type Guild struct {
	Players    []models.Player
	Characters []models.Character
	// Officers are the players of Officer rank or above.
	Officers []models.Player
	// Ranks by level (1 = Initiate … 5 = Guild Leader).
	Ranks map[int]models.GuildRank
	// Specs in seed order, with Class and DefaultRole loaded.
	Specs     []models.Specialization
	Now       time.Time
	Zone      *time.Location
	Realm     string
	RealmSlug string
}

// Step is one part of the demo guild.
type Step struct {
	Name string
	Run  func(tx *gorm.DB, g *Guild, r *rand.Rand) error
}

// Result counts what a run created.
type Result struct {
	Players, Characters, Quotes, Titles, RaidNights int
	Steps                                           []string
}

// steps build the guild in this order; later ones read what earlier ones
// made (voters need players).
var steps = []Step{
	{Name: "players and characters", Run: seedPlayers},
	{Name: "discord users", Run: seedDiscordUsers},
	{Name: "mito's corner", Run: seedMito},
	{Name: "raid nights and season", Run: seedSchedule},
	{Name: "voting campaigns", Run: seedCampaigns},
}

// Seed builds the demo guild in one transaction: all of it or nothing.
func Seed(db *gorm.DB, opt Options) (Result, error) {
	var res Result
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Now().UTC() }
	}
	if opt.GuildZone == nil {
		opt.GuildZone, _ = time.LoadLocation("America/New_York")
	}
	if opt.GuildRealm == "" {
		opt.GuildRealm, opt.GuildRealmSlug = "Sen'jin", "senjin"
	}
	var players int64
	if err := db.Model(&models.Player{}).Count(&players).Error; err != nil {
		return res, fmt.Errorf("count players: %w", err)
	}
	if players > 0 && !opt.Force {
		return res, ErrNotEmpty
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	err := db.Transaction(func(tx *gorm.DB) error {
		g := &Guild{Now: opt.Now().UTC(), Zone: opt.GuildZone, Realm: opt.GuildRealm, RealmSlug: opt.GuildRealmSlug,
			Ranks: map[int]models.GuildRank{}}
		if err := loadReference(tx, g); err != nil {
			return err
		}
		for _, s := range append(steps[:len(steps):len(steps)], opt.Extra...) {
			if err := s.Run(tx, g, r); err != nil {
				return fmt.Errorf("demo %s: %w", s.Name, err)
			}
			res.Steps = append(res.Steps, s.Name)
		}
		res.Players, res.Characters = len(g.Players), len(g.Characters)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	var n int64
	db.Model(&models.MitoQuote{}).Count(&n)
	res.Quotes = int(n)
	db.Model(&models.MitoTitle{}).Count(&n)
	res.Titles = int(n)
	db.Model(&models.RecurringEvent{}).Where("is_active = ?", true).Count(&n)
	res.RaidNights = int(n)
	return res, nil
}

func loadReference(tx *gorm.DB, g *Guild) error {
	var ranks []models.GuildRank
	if err := tx.Find(&ranks).Error; err != nil {
		return fmt.Errorf("load ranks: %w", err)
	}
	for _, rk := range ranks {
		g.Ranks[rk.Level] = rk
	}
	for lvl := 1; lvl <= 5; lvl++ {
		if _, ok := g.Ranks[lvl]; !ok {
			return fmt.Errorf("rank level %d is missing: run `patt migrate` first", lvl)
		}
	}
	var specs []models.Specialization
	if err := tx.Preload("Class").Preload("DefaultRole").Order("id").Find(&specs).Error; err != nil {
		return fmt.Errorf("load specializations: %w", err)
	}
	if len(specs) == 0 {
		return errors.New("no specializations: run `patt migrate` first")
	}
	g.Specs = specs
	return nil
}
