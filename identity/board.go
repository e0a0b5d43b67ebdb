package identity

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// The Player Manager shows three columns side by side — Discord members,
// players, characters — so officers can see and fix who is who. This file
// builds those columns; filtering happens in memory (a guild has hundreds of
// rows, not millions).

// BoardPlayer is one player card.
type BoardPlayer struct {
	ID                 int
	DisplayName        string
	IsActive           bool
	RankID             int
	RankName           string
	RankLevel          int
	RankSource         string
	Registered         bool
	DiscordID          string
	DiscordUsername    string
	MainCharacterID    int
	OffspecCharacterID int
	Characters         []BoardCharacter
	Invite             *InviteStatus
}

// HasMain reports whether one of the player's characters is their main.
func (p BoardPlayer) HasMain() bool { return p.MainCharacterID != 0 }

// RankOverridden reports whether an officer fixed the rank by hand.
func (p BoardPlayer) RankOverridden() bool {
	return p.RankSource == RankSourceOverride || p.RankSource == RankSourceManual
}

// InviteStatus is the state of a player's newest invite code.
type InviteStatus struct {
	Code      string
	ExpiresAt *time.Time
	State     string // "open", "expired" or "used"
}

// BoardCharacter is one character chip.
type BoardCharacter struct {
	ID          int
	Name        string
	Realm       string
	ClassName   string
	ClassSlug   string
	ClassColor  string
	SpecName    string
	RoleName    string
	RoleKey     string // tank, healer, melee, ranged or ""
	RankName    string
	PlayerID    int
	PlayerName  string
	MainAlt     string // CharMain, CharOffspec or CharAlt
	GuildNote   string
	OfficerNote string
	Removed     bool
	// Unverified: a member added it as theirs and no officer has
	// confirmed it yet (issue 11).
	Unverified bool
}

// Linked reports whether a player owns the character.
func (c BoardCharacter) Linked() bool { return c.PlayerID != 0 }

// BoardDiscordUser is one Discord member row.
type BoardDiscordUser struct {
	ID          int
	DiscordID   string
	Username    string
	DisplayName string
	PlayerID    int
	PlayerName  string
	RankName    string
	RankLevel   int
}

// Linked reports whether a player is linked to the member.
func (d BoardDiscordUser) Linked() bool { return d.PlayerID != 0 }

// Board is the whole Player Manager.
type Board struct {
	DiscordUsers []BoardDiscordUser
	Players      []BoardPlayer
	Characters   []BoardCharacter
}

// LoadBoard builds all three columns.
func LoadBoard(db *gorm.DB, now time.Time) (*Board, error) {
	players, err := boardPlayers(db, now, nil)
	if err != nil {
		return nil, err
	}
	chars, err := boardCharacters(db, nil)
	if err != nil {
		return nil, err
	}
	users, err := boardDiscordUsers(db)
	if err != nil {
		return nil, err
	}
	return &Board{DiscordUsers: users, Players: players, Characters: chars}, nil
}

// BoardPlayerCard builds one player's card.
func BoardPlayerCard(db *gorm.DB, id int, now time.Time) (BoardPlayer, error) {
	ps, err := boardPlayers(db, now, []int{id})
	if err != nil {
		return BoardPlayer{}, err
	}
	if len(ps) == 0 {
		return BoardPlayer{}, notFound("Player %d not found", id)
	}
	return ps[0], nil
}

// BoardCharacterChip builds one character's chip.
func BoardCharacterChip(db *gorm.DB, id int) (BoardCharacter, error) {
	cs, err := boardCharacters(db, []int{id})
	if err != nil {
		return BoardCharacter{}, err
	}
	if len(cs) == 0 {
		return BoardCharacter{}, notFound("Character %d not found", id)
	}
	return cs[0], nil
}

// BoardDiscordUsers lists the Discord column.
func BoardDiscordUsers(db *gorm.DB) ([]BoardDiscordUser, error) { return boardDiscordUsers(db) }

// BoardPlayers lists the players column.
func BoardPlayers(db *gorm.DB, now time.Time) ([]BoardPlayer, error) {
	return boardPlayers(db, now, nil)
}

// BoardCharacters lists the characters column (characters still in the guild).
func BoardCharacters(db *gorm.DB) ([]BoardCharacter, error) { return boardCharacters(db, nil) }

