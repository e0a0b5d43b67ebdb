package identity

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"patt/models"
)

// RosterCharacter is one character as the public roster shows it: its own
// class and active spec, and the role that spec plays by default.
type RosterCharacter struct {
	CharacterID int
	Name        string
	RealmSlug   string
	ClassName   string
	ClassColor  string
	SpecName    string
	RoleName    string
	ItemLevel   int
	ArmoryURL   string
	IsMain      bool
}

// RosterPlayer is a roster-eligible player (active, main character set)
// with their main and every character they own that is still in the guild.
// Main is nil when the main character has left the guild (removed_at set).
// On Main, SpecName and RoleName are the player's main spec — the one they
// chose, else the main character's active spec — so the roster, the
// composition and recruiting all resolve roles the same way.
type RosterPlayer struct {
	PlayerID    int
	DisplayName string
	RankName    string
	RankLevel   int
	Main        *RosterCharacter
	Characters  []RosterCharacter
}

// unknownRank is shown for a player without a guild rank.
const unknownRank = "Unknown"

// fallbackRosterColor is the roster table's colour for an unknown class.
const fallbackRosterColor = "#e8e8e8"

// Roster loads the roster-eligible players ordered by display name, each
// with their characters ordered main first, then by name. Characters that
// left the guild are never included.
func Roster(db *gorm.DB) ([]RosterPlayer, error) {
	var players []models.Player
	err := db.Preload("Rank").
		Preload("MainSpec.DefaultRole").Preload("MainSpec.Class").
		Preload("Characters.Character.Class").
		Preload("Characters.Character.ActiveSpec.DefaultRole").
		Where("is_active = ? AND main_character_id IS NOT NULL", true).
		Order("display_name").Order("id").
		Find(&players).Error
	if err != nil {
		return nil, fmt.Errorf("load roster: %w", err)
	}
	countUnverified, err := CountUnverified(db)
	if err != nil {
		return nil, err
	}
	out := make([]RosterPlayer, 0, len(players))
	for i := range players {
		p := &players[i]
		if !countUnverified {
			if !dropUnverified(p) {
				continue // their main is an unconfirmed claim
			}
		}
		out = append(out, rosterPlayer(p))
	}
	return out, nil
}

// dropUnverified removes the player's unconfirmed own characters (a
// member's claim an officer has not confirmed) and reports whether the
// player still has a main to be on the roster with.
func dropUnverified(p *models.Player) bool {
	links := p.Characters[:0]
	keep := true
	for _, l := range p.Characters {
		if Unverified(l) {
			if p.MainCharacterID != nil && l.CharacterID == *p.MainCharacterID {
				keep = false
			}
			continue
		}
		links = append(links, l)
	}
	p.Characters = links
	return keep
}

func rosterPlayer(p *models.Player) RosterPlayer {
	rp := RosterPlayer{PlayerID: p.ID, DisplayName: p.DisplayName, RankName: unknownRank}
	if p.Rank != nil {
		rp.RankName, rp.RankLevel = p.Rank.Name, p.Rank.Level
	}
	for _, ch := range p.OwnedCharacters() {
		if ch.RemovedAt != nil {
			continue
		}
		rc := rosterCharacter(ch, ch.ActiveSpec)
		if p.MainCharacterID != nil && ch.ID == *p.MainCharacterID {
			rc.IsMain = true
			main := rc
			// The main plays the player's chosen main spec when it is one
			// of this class's specs.
			if sp := p.MainSpec; sp != nil && (ch.ClassID == nil || sp.ClassID == *ch.ClassID) {
				main = rosterCharacter(ch, sp)
				main.IsMain = true
			}
			rp.Main = &main
		}
		rp.Characters = append(rp.Characters, rc)
	}
	slices.SortStableFunc(rp.Characters, func(a, b RosterCharacter) int {
		if a.IsMain != b.IsMain {
			if a.IsMain {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.CharacterID, b.CharacterID))
	})
	return rp
}

func rosterCharacter(ch *models.Character, spec *models.Specialization) RosterCharacter {
	rc := RosterCharacter{
		CharacterID: ch.ID,
		Name:        ch.Name,
		RealmSlug:   ch.RealmSlug,
		ClassColor:  fallbackRosterColor,
		ArmoryURL:   ArmoryURL(ch.Name, ch.RealmSlug),
	}
	if ch.Class != nil {
		rc.ClassName = ch.Class.Name
		if ch.Class.ColorHex != nil && *ch.Class.ColorHex != "" {
			rc.ClassColor = *ch.Class.ColorHex
		}
	}
	if ch.ItemLevel != nil {
		rc.ItemLevel = *ch.ItemLevel
	}
	if spec != nil {
		rc.SpecName = spec.Name
		if spec.DefaultRole != nil {
			rc.RoleName = spec.DefaultRole.Name
		}
	}
	return rc
}

