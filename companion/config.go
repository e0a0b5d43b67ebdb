package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything the companion needs. It comes from, in rising
// precedence: the config file, the environment (PATT_SERVER_URL,
// PATT_API_KEY, PATT_WOW_DIR), and flags.
type Config struct {
	Server string   `json:"server"`  // the guild site, e.g. https://pullallthethings.com
	Key    string   `json:"key"`     // an uploader key from the site's Addon Uploads page
	WoWDir string   `json:"wow_dir"` // the World of Warcraft folder (or its _retail_ folder)
	Files  []string `json:"files"`   // explicit PATTSync.lua paths; skip discovery

	Once bool `json:"-"`

	// Directory holds the state, log and (by default) config file.
	Directory string `json:"-"`
	// Timings; tests shorten them.
	Debounce    time.Duration `json:"-"`
	Poll        time.Duration `json:"-"`
	RetryBase   time.Duration `json:"-"`
	RetryMax    time.Duration `json:"-"`
	OnceRetries int           `json:"-"`
	HTTPTimeout time.Duration `json:"-"`
}

func defaults() Config {
	return Config{
		Debounce:    3 * time.Second,
		Poll:        30 * time.Second,
		RetryBase:   5 * time.Second,
		RetryMax:    10 * time.Minute,
		OnceRetries: 3,
		HTTPTimeout: 30 * time.Second,
	}
}

// defaultDirectory is the user's config folder: %AppData%\patt-companion
// on Windows, ~/Library/Application Support/patt-companion on macOS,
// ~/.config/patt-companion elsewhere. Never the working directory.
func defaultDirectory() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "patt-companion")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".patt-companion")
	}
	return filepath.Join(os.TempDir(), "patt-companion")
}

// errUsage marks a configuration problem (exit code 2).
var errUsage = errors.New("configuration")

// loadConfig parses flags, then fills in from the environment and the
// config file.
func loadConfig(args []string, getenv func(string) string) (Config, error) {
	cfg := defaults()
	fl := flag.NewFlagSet("patt-companion", flag.ContinueOnError)
	var (
		server  = fl.String("server", "", "the guild site's address, e.g. https://pullallthethings.com (env PATT_SERVER_URL)")
		key     = fl.String("key", "", "your uploader key from the site's Addon Uploads page (env PATT_API_KEY)")
		wowDir  = fl.String("wow-dir", "", "the World of Warcraft folder; found automatically in the usual places (env PATT_WOW_DIR)")
		file    = fl.String("file", "", "upload this PATTSync.lua file instead of searching for them")
		dir     = fl.String("dir", "", "folder for the config, state and log files (default: your user config folder)")
		cfgFile = fl.String("config", "", "config file (default: config.json in -dir)")
		once    = fl.Bool("once", false, "upload what is new and exit (for a scheduled task)")
		save    = fl.Bool("save", false, "write -server, -key and -wow-dir to the config file and exit")
	)
	if err := fl.Parse(args); err != nil {
		return cfg, fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg.Directory = first(*dir, defaultDirectory())
	path := first(*cfgFile, filepath.Join(cfg.Directory, "config.json"))
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &cfg); err != nil {
			return cfg, fmt.Errorf("%w: config file %s is not valid JSON: %v", errUsage, path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) || *cfgFile != "" {
		return cfg, fmt.Errorf("%w: read config file: %v", errUsage, err)
	}
	cfg.Server = first(*server, getenv("PATT_SERVER_URL"), cfg.Server)
	cfg.Key = first(*key, getenv("PATT_API_KEY"), cfg.Key)
	cfg.WoWDir = first(*wowDir, getenv("PATT_WOW_DIR"), cfg.WoWDir)
	if *file != "" {
		cfg.Files = []string{*file}
	}
	cfg.Once = *once
	if *save {
		if err := saveConfig(path, cfg); err != nil {
			return cfg, err
		}
		return cfg, errSaved{path}
	}
	return cfg, cfg.validate()
}

type errSaved struct{ path string }

func (e errSaved) Error() string { return "settings saved to " + e.path }

func saveConfig(path string, cfg Config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(cfg, "", "  ")
	// The key is a secret: readable by this user only.
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

func (c *Config) validate() error {
	if c.Server == "" {
		return fmt.Errorf("%w: no server: pass -server https://your-guild-site (or set PATT_SERVER_URL)", errUsage)
	}
	u, err := url.Parse(strings.TrimRight(c.Server, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%w: server %q is not an http(s) address", errUsage, c.Server)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%w: server %q must use https (the key would travel in clear text); plain http is allowed only for localhost", errUsage, c.Server)
	}
	c.Server = strings.TrimRight(u.String(), "/")
	if strings.TrimSpace(c.Key) == "" {
		return fmt.Errorf("%w: no key: create one on the site's Addon Uploads page and pass -key (or set PATT_API_KEY)", errUsage)
	}
	c.Key = strings.TrimSpace(c.Key)
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func first(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
