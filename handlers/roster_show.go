package handlers

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
	"patt/schedule"
)

// Roster tabs, as they appear in ?tab=.
const (
	rosterTabRoster      = "roster"
	rosterTabComposition = "composition"
	rosterTabSchedule    = "schedule"
)

var rosterTabs = []struct{ Key, Label string }{
	{rosterTabRoster, "Full Roster"},
	{rosterTabComposition, "Composition"},
	{rosterTabSchedule, "Schedule"},
}

// rosterQuery is what the roster URL says: the tab, and for the table the
// sort column and direction, the search text and whether alts show. Every
// view is a plain GET URL, so the page works without JavaScript and a link
// reproduces what its sender saw.
type rosterQuery struct {
	Tab  string
	Sort identity.RosterSort
	Desc bool
	Q    string
	Alts bool
}

func parseRosterQuery(c fiber.Ctx) rosterQuery {
	q := rosterQuery{
		Tab:  rosterTabRoster,
		Sort: identity.ParseRosterSort(c.Query("sort")),
		Q:    strings.Clone(strings.TrimSpace(c.Query("q"))),
		Alts: c.Query("alts") == "1" || c.Query("alts") == "on",
	}
	if len(q.Q) > 100 {
		q.Q = q.Q[:100]
	}
	for _, t := range rosterTabs {
		if c.Query("tab") == t.Key {
			q.Tab = t.Key
		}
	}
	switch c.Query("dir") {
	case "desc":
		q.Desc = true
	case "asc":
	default:
		q.Desc = q.Sort.StartsDescending()
	}
	return q
}

// url is the roster URL for this view; tab, sort and search are kept.
func (q rosterQuery) url() string {
	v := url.Values{}
	if q.Tab != rosterTabRoster {
		v.Set("tab", q.Tab)
	}
	if q.Sort != identity.SortPlayer || q.Desc {
		v.Set("sort", string(q.Sort))
		v.Set("dir", dirName(q.Desc))
	}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.Alts {
		v.Set("alts", "1")
	}
	if len(v) == 0 {
		return "/roster"
	}
	return "/roster?" + v.Encode()
}

