package realms_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"patt/sync/realms"
)

func TestSlugs(t *testing.T) {
	for name, want := range map[string]string{
		"Sen'jin": "senjin", "sen'jin": "senjin", "Senjin": "senjin", "senjin": "senjin",
		"Kel'Thas": "kelthas", "Kel’Thas": "kelthas", "Area 52": "area-52", "area52": "area-52", "AREA 52": "area-52",
		"Aggra (Português)": "aggra-portugues", "aggra portugues": "aggra-portugues",
		"Azjol-Nerub": "azjolnerub", "Bleeding Hollow": "bleeding-hollow", "BleedingHollow": "bleeding-hollow",
		"bleeding-hollow": "bleeding-hollow", "Pozzo dell'Eternità": "pozzo-delleternita",
		"Twilight's Hammer": "twilights-hammer", "Confrérie du Thorium": "confrerie-du-thorium",
		"Гордунни": "gordunni", "Ревущий фьорд": "howling-fjord", "  Stormrage ": "stormrage",
		// Not in the table: Blizzard's rule.
		"Made-Up Realm's Rest": "madeup-realms-rest", "Élune's  Grove": "elunes-grove", "some-slug": "some-slug",
		"": "",
	} {
		require.Equal(t, want, realms.Slug(name), name)
	}
}

func TestNames(t *testing.T) {
	for slug, want := range map[string]string{
		"senjin": "Sen'jin", "kelthas": "Kel'Thas", "area-52": "Area 52", "aggra-portugues": "Aggra (Português)",
		"azjolnerub": "Azjol-Nerub", "howling-fjord": "Ревущий фьорд", "pozzo-delleternita": "Pozzo dell'Eternità",
	} {
		got, ok := realms.Name(slug)
		require.True(t, ok, slug)
		require.Equal(t, want, got, slug)
		require.Equal(t, slug, realms.Slug(got), "round trip of %s", slug)
	}
	got, ok := realms.Name("new-realm")
	require.False(t, ok)
	require.Equal(t, "New Realm", got)
	require.Contains(t, realms.Known(), "Sen'jin")
	require.Equal(t, "bleedinghollow", realms.Key("Bleeding Hollow"))
}

func TestGuildSlug(t *testing.T) {
	require.Equal(t, "pull-all-the-things", realms.GuildSlug("Pull All The Things"))
	require.Equal(t, "knights-who-say-ni", realms.GuildSlug("  Knights   Who Say Ni "))
	require.Equal(t, "mothers-of-dragons", realms.GuildSlug("Mother's of Dragons"))
	require.Equal(t, "fête", realms.GuildSlug("Fête"))
}
