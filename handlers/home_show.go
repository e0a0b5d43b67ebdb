package handlers

import (
	"github.com/gofiber/fiber/v3"

	"patt/config"
	"patt/identity"
	"patt/mito"
	"patt/models"
	"patt/schedule"
)

// homePage is the landing page's content (spec identity §7.1).
type homePage struct {
	Values        []config.GuildValue
	ActiveVotes   []voteCard
	RecentResults []voteCard
	Recruiting    []identity.RoleNeed
	Schedule      []schedule.RaidNight
	Officers      []officerCard
	Quote         string
	MitoTitle     string
}

type voteCard struct {
	ID         int
	Title      string
	Summary    string
	EntryCount int
	EndsAtISO  string
	EndsIn     string
}

type officerCard struct {
	identity.Officer
	Emoji     string
	RankLabel string
}

// homeShow renders GET /. Each section loads on its own: a failing query is
// logged and its section shows its empty state, the page still renders.
func (s *Server) homeShow(c fiber.Ctx) error {
	now := s.Now()
	home := &homePage{Values: s.Config.Guild.Values}

	if counts, err := identity.RoleCounts(s.DB); err != nil {
		s.Log.Error("landing: recruiting", "err", err)
	} else {
		home.Recruiting = identity.RecruitingNeeds(counts)
	}

	showZone := s.Config.GuildTimezone
	if nights, err := schedule.PublicRaidNights(s.DB, s.Config.GuildTimezone, showZone, now); err != nil {
		s.Log.Error("landing: schedule", "err", err)
	} else {
		home.Schedule = nights
	}

	if officers, err := identity.Officers(s.DB); err != nil {
		s.Log.Error("landing: officers", "err", err)
	} else {
		for _, o := range officers {
			card := officerCard{Officer: o, Emoji: models.ClassEmoji(o.ClassName), RankLabel: o.RankName}
			if o.IsGuildLeader() {
				card.Emoji, card.RankLabel = "👑", "Guild Leader"
			}
			home.Officers = append(home.Officers, card)
		}
	}

	today := models.DateOf(now.In(s.Config.GuildTimezone))
	quote, title, err := mito.QuoteOfTheDay(s.DB, today)
	if err != nil {
		s.Log.Error("landing: mito", "err", err)
	}
	home.Quote, home.MitoTitle = quote, title

	return s.render(c, fiber.StatusOK, "pages/home/index", &Page{Data: home})
}
