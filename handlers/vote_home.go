package handlers

import (
	"fmt"
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
	var cs []models.Campaign
	if err := db.Where("status IN ?", []string{voting.StatusLive, voting.StatusClosed}).
		Preload("Entries").Order("start_at DESC, id DESC").Find(&cs).Error; err != nil {
		return nil, nil, fmt.Errorf("landing campaigns: %w", err)
	}
	type closedCard struct {
		card voteCard
		end  time.Time
	}
	var closed []closedCard
	for i := range cs {
		c := &cs[i]
		if voting.VisibilityFor(c, rankLevel, false) != voting.Visible {
			continue
		}
		card := voteCard{ID: c.ID, Title: c.Title, EntryCount: len(c.Entries)}
		if c.Description != nil {
			card.Summary = truncate(*c.Description, 140)
		}
		end := voting.EndAt(c)
		if c.Status == voting.StatusLive {
			card.EndsAtISO = end.UTC().Format("2006-01-02T15:04:05Z")
			card.EndsIn = humanDuration(voting.EndsIn(c, now))
			active = append(active, card)
			continue
		}
		// an early close ends before end_at: UpdatedAt is the close time
		if c.UpdatedAt.Before(end) {
			end = c.UpdatedAt
		}
		closed = append(closed, closedCard{card, end})
	}
	for len(closed) > 0 && len(recent) < 3 {
		best := 0
		for i := range closed {
			if closed[i].end.After(closed[best].end) {
				best = i
			}
		}
		recent = append(recent, closed[best].card)
		closed = append(closed[:best], closed[best+1:]...)
	}
	return active, recent, nil
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}

// withVoteNav adds "Vote" to the header for a logged-in viewer when a live
// campaign they may see exists (spec §6: the first such campaign).
func (s *Server) withVoteNav(db *gorm.DB, v *Viewer, items []NavItem, path string) []NavItem {
	if v == nil {
		return items
	}
	var ids []int
	q := db.Model(&models.Campaign{}).Where("status = ?", voting.StatusLive)
	if !v.IsOfficer() {
		q = q.Where("min_rank_to_view IS NULL OR min_rank_to_view <= ?", v.RankLevel)
	}
	if err := q.Order("start_at, id").Limit(1).Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
		return items
	}
	href := fmt.Sprintf("/vote/%d", ids[0])
	out := make([]NavItem, 0, len(items)+1)
	for i, it := range items {
		out = append(out, it)
		if i == 0 { // after Home
			out = append(out, NavItem{Label: "Vote", Href: href, Active: path == href})
		}
	}
	return out
}