func dirName(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// rosterPage is the /roster page's content.
type rosterPage struct {
	Query       rosterQuery
	Tabs        []rosterTabLink
	Table       *rosterTable
	Composition *identity.Composition
	Schedule    []schedule.RaidNight
}

type rosterTabLink struct {
	Label, Href string
	Active      bool
}

type rosterTable struct {
	Rows      []identity.RosterRow
	Columns   []rosterColumn
	SortKey   string
	Dir       string
	Q         string
	Alts      bool
	Total     int
	AltsCount int
}

// rosterColumn is a sortable header: its link sorts by it, flipping the
// direction when it is already the sort column.
type rosterColumn struct {
	Label string
	Href  string
	Class string
	Sort  string // "ascending", "descending" or "none" (aria-sort)
	Num   bool
}

var rosterColumnLabels = map[identity.RosterSort]string{
	identity.SortPlayer: "Player", identity.SortCharacter: "Character", identity.SortClass: "Class",
	identity.SortSpec: "Spec", identity.SortRole: "Role", identity.SortRank: "Rank", identity.SortItemLevel: "iLvl",
}

// rosterShow renders GET /roster: the whole page, or for htmx just the
// fragment it swaps — the table (sort, search, alts: HX-Target roster-table)
// or the tab panel (tab switch: HX-Target roster-panel). Views without a
// search are rendered once per write and served from memory.
func (s *Server) rosterShow(c fiber.Ctx) error {
	q := parseRosterQuery(c)
	name := "pages/roster/index"
	if isHTMX(c) {
		switch c.Get("HX-Target") {
		case "roster-table":
			name, q.Tab = "partials/roster/table", rosterTabRoster
		case "roster-panel":
			name = "partials/roster/panel"
		}
	}
	c.Vary("HX-Target")

	// staleData: a search (never cached itself) ran over the cached roster
	// while the database was unreachable; only that build sets it.
	var staleData bool
	build := func() ([]byte, error) {
		// Builds may finish after this request (the cache shares them), so
		// they must not touch c.
		data, stale, err := s.rosterData(context.Background(), q)
		if err != nil {
			return nil, err
		}
		if stale {
			if q.Q == "" { // a cached view: never keep one built from a stale copy
				return nil, errOutage(nil)
			}
			staleData = true
		}
		// No viewer, no CSRF token: the body is the same for everyone.
		return s.execute(name, &Page{Guild: s.Config.Guild, Data: data})
	}
	var body []byte
	var err error
	if q.Q == "" {
		ttl := time.Duration(0)
		if q.Tab == rosterTabSchedule {
			ttl = time.Minute // the next raid night's EST/EDT
		}
		key := strings.Join([]string{name, q.Tab, string(q.Sort), dirName(q.Desc), boolKey(q.Alts)}, "|")
		var stale bool
		body, stale, err = cachedOrStale(c.Context(), s.pages, key, ttl, build)
		if err == nil && stale {
			body = s.markStale(c, body, name == "pages/roster/index")
		}
	} else {
		body, err = build()
		if err == nil && staleData {
			body = s.markStale(c, body, name == "pages/roster/index")
		}
	}
	if err != nil {
		return err
	}
	if name != "pages/roster/index" {
		return sendHTML(c, fiber.StatusOK, body)
	}
	return s.renderBody(c, fiber.StatusOK, layoutPublic, &Page{Title: "Roster"}, body)
}

func boolKey(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// rosterData loads what the view needs; the roster itself comes from the
// page cache, so a search costs no query.
func (s *Server) rosterData(ctx context.Context, q rosterQuery) (page *rosterPage, stale bool, err error) {
	page = &rosterPage{Query: q}
	for _, t := range rosterTabs {
		tq := q
		tq.Tab = t.Key
		page.Tabs = append(page.Tabs, rosterTabLink{Label: t.Label, Href: tq.url(), Active: t.Key == q.Tab})
	}
	switch q.Tab {
	case rosterTabSchedule:
		now := s.Now()
		nights, err := schedule.PublicRaidNights(s.DB.WithContext(ctx), s.Config.GuildTimezone, s.Config.GuildTimezone, now)
		if err != nil {
			return nil, false, err
		}
		page.Schedule = nights
		return page, false, nil
	}
	players, stale, err := s.rosterPlayersOrStale(ctx)
	if err != nil {
		return nil, false, err
	}
	if q.Tab == rosterTabComposition {
		comp := identity.CompositionOf(players)
		page.Composition = &comp
		return page, stale, nil
	}
	page.Table = buildRosterTable(players, q)
	return page, stale, nil
}

// rosterPlayers is the roster as of the latest write.
func (s *Server) rosterPlayers(ctx context.Context) ([]identity.RosterPlayer, error) {
	players, _, err := s.rosterPlayersOrStale(ctx)
	return players, err
}

// rosterPlayersOrStale is rosterPlayers that may answer with the last copy
// (stale true) while the database is unreachable.
func (s *Server) rosterPlayersOrStale(ctx context.Context) ([]identity.RosterPlayer, bool, error) {
	return cachedOrStale(ctx, s.pages, "data|roster", 0, func() ([]identity.RosterPlayer, error) {
		return identity.Roster(s.DB.WithContext(ctx))
	})
}

func buildRosterTable(players []identity.RosterPlayer, q rosterQuery) *rosterTable {
	all := identity.RosterRows(players, true)
	rows := identity.RosterRows(players, q.Alts)
	rows = identity.SearchRows(rows, q.Q)
	identity.SortRows(rows, q.Sort, q.Desc)
	t := &rosterTable{Rows: rows, SortKey: string(q.Sort), Dir: dirName(q.Desc), Q: q.Q, Alts: q.Alts}
	for _, r := range all {
		if r.IsAlt {
			t.AltsCount++
		} else {
			t.Total++
		}
	}
	for _, key := range identity.RosterSorts {
		cq := q
		cq.Tab = rosterTabRoster
		col := rosterColumn{Label: rosterColumnLabels[key], Num: key == identity.SortItemLevel, Sort: "none"}
		if key == q.Sort {
			cq.Desc = !q.Desc
			col.Class = "sort-" + dirName(q.Desc)
			col.Sort = map[bool]string{false: "ascending", true: "descending"}[q.Desc]
		} else {
			cq.Sort = key
			cq.Desc = key.StartsDescending()
		}
		col.Href = cq.url()
		t.Columns = append(t.Columns, col)
	}
	return t
}
