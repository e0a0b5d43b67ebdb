package identity

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Spec identity §10.5: role card status and bar width against the target.
func TestRoleStatusAndBar(t *testing.T) {
	cases := []struct {
		count, target int
		status        string
		pct           int
	}{
		{0, 2, StatusDanger, 0},
		{1, 2, StatusWarn, 50},
		{2, 2, StatusOK, 100},
		{3, 2, StatusOK, 100},
		{2, 4, StatusDanger, 50},
		{3, 4, StatusWarn, 75},
		{4, 6, StatusDanger, 67},
		{5, 6, StatusWarn, 83},
		{7, 6, StatusOK, 100},
	}
	for _, tc := range cases {
		require.Equal(t, tc.status, RoleStatus(tc.count, tc.target), "%d/%d", tc.count, tc.target)
		require.Equal(t, tc.pct, BarPercent(tc.count, tc.target), "%d/%d", tc.count, tc.target)
	}
}

// Spec identity §10.5: counts {Tank 1, Healer 4, Melee DPS 7} need one
// tank and six ranged; full and over-full roles are omitted.
func TestRecruitingNeedsVector(t *testing.T) {
	needs := RecruitingNeeds(map[string]int{"Tank": 1, "Healer": 4, "Melee DPS": 7})
	require.Equal(t, []RoleNeed{{Role: "Tank", Emoji: "🛡️", Needed: 1}, {Role: "Ranged DPS", Emoji: "🏹", Needed: 6}}, needs)
	require.Empty(t, RecruitingNeeds(map[string]int{"Tank": 2, "Healer": 4, "Melee DPS": 6, "Ranged DPS": 9}))
}

func mainOf(name, class, spec, role, color string) RosterPlayer {
	c := &RosterCharacter{Name: name, ClassName: class, SpecName: spec, RoleName: role, ClassColor: color, IsMain: true}
	return RosterPlayer{DisplayName: name, Main: c, Characters: []RosterCharacter{*c}}
}

// Spec identity §10.5: Balance Druid, Holy Paladin, Frost Mage in roster
// order give D1P1M3; a pair without a code is skipped.
func TestWowheadCompLink(t *testing.T) {
	roster := []RosterPlayer{
		mainOf("A", "Druid", "Balance", "Ranged DPS", "#FF7C0A"),
		mainOf("B", "Paladin", "Holy", "Healer", "#F48CBA"),
		mainOf("X", "Tinker", "Gadgets", "Ranged DPS", "#e8e8e8"),
		mainOf("C", "Mage", "Frost", "Ranged DPS", "#3FC7EB"),
		{DisplayName: "no main"},
	}
	comp := CompositionOf(roster)
	require.Equal(t, "https://www.wowhead.com/raid-comp#D1P1M3", comp.WowheadURL)

	require.Equal(t, []RoleCard{
		{Role: "Tank", Emoji: "🛡️", Count: 0, Target: 2, Pct: 0, Status: StatusDanger},
		{Role: "Healer", Emoji: "💚", Count: 1, Target: 4, Pct: 25, Status: StatusDanger},
		{Role: "Melee DPS", Emoji: "⚔️", Count: 0, Target: 6, Pct: 0, Status: StatusDanger},
		{Role: "Ranged DPS", Emoji: "🏹", Count: 3, Target: 6, Pct: 50, Status: StatusDanger},
	}, comp.Roles)
	require.Len(t, comp.Classes, 4)
	require.Equal(t, "#FF7C0A", comp.Classes[0].Color, "ties by class name: Druid first")
}

func TestClassChipsMostPlayedFirst(t *testing.T) {
	comp := CompositionOf([]RosterPlayer{
		mainOf("A", "Mage", "Fire", "Ranged DPS", "#3FC7EB"),
		mainOf("B", "Druid", "Feral", "Melee DPS", "#FF7C0A"),
		mainOf("C", "Mage", "Arcane", "Ranged DPS", "#3FC7EB"),
	})
	require.Equal(t, "Mage", comp.Classes[0].ClassName)
	require.Equal(t, 2, comp.Classes[0].Count)
	require.Equal(t, "🔮", comp.Classes[0].Emoji)
}

func TestSortRowsByEveryColumn(t *testing.T) {
	rows := func() []RosterRow {
		return []RosterRow{
			{Player: "bea", Character: "Zed", ClassName: "Mage", SpecName: "Fire", RoleName: "Ranged DPS", RankName: "Officer", RankLevel: 4, ItemLevel: 650},
			{Player: "Al", Character: "yam", ClassName: "druid", SpecName: "Balance", RoleName: "Ranged DPS", RankName: "Veteran", RankLevel: 3, ItemLevel: 0},
			{Player: "Cy", Character: "Xu", ClassName: "Warrior", SpecName: "Arms", RoleName: "Melee DPS", RankName: "Guild Leader", RankLevel: 5, ItemLevel: 671},
		}
	}
	players := func(rs []RosterRow) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Player)
		}
		return out
	}
	for _, tc := range []struct {
		by   RosterSort
		desc bool
		want []string
	}{
		{SortPlayer, false, []string{"Al", "bea", "Cy"}}, // case-insensitive
		{SortCharacter, false, []string{"Cy", "Al", "bea"}},
		{SortClass, false, []string{"Al", "bea", "Cy"}},
		{SortSpec, false, []string{"Cy", "Al", "bea"}},
		{SortRole, false, []string{"Cy", "bea", "Al"}}, // ties keep roster order
		{SortRank, false, []string{"Al", "bea", "Cy"}}, // by level: 3, 4, 5 — not "Guild Leader" < "Officer"
		{SortRank, true, []string{"Cy", "bea", "Al"}},
		{SortItemLevel, true, []string{"Cy", "bea", "Al"}}, // missing = 0
		{SortItemLevel, false, []string{"Al", "bea", "Cy"}},
	} {
		rs := rows()
		SortRows(rs, tc.by, tc.desc)
		require.Equal(t, tc.want, players(rs), "%s desc=%v", tc.by, tc.desc)
	}
	require.True(t, SortItemLevel.StartsDescending())
	require.False(t, SortRank.StartsDescending())
	require.Equal(t, SortPlayer, ParseRosterSort("nonsense"))
}

func TestSearchRows(t *testing.T) {
	rows := []RosterRow{
		{Player: "Anna", Character: "Leafy", ClassName: "Druid", SpecName: "Restoration", RoleName: "Healer"},
		{Player: "Bo", Character: "Stab", ClassName: "Rogue", SpecName: "Outlaw", RoleName: "Melee DPS"},
	}
	require.Len(t, SearchRows(rows, ""), 2)
	require.Len(t, SearchRows(rows, "  HEAL "), 1)
	require.Len(t, SearchRows(rows, "dps"), 1)
	require.Len(t, SearchRows(rows, "stab"), 1)
	require.Len(t, SearchRows(rows, "druid"), 1)
	require.Empty(t, SearchRows(rows, "priest"))
}
