package main

import (
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// fileName is the SavedVariables file of the PATTSync addon.
const fileName = "PATTSync.lua"

// installDirs are the usual World of Warcraft folders on each system.
func installDirs() []string {
	home, _ := os.UserHomeDir()
	switch runtime.GOOS {
	case "windows":
		out := registryInstallDirs()
		for _, drive := range []string{"C:", "D:", "E:"} {
			out = append(out,
				drive+`\Program Files (x86)\World of Warcraft`,
				drive+`\Program Files\World of Warcraft`,
				drive+`\World of Warcraft`,
				drive+`\Games\World of Warcraft`)
		}
		return out
	case "darwin":
		return []string{"/Applications/World of Warcraft", filepath.Join(home, "Applications", "World of Warcraft")}
	default: // Linux: Wine, Lutris, Steam/Proton prefixes
		return []string{
			filepath.Join(home, ".wine", "drive_c", "Program Files (x86)", "World of Warcraft"),
			filepath.Join(home, "Games", "world-of-warcraft", "drive_c", "Program Files (x86)", "World of Warcraft"),
			filepath.Join(home, "Games", "battlenet", "drive_c", "Program Files (x86)", "World of Warcraft"),
		}
	}
}

// savedVariablesDirs returns each account's SavedVariables folder under a
// WoW folder (given as the install folder or its _retail_ folder).
func savedVariablesDirs(wowDir string) []string {
	var roots []string
	if strings.EqualFold(filepath.Base(wowDir), "_retail_") {
		roots = []string{wowDir}
	} else {
		roots = []string{filepath.Join(wowDir, "_retail_"), wowDir}
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range roots {
		matches, _ := filepath.Glob(filepath.Join(r, "WTF", "Account", "*", "SavedVariables"))
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.IsDir() && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}

// targets lists the folders to watch: the explicit files' folders, or every
// account's SavedVariables folder under the configured or a default WoW
// folder. Several accounts are all watched.
func targets(cfg Config) []string {
	if len(cfg.Files) > 0 {
		var out []string
		for _, f := range cfg.Files {
			out = append(out, filepath.Dir(f))
		}
		return out
	}
	if cfg.WoWDir != "" {
		return savedVariablesDirs(cfg.WoWDir)
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range installDirs() {
		for _, sv := range savedVariablesDirs(d) {
			if key := strings.ToLower(filepath.Clean(sv)); !seen[key] {
				seen[key] = true
				out = append(out, sv)
			}
		}
	}
	return out
}

// isTarget reports whether path is a file the companion uploads.
func isTarget(cfg Config, path string) bool {
	if len(cfg.Files) > 0 {
		for _, f := range cfg.Files {
			if filepath.Clean(f) == filepath.Clean(path) {
				return true
			}
		}
		return false
	}
	return strings.EqualFold(filepath.Base(path), fileName)
}
