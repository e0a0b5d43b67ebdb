package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"patt/app/jobs"
	"patt/config"
	"patt/migrations"
	guildsync "patt/sync"
)

const syncUsage = `usage: patt sync [roster|identity|integrity|all]
  roster, all   the Blizzard pipeline: roster and profiles, then matching, integrity check and report
  identity      the identity engine, then the integrity check
  integrity     the integrity check and report`

const identityUsage = `usage: patt identity match [--dry-run] [--json]`

// syncCommand runs one guild-sync job once, through the job runner (so it
// never overlaps the same job on a running site), and prints its summary.
func syncCommand(cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	what := "all"
	if len(args) > 0 {
		what = args[0]
	}
	job := map[string]string{"roster": guildsync.JobBlizzard, "all": guildsync.JobBlizzard,
		"identity": guildsync.JobIdentity, "integrity": guildsync.JobIntegrity}[what]
	if job == "" || len(args) > 1 {
		return usageError{syncUsage}
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer closeDB(db)
	if err := migrations.Migrate(db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	clock := func() time.Time { return time.Now().UTC() }
	svc := guildsync.New(cfg, db, log, clock)
	runner := jobs.New(db, log, clock)
	if err := runner.Add(svc.Jobs()...); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	run, err := runner.RunAndWait(ctx, job)
	fmt.Fprintf(stdout, "%s: %s\n", job, run.Status)
	if run.Summary != nil {
		fmt.Fprintln(stdout, *run.Summary)
	}
	return err
}

// identityCommand is `patt identity match [--dry-run] [--json]`.
func identityCommand(cfg *config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "match" {
		return usageError{identityUsage}
	}
	fs := flag.NewFlagSet("identity match", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dry := fs.Bool("dry-run", false, "show what would be linked; change nothing")
	asJSON := fs.Bool("json", false, "print the links and suggestions as JSON")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return usageError{identityUsage}
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer closeDB(db)
	if err := migrations.Migrate(db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	res, err := guildsync.MatchIdentities(context.Background(), db, time.Now().UTC(), *dry)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	for _, p := range res.Links {
		fmt.Fprintf(stdout, "link        %-14s %-16s → %s (%.2f, %s)\n", p.CharacterName, p.RealmSlug, target(p), p.Confidence, p.Source)
	}
	for _, p := range res.Suggestions {
		fmt.Fprintf(stdout, "suggestion  %-14s %-16s → %s (%.2f, %s)\n", p.CharacterName, p.RealmSlug, target(p), p.Confidence, p.Source)
	}
	if *dry {
		fmt.Fprintf(stdout, "dry run: %d links and %d suggestions; nothing changed\n", len(res.Links), len(res.Suggestions))
		return nil
	}
	fmt.Fprintln(stdout, res.String())
	return nil
}

func target(p guildsync.Proposal) string {
	s := p.DiscordName
	if s == "" && p.PlayerID != nil {
		s = fmt.Sprintf("player #%d", *p.PlayerID)
	}
	if p.PlayerID == nil {
		s += " (new player)"
	}
	return s
}
