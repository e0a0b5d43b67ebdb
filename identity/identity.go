// Package identity owns who is who: players, their WoW characters and guild
// ranks, and the rules derived from them (main role, roster eligibility,
// armory links, officers, recruiting needs).
package identity

import (
	"strings"

	"patt/models"
)

// OfficerLevel is the lowest rank level that counts as an officer.
const OfficerLevel = 4

// ArmoryURL links a character's page on the official armory. The realm may
// be a display name ("Area 52", "Sen'jin") or already a slug.
func ArmoryURL(characterName, realm string) string {
	slug := strings.ToLower(strings.TrimSpace(realm))
	slug = strings.ReplaceAll(slug, "'", "")
	slug = strings.ReplaceAll(slug, " ", "-")
	return "https://worldofwarcraft.blizzard.com/en-us/character/us/" + slug + "/" + strings.ToLower(strings.TrimSpace(characterName))
}

// fallbackClassColor is used for a character without a known class.
const fallbackClassColor = "#d4a84b"

func classColor(c *models.Class) string {
	if c != nil && c.ColorHex != nil && *c.ColorHex != "" {
		return *c.ColorHex
	}
	return fallbackClassColor
}

// mainSpec is the spec a player plays on their main: the one they chose,
// else the main character's active spec.
func mainSpec(p *models.Player) *models.Specialization {
	if p.MainSpec != nil {
		return p.MainSpec
	}
	if p.MainCharacter != nil {
		return p.MainCharacter.ActiveSpec
	}
	return nil
}