func boardPlayers(db *gorm.DB, now time.Time, ids []int) ([]BoardPlayer, error) {
	var ps []models.Player
	q := db.Preload("Rank").Preload("DiscordUser").
		Preload("Characters.Character.Class").
		Preload("Characters.Character.ActiveSpec.DefaultRole").
		Preload("Characters.Character.GuildRank").
		Order("display_name").Order("id")
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	if err := q.Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("load player cards: %w", err)
	}
	invites, err := latestInvites(db, ps, now)
	if err != nil {
		return nil, err
	}
	out := make([]BoardPlayer, 0, len(ps))
	for i := range ps {
		p := &ps[i]
		bp := BoardPlayer{
			ID: p.ID, DisplayName: p.DisplayName, IsActive: p.IsActive,
			Registered: p.WebsiteUserID != nil, Invite: invites[p.ID],
			MainCharacterID: intOrZero(p.MainCharacterID), OffspecCharacterID: intOrZero(p.OffspecCharacterID),
		}
		if p.Rank != nil {
			bp.RankID, bp.RankName, bp.RankLevel = p.Rank.ID, p.Rank.Name, p.Rank.Level
		}
		if p.GuildRankSource != nil {
			bp.RankSource = *p.GuildRankSource
		}
		if p.DiscordUser != nil {
			bp.DiscordID, bp.DiscordUsername = p.DiscordUser.DiscordID, p.DiscordUser.Username
		}
		unverified := map[int]bool{}
		for _, l := range p.Characters {
			unverified[l.CharacterID] = Unverified(l)
		}
		for _, ch := range p.OwnedCharacters() {
			bc := boardCharacter(ch)
			bc.PlayerID, bc.PlayerName, bc.MainAlt = p.ID, p.DisplayName, CharacterRole(p, ch.ID)
			bc.Unverified = unverified[ch.ID]
			bp.Characters = append(bp.Characters, bc)
		}
		sort.SliceStable(bp.Characters, func(a, b int) bool {
			ra, rb := roleOrder(bp.Characters[a].MainAlt), roleOrder(bp.Characters[b].MainAlt)
			if ra != rb {
				return ra < rb
			}
			return strings.ToLower(bp.Characters[a].Name) < strings.ToLower(bp.Characters[b].Name)
		})
		out = append(out, bp)
	}
	return out, nil
}

func roleOrder(r string) int {
	switch r {
	case CharMain:
		return 0
	case CharOffspec:
		return 1
	}
	return 2
}

func latestInvites(db *gorm.DB, ps []models.Player, now time.Time) (map[int]*InviteStatus, error) {
	out := map[int]*InviteStatus{}
	if len(ps) == 0 {
		return out, nil
	}
	ids := make([]int, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	var codes []models.InviteCode
	if err := db.Where("player_id IN ?", ids).Order("id DESC").Find(&codes).Error; err != nil {
		return nil, fmt.Errorf("load invite codes: %w", err)
	}
	for _, c := range codes {
		if c.PlayerID == nil || out[*c.PlayerID] != nil {
			continue
		}
		st := &InviteStatus{Code: c.Code, ExpiresAt: c.ExpiresAt, State: "open"}
		switch {
		case c.UsedAt != nil:
			st.State = "used"
		case c.ExpiresAt != nil && !c.ExpiresAt.After(now):
			st.State = "expired"
		}
		out[*c.PlayerID] = st
	}
	return out, nil
}

func boardCharacters(db *gorm.DB, ids []int) ([]BoardCharacter, error) {
	var cs []models.Character
	q := db.Preload("Class").Preload("ActiveSpec.DefaultRole").Preload("GuildRank").
		Order("character_name").Order("id")
	if ids != nil {
		q = q.Where("id IN ?", ids)
	} else {
		q = q.Where("removed_at IS NULL")
	}
	if err := q.Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("load character chips: %w", err)
	}
	var links []models.PlayerCharacter
	lq := db.Preload("Player")
	if ids != nil {
		lq = lq.Where("character_id IN ?", ids)
	}
	if err := lq.Find(&links).Error; err != nil {
		return nil, fmt.Errorf("load character owners: %w", err)
	}
	owners := map[int]*models.Player{}
	unverified := map[int]bool{}
	for _, l := range links {
		owners[l.CharacterID] = l.Player
		unverified[l.CharacterID] = Unverified(l)
	}
	out := make([]BoardCharacter, 0, len(cs))
	for i := range cs {
		bc := boardCharacter(&cs[i])
		bc.MainAlt = CharAlt
		if p := owners[cs[i].ID]; p != nil {
			bc.PlayerID, bc.PlayerName, bc.MainAlt = p.ID, p.DisplayName, CharacterRole(p, cs[i].ID)
			bc.Unverified = unverified[cs[i].ID]
		}
		out = append(out, bc)
	}
	return out, nil
}

