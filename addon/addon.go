// Package addon carries the PATTSync World of Warcraft addon (the .toc and
// Lua in PATTSync/) so the Go side can test it and hand it out as files.
// The Lua runs only inside WoW, or under the test simulator in wowsim.
package addon

import "embed"

// Files is the addon folder as players install it (Interface/AddOns/PATTSync).
//
//go:embed PATTSync/PATTSync.toc PATTSync/PATTSync.lua
var Files embed.FS

// Name is the addon's folder name, which WoW passes to its Lua as the
// first vararg and uses for the ADDON_LOADED event.
const Name = "PATTSync"

// SavedVariable is the global the addon keeps its exports in.
const SavedVariable = "PATTSyncDB"
