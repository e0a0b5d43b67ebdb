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

// pmFocusButton is the ◎ of a card, row or chip: it focuses the board on
// its entity or, when the board already is, clears the focus.
type pmFocusButton struct {
	Focus  identity.Focus
	Name   string
	Active bool
}

// Href is the page the button leads to without JavaScript (and the address
// htmx pushes).
func (b pmFocusButton) Href() string {
	if b.Active {
		return "/admin/players"
	}
	return "/admin/players?focus=" + b.Focus.String()
}

// BoardURL is the board fragment htmx swaps in.
func (b pmFocusButton) BoardURL() string {
	if b.Active {
		return "/admin/players/board"
	}
	return "/admin/players/board?focus=" + b.Focus.String()
}

func (c pmCard) FocusButton() pmFocusButton {
	return pmFocusButton{Focus: identity.Focus{Kind: identity.FocusPlayer, ID: c.P.ID}, Name: c.P.DisplayName, Active: c.Focused}
}

func (c pmChip) FocusButton() pmFocusButton {
	return pmFocusButton{Focus: identity.Focus{Kind: identity.FocusCharacter, ID: c.C.ID}, Name: c.C.Name, Active: c.Focused}
}

func (r pmDiscordRow) FocusButton() pmFocusButton {
	return pmFocusButton{Focus: identity.Focus{Kind: identity.FocusDiscord, ID: r.U.ID}, Name: r.U.DisplayName, Active: r.Focused}
}
