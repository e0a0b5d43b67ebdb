package handlers

import (
	"strings"

	"patt/identity"
	"patt/models"
)

// What the Player Manager templates ask of cards, chips and rows.

// rankBadgeClass is the badge style of a rank name ("Guild Leader" →
// badge--rank-guild-leader); unknown ranks get the plain badge.
func rankBadgeClass(name string) string {
	for _, r := range models.SeedRanks {
		if strings.EqualFold(r.Name, name) {
			return "badge--rank-" + strings.ReplaceAll(strings.ToLower(r.Name), " ", "-")
		}
	}
	return ""
}

// roleIcon is the emoji of a combat role by its CSS key; a dot when unknown.
func roleIcon(key string) string {
	for _, r := range models.SeedRoles {
		if identity.RoleKey(r.Name) == key && key != "" {
			return r.Emoji
		}
	}
	return "·"
}

func (c pmCard) RankBadge() string { return rankBadgeClass(c.P.RankName) }

// MainRoleKey is the role of the player's main character, for the icon.
func (c pmCard) MainRoleKey() string {
	for _, ch := range c.P.Characters {
		if ch.MainAlt == identity.CharMain {
			return ch.RoleKey
		}
	}
	return ""
}

func (c pmCard) MainRoleIcon() string { return roleIcon(c.MainRoleKey()) }

// InviteExpiry is when the open invite stops working, in UTC.
func (c pmCard) InviteExpiry() string {
	if c.P.Invite == nil || c.P.Invite.ExpiresAt == nil {
		return "—"
	}
	return c.P.Invite.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
}

func (c pmChip) RoleIcon() string { return roleIcon(c.C.RoleKey) }

func (r pmDiscordRow) RankBadge() string { return rankBadgeClass(r.U.RankName) }
