package models

import "strings"

// The guild's reference data, in seeding order. The reference-data
// migration inserts exactly these rows (joined by name, never by id), and the
// Go lookups below read the same slices, so there is one source for ranks,
// roles, classes and specializations. Emoji, raid targets, Wowhead slugs and
// raid-comp codes are not database columns: they live only here.

// RankSeed is one row of common.guild_ranks as first seeded.
type RankSeed struct {
	Name             string
	Level            int // 1 = Initiate (lowest) … 5 = Guild Leader
	SchedulingWeight int
	WowRankIndex     int // in-game guild rank index: 0 = Guild Master
	Description      string
}

// RoleSeed is a combat role; RaidTarget is how many of it a raid comp wants.
type RoleSeed struct {
	Name        string
	DisplayName string
	Emoji       string
	RaidTarget  int
}

// ClassSeed is a WoW class; ColorHex keeps its leading "#".
type ClassSeed struct {
	Name     string
	ColorHex string
	Emoji    string
}

// SpecSeed is a specialization with its class, default role (by name) and
// Wowhead raid-comp code.
type SpecSeed struct {
	Class       string
	Name        string
	DefaultRole string
	CompCode    string
}

// Role names the code keys on; officers may rename a role's display_name only.
const (
	RoleTank      = "Tank"
	RoleHealer    = "Healer"
	RoleMeleeDPS  = "Melee DPS"
	RoleRangedDPS = "Ranged DPS"
)

// SeedRanks are the five guild ranks, lowest first.
var SeedRanks = []RankSeed{
	{Name: "Initiate", Level: 1, SchedulingWeight: 0, WowRankIndex: 4, Description: "New member, proving reliability and social fit"},
	{Name: "Member", Level: 2, SchedulingWeight: 1, WowRankIndex: 3, Description: "Regular attendee who engages with the guild"},
	{Name: "Veteran", Level: 3, SchedulingWeight: 3, WowRankIndex: 2, Description: "Key performer, helps others, brings the guild together"},
	{Name: "Officer", Level: 4, SchedulingWeight: 5, WowRankIndex: 1, Description: "Guild leadership team"},
	{Name: "Guild Leader", Level: 5, SchedulingWeight: 5, WowRankIndex: 0, Description: "Guild master"},
}

// SeedRoles are the four combat roles in seeding order.
var SeedRoles = []RoleSeed{
	{Name: RoleTank, DisplayName: RoleTank, Emoji: "🛡️", RaidTarget: 2},
	{Name: RoleHealer, DisplayName: RoleHealer, Emoji: "💚", RaidTarget: 4},
	{Name: RoleMeleeDPS, DisplayName: RoleMeleeDPS, Emoji: "⚔️", RaidTarget: 6},
	{Name: RoleRangedDPS, DisplayName: RoleRangedDPS, Emoji: "🏹", RaidTarget: 6},
}

// SeedClasses are the thirteen classes, alphabetical.
var SeedClasses = []ClassSeed{
	{Name: "Death Knight", ColorHex: "#C41E3A", Emoji: "💀"},
	{Name: "Demon Hunter", ColorHex: "#A330C9", Emoji: "🦅"},
	{Name: "Druid", ColorHex: "#FF7C0A", Emoji: "🌿"},
	{Name: "Evoker", ColorHex: "#33937F", Emoji: "🐉"},
	{Name: "Hunter", ColorHex: "#AAD372", Emoji: "🏹"},
	{Name: "Mage", ColorHex: "#3FC7EB", Emoji: "🔮"},
	{Name: "Monk", ColorHex: "#00FF98", Emoji: "☯️"},
	{Name: "Paladin", ColorHex: "#F48CBA", Emoji: "⚔️"},
	{Name: "Priest", ColorHex: "#FFFFFF", Emoji: "✨"},
	{Name: "Rogue", ColorHex: "#FFF468", Emoji: "🗡️"},
	{Name: "Shaman", ColorHex: "#0070DD", Emoji: "⚡"},
	{Name: "Warlock", ColorHex: "#8788EE", Emoji: "👁️"},
	{Name: "Warrior", ColorHex: "#C69B6D", Emoji: "⚔️"},
}

