//go:build windows

package main

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// registryInstallDirs reads where the Battle.net launcher installed WoW:
// InstallPath points at the _retail_ folder (or the game folder).
func registryInstallDirs() []string {
	var out []string
	for _, key := range []string{
		`SOFTWARE\WOW6432Node\Blizzard Entertainment\World of Warcraft`,
		`SOFTWARE\Blizzard Entertainment\World of Warcraft`,
	} {
		k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registry.QUERY_VALUE)
		if err != nil {
			continue
		}
		p, _, err := k.GetStringValue("InstallPath")
		k.Close()
		if err != nil || p == "" {
			continue
		}
		p = filepath.Clean(strings.TrimRight(p, `\/`))
		out = append(out, p)
		if strings.EqualFold(filepath.Base(p), "_retail_") {
			out = append(out, filepath.Dir(p))
		}
	}
	return out
}
