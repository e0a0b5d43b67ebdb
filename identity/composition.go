package identity

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"patt/models"
)

// Role card status against the raid target (spec identity §7.2).
const (
	StatusOK     = "ok"     // at or above target
	StatusWarn   = "warn"   // one short
	StatusDanger = "danger" // two or more short
)

// RoleStatus says how a role's count stands against its raid target.
func RoleStatus(count, target int) string {
	switch {
	case count >= target:
		return StatusOK
	case count == target-1:
		return StatusWarn
	default:
		return StatusDanger
	}
}

// BarPercent is the width of a role card's bar: count over target, rounded,
// capped at 100.
func BarPercent(count, target int) int {
	if target <= 0 {
		return 100
	}
	return min(100, int(math.Round(float64(count)/float64(target)*100)))
}

// RoleCard is one combat role of the raid composition.
type RoleCard struct {
	Role   string
	Emoji  string
	Count  int
	Target int
	Pct    int
	Status string
}

// ClassChip is one class among the mains, with how many mains play it.
type ClassChip struct {
	ClassName string
	Color     string
	Emoji     string
	Count     int
}

// Composition is the raid make-up of the roster's mains.
type Composition struct {
	Roles      []RoleCard
	Classes    []ClassChip
	WowheadURL string
}

// RoleCountsOf counts the mains by the role of their main spec.
func RoleCountsOf(players []RosterPlayer) map[string]int {
	counts := map[string]int{}
	for _, p := range players {
		if p.Main != nil && p.Main.RoleName != "" {
			counts[p.Main.RoleName]++
		}
	}
	return counts
}

// CompositionOf builds the role cards (Tank, Healer, Melee DPS, Ranged DPS
// against 2/4/6/6), the class chips (most played first) and the Wowhead
// raid-comp link of the roster's mains, in roster order.
func CompositionOf(players []RosterPlayer) Composition {
	var comp Composition
	counts := RoleCountsOf(players)
	for _, r := range models.SeedRoles {
		n := counts[r.Name]
		comp.Roles = append(comp.Roles, RoleCard{
			Role: r.Name, Emoji: r.Emoji, Count: n, Target: r.RaidTarget,
			Pct: BarPercent(n, r.RaidTarget), Status: RoleStatus(n, r.RaidTarget),
		})
	}

	byClass := map[string]*ClassChip{}
	var mains []RosterCharacter
	for _, p := range players {
		if p.Main == nil {
			continue
		}
		mains = append(mains, *p.Main)
		if p.Main.ClassName == "" {
			continue
		}
		chip := byClass[p.Main.ClassName]
		if chip == nil {
			chip = &ClassChip{ClassName: p.Main.ClassName, Color: p.Main.ClassColor, Emoji: models.ClassEmoji(p.Main.ClassName)}
			byClass[p.Main.ClassName] = chip
		}
		chip.Count++
	}
	for _, chip := range byClass {
		comp.Classes = append(comp.Classes, *chip)
	}
	slices.SortFunc(comp.Classes, func(a, b ClassChip) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.ClassName, b.ClassName))
	})
	comp.WowheadURL = WowheadCompURL(mains)
	return comp
}

// wowheadCompBase is Wowhead's raid-composition tool.
const wowheadCompBase = "https://www.wowhead.com/raid-comp#"

// WowheadCompURL links Wowhead's raid-comp tool with each character's
// class/spec code in the order given; pairs without a code are skipped.
func WowheadCompURL(chars []RosterCharacter) string {
	var b strings.Builder
	b.WriteString(wowheadCompBase)
	for _, c := range chars {
		if code, ok := models.RaidCompCode(c.ClassName, c.SpecName); ok {
			b.WriteString(code)
		}
	}
	return b.String()
}