// SeedSpecializations are the 39 specializations in seeding order.
var SeedSpecializations = []SpecSeed{
	{"Death Knight", "Blood", RoleTank, "K1"},
	{"Death Knight", "Frost", RoleMeleeDPS, "K2"},
	{"Death Knight", "Unholy", RoleMeleeDPS, "K3"},
	{"Demon Hunter", "Havoc", RoleMeleeDPS, "Y1"},
	{"Demon Hunter", "Vengeance", RoleTank, "Y2"},
	{"Druid", "Balance", RoleRangedDPS, "D1"},
	{"Druid", "Feral", RoleMeleeDPS, "D2"},
	{"Druid", "Guardian", RoleTank, "D3"},
	{"Druid", "Restoration", RoleHealer, "D4"},
	{"Evoker", "Devastation", RoleRangedDPS, "V1"},
	{"Evoker", "Preservation", RoleHealer, "V2"},
	{"Evoker", "Augmentation", RoleRangedDPS, "V3"},
	{"Hunter", "Beast Mastery", RoleRangedDPS, "H1"},
	{"Hunter", "Marksmanship", RoleRangedDPS, "H2"},
	{"Hunter", "Survival", RoleMeleeDPS, "H3"},
	{"Mage", "Arcane", RoleRangedDPS, "M1"},
	{"Mage", "Fire", RoleRangedDPS, "M2"},
	{"Mage", "Frost", RoleRangedDPS, "M3"},
	{"Monk", "Brewmaster", RoleTank, "O1"},
	{"Monk", "Mistweaver", RoleHealer, "O2"},
	{"Monk", "Windwalker", RoleMeleeDPS, "O3"},
	{"Paladin", "Holy", RoleHealer, "P1"},
	{"Paladin", "Protection", RoleTank, "P2"},
	{"Paladin", "Retribution", RoleMeleeDPS, "P3"},
	{"Priest", "Discipline", RoleHealer, "R1"},
	{"Priest", "Holy", RoleHealer, "R2"},
	{"Priest", "Shadow", RoleRangedDPS, "R3"},
	{"Rogue", "Assassination", RoleMeleeDPS, "U1"},
	{"Rogue", "Outlaw", RoleMeleeDPS, "U2"},
	{"Rogue", "Subtlety", RoleMeleeDPS, "U3"},
	{"Shaman", "Elemental", RoleRangedDPS, "S1"},
	{"Shaman", "Enhancement", RoleMeleeDPS, "S2"},
	{"Shaman", "Restoration", RoleHealer, "S3"},
	{"Warlock", "Affliction", RoleRangedDPS, "W1"},
	{"Warlock", "Demonology", RoleRangedDPS, "W2"},
	{"Warlock", "Destruction", RoleRangedDPS, "W3"},
	{"Warrior", "Arms", RoleMeleeDPS, "A1"},
	{"Warrior", "Fury", RoleMeleeDPS, "A2"},
	{"Warrior", "Protection", RoleTank, "A3"},
}

// FallbackEmoji is shown for a class or role this table does not know.
const FallbackEmoji = "⚔️"

// compCodes holds every raid-comp code, including Wowhead's San'layn code,
// which has no specialization row.
var compCodes = func() map[string]string {
	m := map[string]string{compKey("Death Knight", "San'layn"): "K4"}
	for _, s := range SeedSpecializations {
		m[compKey(s.Class, s.Name)] = s.CompCode
	}
	return m
}()

func compKey(className, specName string) string {
	return strings.ToLower(strings.TrimSpace(className)) + "/" + strings.ToLower(strings.TrimSpace(specName))
}

// WowheadSlug is the Wowhead page slug of a spec: "<spec>-<class>",
// lowercased, spaces turned into hyphens ("Beast Mastery", "Hunter" →
// "beast-mastery-hunter").
func WowheadSlug(specName, className string) string {
	s := strings.ToLower(strings.TrimSpace(specName) + "-" + strings.TrimSpace(className))
	return strings.Join(strings.Fields(s), "-")
}

// RaidCompCode is the Wowhead raid-composition code of a class and spec
// ("Druid", "Balance" → "D1"); names match case-insensitively.
func RaidCompCode(className, specName string) (string, bool) {
	code, ok := compCodes[compKey(className, specName)]
	return code, ok
}

// ClassEmoji is the emoji shown beside a class name.
func ClassEmoji(className string) string {
	for _, c := range SeedClasses {
		if strings.EqualFold(c.Name, className) {
			return c.Emoji
		}
	}
	return FallbackEmoji
}

// RoleEmoji is the emoji shown beside a combat role, keyed by role name.
func RoleEmoji(roleName string) string {
	for _, r := range SeedRoles {
		if strings.EqualFold(r.Name, roleName) {
			return r.Emoji
		}
	}
	return FallbackEmoji
}