func boardCharacter(c *models.Character) BoardCharacter {
	bc := BoardCharacter{ID: c.ID, Name: c.Name, Realm: c.RealmSlug, ClassColor: classColor(c.Class), Removed: c.RemovedAt != nil}
	if c.Class != nil {
		bc.ClassName = c.Class.Name
		bc.ClassSlug = strings.ReplaceAll(strings.ToLower(c.Class.Name), " ", "-")
	}
	if sp := c.ActiveSpec; sp != nil {
		bc.SpecName = sp.Name
		if sp.DefaultRole != nil {
			bc.RoleName = sp.DefaultRole.DisplayName
			bc.RoleKey = RoleKey(sp.DefaultRole.Name)
		}
	}
	if c.GuildRank != nil {
		bc.RankName = c.GuildRank.Name
	}
	if c.AddonNote != nil {
		bc.GuildNote = *c.AddonNote
	}
	if c.AddonOfficerNote != nil {
		bc.OfficerNote = *c.AddonOfficerNote
	}
	return bc
}

// RoleKey is the CSS key of a combat role (by its stable name).
func RoleKey(roleName string) string {
	switch roleName {
	case models.RoleTank:
		return "tank"
	case models.RoleHealer:
		return "healer"
	case models.RoleMeleeDPS:
		return "melee"
	case models.RoleRangedDPS:
		return "ranged"
	}
	return ""
}

func boardDiscordUsers(db *gorm.DB) ([]BoardDiscordUser, error) {
	var us []models.DiscordUser
	if err := db.Where("removed_at IS NULL").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("load discord users: %w", err)
	}
	var ps []models.Player
	if err := db.Select("id", "display_name", "discord_user_id").Where("discord_user_id IS NOT NULL").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("load discord links: %w", err)
	}
	linked := map[int]*models.Player{}
	for i := range ps {
		linked[*ps[i].DiscordUserID] = &ps[i]
	}
	ranks, err := Ranks(db)
	if err != nil {
		return nil, err
	}
	out := make([]BoardDiscordUser, 0, len(us))
	for _, u := range us {
		bu := BoardDiscordUser{ID: u.ID, DiscordID: u.DiscordID, Username: u.Username, DisplayName: u.Username}
		if u.DisplayName != nil && *u.DisplayName != "" {
			bu.DisplayName = *u.DisplayName
		}
		if p := linked[u.ID]; p != nil {
			bu.PlayerID, bu.PlayerName = p.ID, p.DisplayName
		}
		if r := rankFromRoles(ranks, u.AllGuildRoles); r != nil {
			bu.RankName, bu.RankLevel = r.Name, r.Level
		}
		out = append(out, bu)
	}
	sort.SliceStable(out, func(a, b int) bool {
		return strings.ToLower(out[a].DisplayName) < strings.ToLower(out[b].DisplayName)
	})
	return out, nil
}

// PlayerFilter narrows the players column. The audit flags are OR-ed: a
// player shows when any chosen problem applies.
type PlayerFilter struct {
	Query     string
	RankIDs   []int // empty: every rank
	NoChars   bool
	NoDiscord bool
	NoMain    bool // has characters, none of them the main
}

