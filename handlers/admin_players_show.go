package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
	"patt/models"
)

// The Player Manager (spec identity §6.5, adapted to htmx): three columns —
// Discord members, players, characters. Every change is one small request
// that answers with just the card or chip it changed (and, out of band, the
// other card or chip a move touched). Plain forms work without JavaScript;
// drag and drop (assets/js/admin_players.js) only adds a faster way.

// pmFilters are the column filters as the query string carries them.
type pmFilters struct {
	DiscordQuery    string
	DiscordUnlinked bool
	PlayerQuery     string
	RankIDs         map[int]bool
	NoChars         bool
	NoDiscord       bool
	NoMain          bool
	CharQuery       string
	CharUnlinked    bool
	// Focus narrows all three columns to one entity and what is linked to
	// it; the other filters still apply on top.
	Focus identity.Focus
}

func readPMFilters(c fiber.Ctx) pmFilters {
	f := pmFilters{
		DiscordQuery:    c.Query("dq"),
		DiscordUnlinked: c.Query("dunlinked") != "",
		PlayerQuery:     c.Query("pq"),
		RankIDs:         map[int]bool{},
		NoChars:         c.Query("nochars") != "",
		NoDiscord:       c.Query("nodiscord") != "",
		NoMain:          c.Query("nomain") != "",
		CharQuery:       c.Query("cq"),
		CharUnlinked:    c.Query("cunlinked") != "",
		Focus:           identity.ParseFocus(c.Query("focus")),
	}
	for _, v := range c.Request().URI().QueryArgs().PeekMulti("rank") {
		if id, err := strconv.Atoi(string(v)); err == nil {
			f.RankIDs[id] = true
		}
	}
	return f
}

func (f pmFilters) playerFilter() identity.PlayerFilter {
	pf := identity.PlayerFilter{Query: f.PlayerQuery, NoChars: f.NoChars, NoDiscord: f.NoDiscord, NoMain: f.NoMain}
	for id := range f.RankIDs {
		pf.RankIDs = append(pf.RankIDs, id)
	}
	return pf
}

// pmCard is one player card as a template sees it.
type pmCard struct {
	P         identity.BoardPlayer
	Ranks     []models.GuildRank
	Unlinked  []identity.BoardCharacter // characters the fallback <select> offers
	Discord   []identity.BoardDiscordUser
	CSRF      string
	InviteURL string
	Editing   bool
	Open      bool // the Manage section starts open (the card just changed)
	Error     string
	OOB       bool
	Focused   bool // the board is focused on this player
}

// pmChip is one character in the characters column.
type pmChip struct {
	C       identity.BoardCharacter
	CSRF    string
	OOB     bool
	Focused bool
}

// pmDiscordRow is one Discord member in the Discord column.
type pmDiscordRow struct {
	U       identity.BoardDiscordUser
	OOB     bool
	Focused bool
}

type pmDiscordColumn struct {
	Rows            []pmDiscordRow
	Total, Unlinked int
}

type pmPlayersColumn struct {
	Cards []pmCard
	Total int
}

type pmCharsColumn struct {
	Chips           []pmChip
	Total, Unlinked int
}

type playerManagerPage struct {
	Discord    pmDiscordColumn
	Players    pmPlayersColumn
	Characters pmCharsColumn
	Ranks      []models.GuildRank
	Filters    pmFilters
	CreateForm pmCreateForm
	CSRF       string
	// FocusLabel names the focused entity ("player Alpha"); empty when the
	// board is not focused.
	FocusLabel string
	// LinkChoices and DiscordChoices are what the cards' link selects
	// offer: the characters and Discord members nobody has yet.
	LinkChoices    []identity.BoardCharacter
	DiscordChoices []identity.BoardDiscordUser
	// Classes feed the add-a-character form (characters typed in by hand
	// when there is no Blizzard sync).
	Classes []identity.ClassWithSpecs
	// AddChar is that form as typed, after a refusal.
	AddChar addCharForm
	// CountUnverified: members' own unconfirmed characters count on the roster.
	CountUnverified bool
}

// pmContext is what every card needs besides its player: the choices its
// selects offer.
type pmContext struct {
	ranks    []models.GuildRank
	unlinked []identity.BoardCharacter
	discord  []identity.BoardDiscordUser
	csrf     string
}

func (s *Server) loadPMContext(c fiber.Ctx, chars []identity.BoardCharacter, users []identity.BoardDiscordUser) (*pmContext, error) {
	ranks, err := identity.Ranks(s.db(c))
	if err != nil {
		return nil, err
	}
	if chars == nil {
		if chars, err = identity.BoardCharacters(s.db(c)); err != nil {
			return nil, err
		}
	}
	if users == nil {
		if users, err = identity.BoardDiscordUsers(s.db(c)); err != nil {
			return nil, err
		}
	}
	return &pmContext{
		ranks:    ranks,
		unlinked: identity.FilterCharacters(chars, identity.CharacterFilter{UnlinkedOnly: true}),
		discord:  identity.FilterDiscordUsers(users, identity.DiscordFilter{UnlinkedOnly: true}),
		csrf:     csrfToken(c),
	}, nil
}

func (s *Server) card(ctx *pmContext, p identity.BoardPlayer) pmCard {
	card := pmCard{P: p, Ranks: ctx.ranks, Unlinked: ctx.unlinked, Discord: ctx.discord, CSRF: ctx.csrf}
	if p.Invite != nil && p.Invite.State == "open" {
		card.InviteURL = s.inviteURL(p.Invite.Code)
	}
	return card
}

