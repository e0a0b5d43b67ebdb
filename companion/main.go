// Command patt-companion runs on the PC where World of Warcraft is played.
// It finds the PATTSync addon's SavedVariables file (PATTSync.lua, one per
// WoW account), watches it, and uploads each new roster export to the
// guild site with the uploader key an officer created there.
//
//	patt-companion -server https://pullallthethings.com -key pattk_… [-wow-dir …] [-once]
//
// Build: go build ./companion (one static binary; GOOS=windows/darwin/linux).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stderr))
}

// run is main without the process: exit code 0 ok, 1 an upload failed
// (in -once mode) or the watcher stopped, 2 a configuration problem.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	cfg, err := loadConfig(args, getenv)
	var saved errSaved
	if errors.As(err, &saved) {
		fmt.Fprintln(stderr, saved.Error())
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "patt-companion:", err)
		return 2
	}
	log, closeLog, err := openLog(cfg.Directory, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "patt-companion: cannot open the log file:", err)
		return 2
	}
	defer closeLog()
	c, err := newCompanion(cfg, log)
	if err != nil {
		log.Error("cannot read the state file", "err", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("patt-companion starting", "version", version, "server", cfg.Server, "once", cfg.Once)
	if cfg.Once {
		if !c.runOnce(ctx) {
			return 1
		}
		return 0
	}
	if err := c.watch(ctx); err != nil {
		log.Error("watcher stopped", "err", err)
		return 1
	}
	return 0
}

// openLog writes one line per event to stderr and to companion.log in the
// companion's folder (the user's config folder, never the working
// directory).
func openLog(dir string, stderr io.Writer) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "companion.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(stderr, f), nil))
	return log, func() { f.Close() }, nil
}