// FilterPlayers applies a PlayerFilter.
func FilterPlayers(ps []BoardPlayer, f PlayerFilter) []BoardPlayer {
	q := strings.ToLower(strings.TrimSpace(f.Query))
	ranks := map[int]bool{}
	for _, id := range f.RankIDs {
		ranks[id] = true
	}
	audit := f.NoChars || f.NoDiscord || f.NoMain
	out := []BoardPlayer{}
	for _, p := range ps {
		if q != "" && !strings.Contains(strings.ToLower(p.DisplayName), q) && !strings.Contains(strings.ToLower(p.DiscordUsername), q) {
			continue
		}
		if len(ranks) > 0 && !ranks[p.RankID] {
			continue
		}
		if audit && !((f.NoChars && len(p.Characters) == 0) ||
			(f.NoDiscord && p.DiscordID == "") ||
			(f.NoMain && len(p.Characters) > 0 && !p.HasMain())) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// CharacterFilter narrows the characters column.
type CharacterFilter struct {
	Query        string // name, class, spec, guild note or officer note
	UnlinkedOnly bool
}

// FilterCharacters applies a CharacterFilter.
func FilterCharacters(cs []BoardCharacter, f CharacterFilter) []BoardCharacter {
	q := strings.ToLower(strings.TrimSpace(f.Query))
	out := []BoardCharacter{}
	for _, c := range cs {
		if f.UnlinkedOnly && c.Linked() {
			continue
		}
		if q != "" {
			hay := strings.ToLower(strings.Join([]string{c.Name, c.ClassName, c.SpecName, c.GuildNote, c.OfficerNote}, "\x00"))
			if !strings.Contains(hay, q) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// DiscordFilter narrows the Discord column.
type DiscordFilter struct {
	Query        string // display name or username
	UnlinkedOnly bool
}

// FilterDiscordUsers applies a DiscordFilter.
func FilterDiscordUsers(us []BoardDiscordUser, f DiscordFilter) []BoardDiscordUser {
	q := strings.ToLower(strings.TrimSpace(f.Query))
	out := []BoardDiscordUser{}
	for _, u := range us {
		if f.UnlinkedOnly && u.Linked() {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(u.DisplayName), q) && !strings.Contains(strings.ToLower(u.Username), q) {
			continue
		}
		out = append(out, u)
	}
	return out
}

// Focus names one entity of the board — "player:12", "discord:3" (a
// discord_users id) or "char:45" — whose linked items the officer wants to
// see alone: the player, their Discord member and all their characters.
type Focus struct {
	Kind string // FocusPlayer, FocusDiscord or FocusCharacter
	ID   int
}

// The kinds of Focus.
const (
	FocusPlayer    = "player"
	FocusDiscord   = "discord"
	FocusCharacter = "char"
)

// ParseFocus reads "kind:id"; anything else is no focus (the zero Focus).
func ParseFocus(s string) Focus {
	kind, rawID, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Focus{}
	}
	id, err := strconv.Atoi(rawID)
	if err != nil || id <= 0 {
		return Focus{}
	}
	switch kind {
	case FocusPlayer, FocusDiscord, FocusCharacter:
		return Focus{Kind: kind, ID: id}
	}
	return Focus{}
}

// IsZero reports whether there is no focus.
func (f Focus) IsZero() bool { return f.Kind == "" }

func (f Focus) String() string {
	if f.IsZero() {
		return ""
	}
	return f.Kind + ":" + strconv.Itoa(f.ID)
}

// FocusSet is what a Focus keeps on the board: ids per column, and the
// focused entity's name for the "Focused on …" line.
type FocusSet struct {
	Label        string
	Players      map[int]bool
	DiscordUsers map[int]bool
	Characters   map[int]bool
}

// FocusOn follows the links from the focused entity: a Discord member or a
// character leads to its player (if linked), and a player to their Discord
// member and all their characters. An unknown entity keeps nothing.
func (b *Board) FocusOn(f Focus) FocusSet {
	set := FocusSet{Players: map[int]bool{}, DiscordUsers: map[int]bool{}, Characters: map[int]bool{}}
	playerID := 0
	switch f.Kind {
	case FocusPlayer:
		playerID = f.ID
	case FocusDiscord:
		for _, u := range b.DiscordUsers {
			if u.ID == f.ID {
				set.DiscordUsers[u.ID], set.Label, playerID = true, "Discord member "+u.DisplayName, u.PlayerID
			}
		}
	case FocusCharacter:
		for _, c := range b.Characters {
			if c.ID == f.ID {
				set.Characters[c.ID], set.Label, playerID = true, "character "+c.Name, c.PlayerID
			}
		}
	}
	if playerID == 0 {
		return set
	}
	for _, p := range b.Players {
		if p.ID != playerID {
			continue
		}
		set.Players[p.ID] = true
		if f.Kind == FocusPlayer {
			set.Label = "player " + p.DisplayName
		}
		for _, c := range p.Characters {
			set.Characters[c.ID] = true
		}
	}
	for _, u := range b.DiscordUsers {
		if u.PlayerID == playerID {
			set.DiscordUsers[u.ID] = true
		}
	}
	return set
}