// GET /admin/players — the whole board, filtered by the query string (so
// the filters work without JavaScript too). ?edit=<id> opens that card's
// rename form.
func (s *Server) adminPlayersShow(c fiber.Ctx) error {
	page, err := s.playerManagerPage(c, readPMFilters(c))
	if err != nil {
		return err
	}
	if id, err := strconv.Atoi(c.Query("edit")); err == nil {
		for i := range page.Players.Cards {
			page.Players.Cards[i].Editing = page.Players.Cards[i].P.ID == id
		}
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/players", &Page{Title: "Player Manager", Data: page})
}

func (s *Server) playerManagerPage(c fiber.Ctx, f pmFilters) (*playerManagerPage, error) {
	board, err := identity.LoadBoard(s.db(c), s.Now())
	if err != nil {
		return nil, err
	}
	ctx, err := s.loadPMContext(c, board.Characters, board.DiscordUsers)
	if err != nil {
		return nil, err
	}
	page := &playerManagerPage{
		Discord:        discordColumn(board.DiscordUsers, f),
		Players:        s.playersColumn(ctx, board.Players, f),
		Characters:     charsColumn(ctx, board.Characters, f),
		Ranks:          ctx.ranks,
		Filters:        f,
		CreateForm:     pmCreateForm{CSRF: ctx.csrf},
		CSRF:           ctx.csrf,
		LinkChoices:    ctx.unlinked,
		DiscordChoices: ctx.discord,
	}
	if page.Classes, err = identity.ClassesWithSpecs(s.db(c)); err != nil {
		return nil, err
	}
	if page.CountUnverified, err = identity.CountUnverified(s.db(c)); err != nil {
		return nil, err
	}
	if !f.Focus.IsZero() {
		page.focus(f.Focus, board.FocusOn(f.Focus))
	}
	return page, nil
}

// focus keeps only what the focus set holds in each column (the header
// counts stay the guild's totals) and marks the focused entity, whose ◎
// then clears the focus.
func (page *playerManagerPage) focus(f identity.Focus, set identity.FocusSet) {
	page.FocusLabel = set.Label
	if page.FocusLabel == "" {
		page.FocusLabel = "something no longer on the board"
	}
	rows := page.Discord.Rows[:0]
	for _, r := range page.Discord.Rows {
		if set.DiscordUsers[r.U.ID] {
			r.Focused = f.Kind == identity.FocusDiscord && f.ID == r.U.ID
			rows = append(rows, r)
		}
	}
	page.Discord.Rows = rows
	cards := page.Players.Cards[:0]
	for _, c := range page.Players.Cards {
		if set.Players[c.P.ID] {
			c.Focused = f.Kind == identity.FocusPlayer && f.ID == c.P.ID
			cards = append(cards, c)
		}
	}
	page.Players.Cards = cards
	chips := page.Characters.Chips[:0]
	for _, c := range page.Characters.Chips {
		if set.Characters[c.C.ID] {
			c.Focused = f.Kind == identity.FocusCharacter && f.ID == c.C.ID
			chips = append(chips, c)
		}
	}
	page.Characters.Chips = chips
}

func discordColumn(users []identity.BoardDiscordUser, f pmFilters) pmDiscordColumn {
	col := pmDiscordColumn{Total: len(users)}
	for _, u := range users {
		if !u.Linked() {
			col.Unlinked++
		}
	}
	for _, u := range identity.FilterDiscordUsers(users, identity.DiscordFilter{Query: f.DiscordQuery, UnlinkedOnly: f.DiscordUnlinked}) {
		col.Rows = append(col.Rows, pmDiscordRow{U: u})
	}
	return col
}

func (s *Server) playersColumn(ctx *pmContext, players []identity.BoardPlayer, f pmFilters) pmPlayersColumn {
	col := pmPlayersColumn{Total: len(players)}
	for _, p := range identity.FilterPlayers(players, f.playerFilter()) {
		col.Cards = append(col.Cards, s.card(ctx, p))
	}
	return col
}

func charsColumn(ctx *pmContext, chars []identity.BoardCharacter, f pmFilters) pmCharsColumn {
	col := pmCharsColumn{Total: len(chars), Unlinked: len(ctx.unlinked)}
	for _, ch := range identity.FilterCharacters(chars, identity.CharacterFilter{Query: f.CharQuery, UnlinkedOnly: f.CharUnlinked}) {
		col.Chips = append(col.Chips, pmChip{C: ch, CSRF: ctx.csrf})
	}
	return col
}

// GET /admin/players/columns/:column — one column's list, filtered: what
// the filter inputs swap in as the officer types.
func (s *Server) adminPlayersColumn(c fiber.Ctx) error {
	column := c.Params("column")
	if column != "discord" && column != "players" && column != "characters" {
		return fiber.ErrNotFound
	}
	page, err := s.playerManagerPage(c, readPMFilters(c))
	if err != nil {
		return err
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/pm_column_"+column, &Page{Data: page})
}

// GET /admin/players/board — the three columns with their filters, for
// htmx: the ◎ focus buttons swap the whole board (and push
// /admin/players?focus=… so the address bar and reloads agree).
func (s *Server) adminPlayersBoard(c fiber.Ctx) error {
	page, err := s.playerManagerPage(c, readPMFilters(c))
	if err != nil {
		return err
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/pm_board", &Page{Data: page})
}
