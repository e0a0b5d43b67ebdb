package fakeblizzard

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// ClassNames maps Blizzard's playable-class ids to names (the 13 retail
// classes).
var ClassNames = map[int]string{
	1: "Warrior", 2: "Paladin", 3: "Hunter", 4: "Rogue", 5: "Priest", 6: "Death Knight",
	7: "Shaman", 8: "Mage", 9: "Warlock", 10: "Monk", 11: "Druid", 12: "Demon Hunter", 13: "Evoker",
}

var classSpecs = map[int][]string{
	1: {"Arms", "Fury", "Protection"}, 2: {"Holy", "Protection", "Retribution"},
	3: {"Beast Mastery", "Marksmanship", "Survival"}, 4: {"Assassination", "Outlaw", "Subtlety"},
	5: {"Discipline", "Holy", "Shadow"}, 6: {"Blood", "Frost", "Unholy"},
	7: {"Elemental", "Enhancement", "Restoration"}, 8: {"Arcane", "Fire", "Frost"},
	9: {"Affliction", "Demonology", "Destruction"}, 10: {"Brewmaster", "Mistweaver", "Windwalker"},
	11: {"Balance", "Feral", "Guardian", "Restoration"}, 12: {"Havoc", "Vengeance"},
	13: {"Devastation", "Preservation", "Augmentation"},
}

var syllables = []string{"tro", "gmo", "sha", "doo", "mi", "to", "ska", "te", "ro", "cke", "zan",
	"na", "bel", "dor", "kai", "lyn", "mor", "vex", "thu", "ra", "el", "va", "qui", "nox"}

// Generate builds a guild of n members with distinct names and ids, spread
// over ranks, classes and specs, deterministic for a seed.
func Generate(n int, seed uint64) *Guild {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &Guild{ID: 70001, Name: "Pull All The Things", RealmSlug: "senjin", RealmName: "Sen'jin", NameSlug: "pull-all-the-things"}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		name := ""
		for range 2 + r.IntN(2) {
			name += syllables[r.IntN(len(syllables))]
		}
		name = fmt.Sprintf("%s%d", string(name[0]-32)+name[1:], i)
		class := 1 + r.IntN(13)
		specs := classSpecs[class]
		rank := 3 + r.IntN(2)
		if i < 2 {
			rank = i // a GM and an officer
		}
		g.Members = append(g.Members, &Member{
			ID: int64(200000000 + i), Name: name, RealmSlug: "senjin", RealmName: "Sen'jin",
			Level: 80, ClassID: class, RaceID: 2, Rank: rank,
			ClassName: ClassNames[class], Spec: specs[r.IntN(len(specs))],
			ItemLevel: 600 + r.IntN(40), AverageItemLevel: 605 + r.IntN(40),
			AchievementPoints: 5000 + r.IntN(30000),
			LastLogin:         base.Add(-time.Duration(r.IntN(60*24)) * time.Hour).UnixMilli(),
			Race:              "Orc", Gender: "Female",
		})
	}
	return g
}
