package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"
	"gorm.io/gorm"

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
	Schedule      []homeRaidNight
	// ViewerZone is the viewer's own zone abbreviation when it differs from
	// the guild's; the schedule then shows both clocks.
	ViewerZone string
	Officers   []officerCard
	Quote      string
	MitoTitle  string
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

// homeRaidNight is a raid night on the guild's clock and, for a logged-in
// viewer in another zone, on theirs.
type homeRaidNight struct {
	schedule.RaidNight
	LocalDay, LocalTime string
}

// homeCacheTTL bounds how stale the time-dependent bits of a cached landing
// page get: the countdown's server-side text, the quote of the day at
// midnight, the EST/EDT of the next raid night.
const homeCacheTTL = 15 * time.Second

// homeShow renders GET /. The body is rendered once per write for each kind
// of viewer (visitor, or rank level + time zone) and served from memory;
// the layout with the viewer's name and CSRF token is rendered per request.
func (s *Server) homeShow(c fiber.Ctx) error {
	v := viewerOf(c)
	rank, zone := 0, s.Config.GuildTimezone
	if v != nil {
		rank = v.RankLevel
		if z, err := s.viewerZone(c, v); err != nil {
			if !isOutage(err) {
				s.Log.Error("landing: viewer zone", "err", err)
			}
		} else {
			zone = z
		}
	}
	key := "home|visitor"
	if v != nil {
		key = "home|" + strconv.Itoa(rank) + "|" + zone.String()
	}
	// The body is shared by every viewer with this key, so it sees only
	// whether someone is logged in and their rank — no name, no token.
	var shared *Viewer
	if v != nil {
		shared = &Viewer{RankLevel: v.RankLevel, RankName: v.RankName}
	}
	body, stale, err := cachedOrStale(c.Context(), s.pages, key, homeCacheTTL, func() ([]byte, error) {
		home, err := s.homeData(s.db(c), rank, zone)
		if err != nil {
			return nil, err
		}
		return s.execute("pages/home/index", &Page{Guild: s.Config.Guild, Viewer: shared, Data: home})
	})
	if err != nil {
		return err
	}
	if stale {
		body = s.markStale(c, body, true)
	} else {
		body = s.withNextRaids(c, body)
	}
	return s.renderBody(c, fiber.StatusOK, layoutPublic, &Page{}, body)
}

// viewerZone is the logged-in player's own time zone (players.timezone).
func (s *Server) viewerZone(c fiber.Ctx, v *Viewer) (*time.Location, error) {
	id := v.PlayerID
	name, err := cached(c.Context(), s.pages, "data|tz|"+strconv.Itoa(id), 0, func() (string, error) {
		return identity.PlayerTimezone(s.db(c), id)
	})
	if err != nil {
		return nil, err
	}
	return time.LoadLocation(name)
}

// homeData loads every section on its own: a failing query is logged and
// its section shows its empty state, the page still renders. An unreachable
// database is the exception: half a landing page is not worth showing (nor
// caching), so that is the error (the caller serves the last copy or 503).
func (s *Server) homeData(db *gorm.DB, rank int, zone *time.Location) (*homePage, error) {
	var outage error
	failed := func(section string, err error) {
		if s.outage.failed(err) { // logged once for the outage, by the watch
			if outage == nil {
				outage = err
			}
			return
		}
		s.Log.Error("landing: "+section, "err", err)
	}
	now := s.Now()
	guildZone := s.Config.GuildTimezone
	home := &homePage{Values: s.Config.Guild.Values}

	if active, recent, err := homeVoteCards(s, db, rank, now); err != nil {
		failed("campaigns", err)
	} else {
		home.ActiveVotes, home.RecentResults = active, recent
	}

	// Recruiting counts the roster's mains, so it always agrees with the
	// roster's composition tab (spec identity §11 item 22).
	if players, err := s.rosterPlayers(context.Background()); err != nil {
		failed("recruiting", err)
	} else {
		home.Recruiting = identity.RecruitingNeeds(identity.RoleCountsOf(players))
	}

	if nights, err := schedule.PublicRaidNights(db, guildZone, guildZone, now); err != nil {
		failed("schedule", err)
	} else {
		showLocal := zone.String() != guildZone.String()
		for _, n := range nights {
			hn := homeRaidNight{RaidNight: n}
			if local := n.Start.In(zone); showLocal {
				hn.LocalDay, hn.LocalTime = local.Weekday().String(), local.Format("03:04 PM MST")
				home.ViewerZone = local.Format("MST")
			}
			home.Schedule = append(home.Schedule, hn)
		}
	}

	if officers, err := identity.Officers(db); err != nil {
		failed("officers", err)
	} else {
		for _, o := range officers {
			card := officerCard{Officer: o, Emoji: models.ClassEmoji(o.ClassName), RankLabel: o.RankName}
			if o.IsGuildLeader() {
				card.Emoji, card.RankLabel = "👑", "Guild Leader"
			}
			home.Officers = append(home.Officers, card)
		}
	}

	today := models.DateOf(now.In(guildZone))
	quote, title, err := mito.QuoteOfTheDay(db, today)
	if err != nil {
		failed("mito", err)
	}
	home.Quote, home.MitoTitle = quote, title
	if outage != nil {
		return nil, outage
	}
	return home, nil
}