// RosterRow is one line of the public roster table: a player's main, or
// (with alts shown) one of their other characters.
type RosterRow struct {
	PlayerID    int
	Player      string
	CharacterID int
	Character   string
	ClassName   string
	ClassColor  string
	SpecName    string
	RoleName    string
	RoleEmoji   string
	RankName    string
	RankLevel   int
	ItemLevel   int
	ArmoryURL   string
	IsAlt       bool
}

// RosterRows flattens the roster into table rows: one per player with a
// main character, plus one per other character when withAlts is set. Rows
// keep roster order, each player's alts right after their main.
func RosterRows(players []RosterPlayer, withAlts bool) []RosterRow {
	rows := make([]RosterRow, 0, len(players))
	for i := range players {
		p := &players[i]
		if p.Main == nil {
			continue
		}
		rows = append(rows, rosterRow(p, p.Main, false))
		if !withAlts {
			continue
		}
		for j := range p.Characters {
			if !p.Characters[j].IsMain {
				rows = append(rows, rosterRow(p, &p.Characters[j], true))
			}
		}
	}
	return rows
}

func rosterRow(p *RosterPlayer, c *RosterCharacter, alt bool) RosterRow {
	return RosterRow{
		PlayerID: p.PlayerID, Player: p.DisplayName,
		CharacterID: c.CharacterID, Character: c.Name,
		ClassName: c.ClassName, ClassColor: c.ClassColor,
		SpecName: c.SpecName, RoleName: c.RoleName, RoleEmoji: models.RoleEmoji(c.RoleName),
		RankName: p.RankName, RankLevel: p.RankLevel,
		ItemLevel: c.ItemLevel, ArmoryURL: c.ArmoryURL,
		IsAlt: alt,
	}
}

// SearchRows keeps the rows whose player, character, class, spec or role
// contains q, ignoring case. An empty q keeps every row.
func SearchRows(rows []RosterRow, q string) []RosterRow {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return rows
	}
	out := make([]RosterRow, 0, len(rows))
	for _, r := range rows {
		for _, field := range []string{r.Player, r.Character, r.ClassName, r.SpecName, r.RoleName} {
			if strings.Contains(strings.ToLower(field), q) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// RosterSort is a column the roster table sorts by.
type RosterSort string

const (
	SortPlayer    RosterSort = "player"
	SortCharacter RosterSort = "character"
	SortClass     RosterSort = "class"
	SortSpec      RosterSort = "spec"
	SortRole      RosterSort = "role"
	SortRank      RosterSort = "rank"
	SortItemLevel RosterSort = "ilvl"
)

// RosterSorts are the sortable columns in table order.
var RosterSorts = []RosterSort{SortPlayer, SortCharacter, SortClass, SortSpec, SortRole, SortRank, SortItemLevel}

// ParseRosterSort reads a sort column, defaulting to the player name.
func ParseRosterSort(s string) RosterSort {
	for _, k := range RosterSorts {
		if string(k) == s {
			return k
		}
	}
	return SortPlayer
}

// StartsDescending reports whether a first click on the column sorts it
// high to low: item level does (best geared first), the rest start A→Z.
func (k RosterSort) StartsDescending() bool { return k == SortItemLevel }

// SortRows orders rows by the column, in place and stably, so equal rows
// keep roster order (alts stay after their main). Rank sorts by rank level,
// item level numerically (missing = 0), the rest by lowercase text.
func SortRows(rows []RosterRow, by RosterSort, desc bool) {
	key := func(a, b RosterRow) int {
		switch by {
		case SortCharacter:
			return compareFold(a.Character, b.Character)
		case SortClass:
			return compareFold(a.ClassName, b.ClassName)
		case SortSpec:
			return compareFold(a.SpecName, b.SpecName)
		case SortRole:
			return compareFold(a.RoleName, b.RoleName)
		case SortRank:
			return cmp.Compare(a.RankLevel, b.RankLevel)
		case SortItemLevel:
			return cmp.Compare(a.ItemLevel, b.ItemLevel)
		default:
			return compareFold(a.Player, b.Player)
		}
	}
	slices.SortStableFunc(rows, func(a, b RosterRow) int {
		c := key(a, b)
		if desc {
			c = -c
		}
		return c
	})
}

func compareFold(a, b string) int {
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}
