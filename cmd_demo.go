package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"patt/config"
	"patt/demo"
	"patt/migrations"
)

// demoCommand runs `patt demo [--force] [--seed N]`: migrate, then fill the
// database with the demo guild. It refuses a database that has players
// unless --force.
func demoCommand(cfg *config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	force := fs.Bool("force", false, "add the demo guild even if the database has players")
	seed := fs.Uint64("seed", 1, "which demo guild (same seed, same guild)")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("demo: %v\nusage: patt demo [--force] [--seed N]", err)}
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	if err := migrations.Migrate(db); err != nil {
		return err
	}
	if !cfg.FakeNow.IsZero() {
		fmt.Fprintf(stdout, "FAKE CLOCK: PATT_FAKE_NOW is set; the demo guild is built as of %s (start the site with the same PATT_FAKE_NOW)\n",
			cfg.FakeNow.Format(time.RFC3339))
	}
	res, err := demo.Seed(db, demo.Options{
		Force: *force, Seed: *seed, GuildZone: cfg.GuildTimezone, Now: cfg.Clock(),
		GuildRealm: cfg.Guild.Realm, GuildRealmSlug: cfg.Guild.RealmSlug,
	})
	if errors.Is(err, demo.ErrNotEmpty) {
		return err
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stdout, "demo guild ready: %d players, %d characters, %d Mito quotes, %d titles, %d raid nights\n",
		res.Players, res.Characters, res.Quotes, res.Titles, res.RaidNights)
	fmt.Fprintf(stdout, "start the site with `patt` and open %s\n", cfg.BaseURL)
	return nil
}
