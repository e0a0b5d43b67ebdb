package models_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"patt/models"
)

func TestWowheadSlug(t *testing.T) {
	for _, tc := range []struct{ spec, class, want string }{
		{"Balance", "Druid", "balance-druid"},
		{"Beast Mastery", "Hunter", "beast-mastery-hunter"},
		{"Blood", "Death Knight", "blood-death-knight"},
		{"Vengeance", "Demon Hunter", "vengeance-demon-hunter"},
		{" Holy ", "Priest", "holy-priest"},
	} {
		require.Equal(t, tc.want, models.WowheadSlug(tc.spec, tc.class))
	}
}

func TestRaidCompCode(t *testing.T) {
	for _, tc := range []struct {
		class, spec, want string
		ok                bool
	}{
		{"Druid", "Balance", "D1", true},
		{"Hunter", "Beast Mastery", "H1", true},
		{"Death Knight", "Blood", "K1", true},
		{"Death Knight", "San'layn", "K4", true},
		{"Warrior", "Protection", "A3", true},
		{"Paladin", "Protection", "P2", true},
		{"priest", "holy", "R2", true},
		{"Druid", "Frost", "", false},
		{"Bard", "Lute", "", false},
		{"", "", "", false},
	} {
		got, ok := models.RaidCompCode(tc.class, tc.spec)
		require.Equal(t, tc.ok, ok, "%s/%s", tc.class, tc.spec)
		require.Equal(t, tc.want, got, "%s/%s", tc.class, tc.spec)
	}
}

// Every seeded spec has a comp code, and codes are unique.
func TestSeedTablesAreConsistent(t *testing.T) {
	require.Len(t, models.SeedRanks, 5)
	require.Len(t, models.SeedRoles, 4)
	require.Len(t, models.SeedClasses, 13)
	require.Len(t, models.SeedSpecializations, 39)

	classes := map[string]bool{}
	for _, c := range models.SeedClasses {
		classes[c.Name] = true
	}
	roles := map[string]bool{}
	targets := 0
	for _, r := range models.SeedRoles {
		roles[r.Name] = true
		targets += r.RaidTarget
	}
	require.Equal(t, 18, targets, "2 tanks, 4 healers, 6 melee, 6 ranged")

	codes := map[string]bool{}
	for _, s := range models.SeedSpecializations {
		require.True(t, classes[s.Class], s.Class)
		require.True(t, roles[s.DefaultRole], s.DefaultRole)
		require.False(t, codes[s.CompCode], "duplicate code %s", s.CompCode)
		codes[s.CompCode] = true
	}
}

func TestEmojiLookups(t *testing.T) {
	require.Equal(t, "💀", models.ClassEmoji("Death Knight"))
	require.Equal(t, "🛡️", models.RoleEmoji("Tank"))
	require.Equal(t, models.FallbackEmoji, models.ClassEmoji("Bard"))
	require.Equal(t, models.FallbackEmoji, models.RoleEmoji("Bard"))
}
