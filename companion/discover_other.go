//go:build !windows

package main

// registryInstallDirs: only Windows has the launcher's registry entry.
func registryInstallDirs() []string { return nil }
