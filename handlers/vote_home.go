package handlers

import (
	"strings"
	"time"

	"patt/models"
	"patt/voting"

	"gorm.io/gorm"
)

// homeVoteCards fills the landing page's "Active Votes" (every live
// campaign the viewer may see) and "Recent Results" (the three latest
// closed ones, newest close first, §12.15). Officers see the same: drafts
// never reach the landing page.
func homeVoteCards(s *Server, db *gorm.DB, rankLevel int, now time.Time) (active, recent []voteCard, err error) {
	landing, err := voting.LandingCampaigns(db, rankLevel)
	if err != nil {
		return nil, nil, err
	}
	for i := range landing.Live {
		c := &landing.Live[i]
		card := landingCard(c)
		card.EndsAtISO = voting.EndAt(c).UTC().Format("2006-01-02T15:04:05Z")
		card.EndsIn = humanDuration(voting.EndsIn(c, now))
		active = append(active, card)
	}
	for i := range landing.Recent {
		recent = append(recent, landingCard(&landing.Recent[i]))
	}
	return active, recent, nil
}

func landingCard(c *models.Campaign) voteCard {
	card := voteCard{ID: c.ID, Title: c.Title, EntryCount: len(c.Entries)}
	if c.Description != nil {
		card.Summary = truncate(*c.Description, 140)
	}
	return card
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}

// withVoteNav adds "Vote" to the header for a logged-in viewer, pointing
// at /vote, which lists every vote they may see (issue 11 item 8: one link
// cannot pick among several live campaigns). No query: the header is
// drawn on error pages too, when the database may be what failed.
func (s *Server) withVoteNav(db *gorm.DB, v *Viewer, items []NavItem, path string) []NavItem {
	if v == nil {
		return items
	}
	out := make([]NavItem, 0, len(items)+1)
	for i, it := range items {
		out = append(out, it)
		if i == 0 { // after Home
			out = append(out, NavItem{Label: "Vote", Href: "/vote", Active: path == "/vote" || strings.HasPrefix(path, "/vote/")})
		}
	}
	return out
}
