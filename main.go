// Command patt is the PATT Guild Platform: the web site, its background jobs
// and its administration commands in one binary.
//
//	patt [serve]              start the site (the default)
//	patt migrate [up]         apply pending database migrations
//	patt migrate status       list migrations and whether each is applied
//	patt migrate down         roll back the most recent migration
//	patt invite --player NAME [--rank RANK]
//	                          create an invite code (and the player if new)
//	patt demo [--force]       fill an empty database with a demo guild
//	patt sync [roster|identity|integrity|all]
//	                          run one guild-sync job once, print its summary
//	patt identity match [--dry-run] [--json]
//	                          link characters to players
//	patt version              print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the binary carries the zone database

	"gorm.io/gorm"

	"patt/app"
	"patt/config"
	"patt/migrations"
	"patt/models"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "patt:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "patt", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usageText)
		return nil
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)

	switch cmd {
	case "serve":
		return serve(cfg, log)
	case "migrate":
		return migrate(cfg, args, stdout)
	case "invite":
		return inviteCommand(cfg, args, stdout)
	case "demo":
		return demoCommand(cfg, args, stdout)
	case "sync":
		return syncCommand(cfg, log, args, stdout)
	case "identity":
		return identityCommand(cfg, args, stdout)
	default:
		return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usageText)}
	}
}

const usageText = `usage: patt [command]
  serve             start the site (default)
  migrate [up]      apply pending migrations
  migrate status    list migrations
  migrate down      roll back the most recent migration
  invite --player NAME [--rank RANK]
                    create an invite code for a player (created if new)
  demo [--force]    fill an empty database with a demo guild
  sync [roster|identity|integrity|all]
                    run one guild-sync job once and print its summary
  identity match [--dry-run] [--json]
                    link characters to players (the identity engine)
  version           print the version
`

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

func openDB(cfg *config.Config) (*gorm.DB, error) {
	db, err := models.Open(cfg.DatabaseURL, nil)
	if err != nil {
		return nil, err
	}
	return db, nil
}

func migrate(cfg *config.Config, args []string, stdout io.Writer) error {
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	sub := "up"
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "up":
		if err := migrations.Migrate(db); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "database is up to date")
	case "status":
		steps, err := migrations.Status(db)
		if err != nil {
			return err
		}
		for _, st := range steps {
			mark := "pending"
			switch {
			case st.Unknown:
				// Applied by a newer build: down and up refuse until that
				// build rolls it back.
				mark = "unknown"
			case st.Applied:
				mark = "applied"
			}
			fmt.Fprintf(stdout, "%-8s %s\n", mark, st.ID)
		}
	case "down":
		if err := migrations.Down(db); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "rolled back the most recent migration")
	default:
		return usageError{fmt.Sprintf("unknown migrate command %q (want up, status or down)", sub)}
	}
	return nil
}

// serve runs the site until SIGINT or SIGTERM; app/ owns the start-up and
// the orderly shutdown.
func serve(cfg *config.Config, log *slog.Logger) error {
	a, err := app.New(cfg, log, version)
	if err != nil {
		return err
	}
	if err := offerFirstInvite(a.DB, cfg, log, a.Clock()); err != nil {
		a.Shutdown()
		return fmt.Errorf("first invite: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return a.Run(ctx)
}
