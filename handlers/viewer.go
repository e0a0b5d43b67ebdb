package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
)

// OfficerLevel is the lowest guild rank level that may use the admin pages.
const OfficerLevel = 4

// Viewer is the logged-in player looking at a page, or nil for a visitor.
type Viewer struct {
	UserID      int
	PlayerID    int
	DisplayName string
	RankName    string
	RankLevel   int
	SessionID   string // the server-side session this request runs in
}

// IsOfficer reports whether the viewer may use the admin pages.
func (v *Viewer) IsOfficer() bool { return v != nil && v.RankLevel >= OfficerLevel }

// IsGuildLeader reports whether the viewer holds the top rank (the rank
// table and the audit log are theirs alone).
func (v *Viewer) IsGuildLeader() bool { return v != nil && v.RankLevel >= identity.GuildLeaderLevel }

const viewerKey = "patt.viewer"

// viewerOf returns the viewer the authentication middleware resolved.
func viewerOf(c fiber.Ctx) *Viewer {
	v, _ := c.Locals(viewerKey).(*Viewer)
	return v
}

// NavItem is a link in a navigation bar.
type NavItem struct {
	Label, Href   string
	Active, Muted bool
}

// publicNav lists the header links a viewer sees (spec: identity §9.2).
func publicNav(v *Viewer, path string) []NavItem {
	items := []NavItem{{Label: "Home", Href: "/"}, {Label: "Roster", Href: "/roster"}}
	if v != nil {
		if v.IsOfficer() {
			items = append(items, NavItem{Label: "Admin", Href: "/admin/campaigns", Muted: true})
		}
		items = append(items, NavItem{Label: "Raids", Href: "/raids"})
		items = append(items, NavItem{Label: "Availability", Href: "/availability"})
		items = append(items, NavItem{Label: "Settings", Href: "/profile"})
	}
	markActive(items, path)
	return items
}

// adminNav lists the admin sidebar links in the spec's order; areas that
// have not landed yet are left out rather than linking to a 404.
func adminNav(v *Viewer, path string) []NavItem {
	items := []NavItem{}
	for _, a := range adminAreas {
		items = append(items, NavItem{Label: a.Label, Href: a.Href})
	}
	if v.IsGuildLeader() {
		items = append(items, NavItem{Label: "Audit log", Href: "/admin/audit"})
	}
	markActive(items, path)
	return items
}

// adminAreas are the admin sidebar links in the spec's order. Each admin
// area adds its link here when it lands.
var adminAreas = []NavItem{
	{Label: "Campaigns", Href: "/admin/campaigns"},
	{Label: "Player Manager", Href: "/admin/players"},
	{Label: "Availability", Href: "/admin/availability"},
	{Label: "Raid Events", Href: "/admin/raid-events"},
	{Label: "Raid-Helper", Href: "/admin/raid-helper"},
	{Label: "Reference Tables", Href: "/admin/reference-tables"},
	{Label: "Addon Uploads", Href: "/admin/addon-uploaders"},
	{Label: "Jobs", Href: "/admin/jobs"},
	{Label: "Bot Settings", Href: "/admin/bot-settings"},
	{Label: "Guild Sync", Href: "/admin/sync"},
	{Label: "Audit Issues", Href: "/admin/issues"},
}

func markActive(items []NavItem, path string) {
	for i := range items {
		h := items[i].Href
		items[i].Active = path == h || (h != "/" && strings.HasPrefix(path, h+"/"))
	}
}

// actorOf is the viewer as the author of a change: the domain rules check
// their rank (read afresh in the change's transaction) against the target.
// Without a viewer it is player 0, whom every rule refuses.
func actorOf(c fiber.Ctx) identity.Actor {
	if v := viewerOf(c); v != nil {
		return identity.By(v.PlayerID)
	}
	return identity.By(0)
}
