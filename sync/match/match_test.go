package match_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"patt/sync/match"
)

// Spec §17.B with the §19 folding: the reference left æ/ø/ç/ß alone; v2
// folds them, so those three vectors change (Ærin→aerin, Bjørn→bjorn,
// Çedric→cedric).
func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Trogmoon": "trogmoon", "  Trog  ": "trog", "Zatañña": "zatanna", "Élodie": "elodie", "": "",
		"SkateFarm": "skatefarm", "Ærin": "aerin", "Bjørn": "bjorn", "Çedric": "cedric",
		"Straße": "strasse", "Đorđe": "dorde", "ＴＲＯＧ": "trog",
	} {
		require.Equal(t, want, match.Normalize(in), in)
	}
	require.Equal(t, "obrien", match.Ident("O'Brien"))
	require.Equal(t, "mito", match.Ident("Mito."))
}

// Spec §17.F hint extraction (legacy design vectors, which v2 adopts).
func TestParseNoteHints(t *testing.T) {
	cases := []struct {
		note           string
		discord, owner []string
		key            string
	}{
		{"Discord: Trog", []string{"trog"}, nil, "trog"},
		{"DC: Trog", []string{"trog"}, nil, "trog"},
		{"Disc: Rocket", []string{"rocket"}, nil, "rocket"},
		{"@Shodoom", []string{"shodoom"}, nil, "shodoom"},
		{"alt of Trogmoon", nil, []string{"trogmoon"}, "trogmoon"},
		{"Main: Trogmoon", nil, []string{"trogmoon"}, "trogmoon"},
		{"Discord: Trog.", []string{"trog"}, nil, "trog"},
		{"Rocket's alt", nil, []string{"rocket"}, "rocket"},
		{"discord=Skate, main: Skatefarm", []string{"skate"}, []string{"skatefarm"}, "skate"},
		{"alt for Bob!", nil, []string{"bob"}, "bob"},
		{"", nil, nil, ""},
		{"   ", nil, nil, ""},
		// v2 keys skip the stop-list (W6) instead of grouping on it.
		{"Tank - Rocket", nil, nil, "rocket"},
		{"GM / Mike", nil, nil, "mike"},
		{"Bank", nil, nil, ""},
		{"Rocket's DH waifu", nil, []string{"rocket"}, "rocket"}, // v2: a possessive names the owner
		{"Ned's warr", nil, []string{"ned"}, "ned"},
		{"Lúthiens pally", nil, []string{"luthiens"}, "luthiens"},
		{"Chris", nil, nil, "chris"},
		{"O'Brien", nil, nil, "obrien"},
		{"(Skate)", nil, nil, "skate"},
		{"Zatañña's alt", nil, []string{"zatanna"}, "zatanna"},
	}
	for _, tc := range cases {
		h := match.ParseNote(tc.note)
		require.Equal(t, tc.discord, h.Discord, "discord hints of %q", tc.note)
		require.Equal(t, tc.owner, h.Owner, "owner hints of %q", tc.note)
		require.Equal(t, tc.key, h.Key, "key of %q", tc.note)
	}
	require.Empty(t, match.ParseNote("Just a regular note about raiding").Discord)
	require.Empty(t, match.ParseNote("Just a regular note about raiding").Owner)
}

// Spec §17.F fuzzy scores.
func TestSimilarity(t *testing.T) {
	require.Equal(t, 1.0, match.Similarity("Shodoom", "shodoom"))
	require.Equal(t, 0.5, match.Similarity("Trog", "Trogmoon"))
	require.Equal(t, 0.5, match.Similarity("moon", "Trogmoon"))
	require.InDelta(t, 0.8, match.Similarity("Trogmoon", "Trogmun"), 0.001)
	require.Less(t, match.Similarity("Trogmoon", "Skatefarm"), 0.4)
	require.InDelta(t, 0.353, match.Similarity("Trogmoon", "Skatefarm"), 0.001)
	require.InDelta(t, 0.222, match.Similarity("Alpha", "Beta"), 0.001)
	require.Equal(t, 0.0, match.Similarity("", "test"))
}

// Spec §17.E rerun under v2: the same guild, now with scores. What changes
// (and why): "Discord: Bob" and "Discord: Trog" are no longer grouped under
// the key "discord" (W6) — c8 follows its hint to Trog; c7 names a Bob who
// is not on Discord and stays unlinked; "Sho" and "Rocket's DH" only
// partly match a username, so they become suggestions instead of silent
// links; no stub players are made.
func TestEndToEndVectors(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{
			{ID: 1, Username: "trog", DisplayName: "Trog / Mike"},
			{ID: 2, Username: "rocketman99"},
			{ID: 3, Username: "shodoom", DisplayName: "Shodoom", PlayerID: 7},
		},
		Players: []match.Player{{ID: 7, DisplayName: "Shodoom", DiscordUserID: 3}},
		Characters: []match.Character{
			{ID: 1, Name: "Trogmoon", Note: "Trog's main"},
			{ID: 2, Name: "Trogalt", Note: "trog"},
			{ID: 3, Name: "Rockdh", Note: "Rocket's DH"},
			{ID: 4, Name: "Shosham", Note: "Sho"},
			{ID: 5, Name: "Lonely"},
			{ID: 6, Name: "Shodoom"},
			{ID: 7, Name: "Bobchar", Note: "Discord: Bob"},
			{ID: 8, Name: "Trogpal", Note: "Discord: Trog"},
			{ID: 9, Name: "Mike"},
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	link := func(id int, du int, player int) {
		t.Helper()
		d := got[id]
		require.Equal(t, match.KindLink, d.Kind, "character %d: %+v", id, d)
		require.Equal(t, du, d.Target.DiscordUserID, "character %d", id)
		require.Equal(t, player, d.Target.PlayerID, "character %d", id)
		require.GreaterOrEqual(t, d.Confidence, match.AutoLink)
	}
	link(1, 1, 0) // "Trog's main" → trog
	link(2, 1, 0)
	link(6, 3, 7) // named like the member → the existing player P7
	link(8, 1, 0) // "Discord: Trog"
	link(9, 1, 0) // "Trog / Mike": a part of the display name
	require.Equal(t, match.KindSuggestion, got[3].Kind, "rocket ⊂ rocketman99 is only a suggestion")
	require.Equal(t, 2, got[3].Target.DiscordUserID)
	require.Equal(t, match.KindNone, got[4].Kind, "three letters are too little to go on")
	require.Equal(t, match.KindNone, got[5].Kind)
	require.Equal(t, match.KindNone, got[7].Kind, "Bob is not on Discord")

	// Deterministic: the input order does not matter.
	for i, j := 0, len(in.Characters)-1; i < j; i, j = i+1, j-1 {
		in.Characters[i], in.Characters[j] = in.Characters[j], in.Characters[i]
	}
	for _, d := range match.New(in).Decide() {
		require.Equal(t, got[d.Character.ID], d)
	}
}

func TestAmbiguityAndMargin(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{
			{ID: 1, Username: "sam", DisplayName: "Sam"},
			{ID: 2, Username: "sam_w", DisplayName: "Sam"},
			{ID: 3, Username: "kira"},
			{ID: 4, Username: "kiran"},
		},
		Characters: []match.Character{
			{ID: 1, Name: "Holysam", Note: "Sam"}, // two members called Sam
			{ID: 2, Name: "Kira"},                 // exact beats the near-twin
			{ID: 3, Name: "Kiraa", Note: "alt"},   // close to both: nothing sure
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	require.Equal(t, match.KindSuggestion, got[1].Kind, "a tie is never linked")
	require.Equal(t, match.KindLink, got[2].Kind)
	require.Equal(t, 3, got[2].Target.DiscordUserID)
	require.NotEqual(t, match.KindLink, got[3].Kind)
}

func TestAltOfAnotherCharacter(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{{ID: 1, Username: "velra"}},
		Players: []match.Player{{ID: 4, DisplayName: "Dunn"}},
		Linked:  map[string][]int{"dunngar": {4}},
		Characters: []match.Character{
			{ID: 1, Name: "Velra"},
			{ID: 2, Name: "Velbank", Note: "alt of Velra"},   // follows Velra's link
			{ID: 3, Name: "Dunnlock", Note: "Dunngar's alt"}, // owned by player 4, no Discord
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	require.Equal(t, match.KindLink, got[2].Kind)
	require.Equal(t, 1, got[2].Target.DiscordUserID)
	require.Equal(t, match.KindLink, got[3].Kind)
	require.Equal(t, match.Target{PlayerID: 4}, got[3].Target)
}

// A note giving a person's name ("DPS - Kira") joins the player another
// character's note names the same way ("Kira - alt"): a linked one, or
// one this run links, through a chain. A name two players' notes give
// proves nothing; remarks ("promoted 2024") are no names.
func TestSharedNoteNames(t *testing.T) {
	require.Equal(t, []string{"kira"}, match.ParseNote("Kira - alt").Person)
	require.Equal(t, []string{"kira"}, match.ParseNote("DPS - Kira").Person)
	require.Equal(t, []string{"steve"}, match.ParseNote("Steve").Person)
	require.Empty(t, match.ParseNote("promoted 2024").Person)
	require.Empty(t, match.ParseNote("loot council").Person)
	require.Empty(t, match.ParseNote("Tank - Heals").Person)
	require.Equal(t, []string{"otto", "lena"}, match.KeyNames("Otto's alt", "Heals - Lena"))

	in := match.Input{
		Discord: []match.Discord{
			{ID: 1, Username: "coffeeaddict196", DisplayName: "Jorhoof"},
			{ID: 2, Username: "kira_fan"}, // mentions a Kira, is not her
			{ID: 3, Username: "aelos"},
		},
		Players:    []match.Player{{ID: 7, DiscordUserID: 3}, {ID: 8}, {ID: 9}},
		Linked:     map[string][]int{"aelos": {7}, "gorn": {8}, "brak": {9}},
		LinkedKeys: map[string][]int{"otto": {7}, "loot": {8, 9}},
		Characters: []match.Character{
			{ID: 1, Name: "Quelfire", Note: "dc: coffeeaddict196", OfficerNote: "Kira - alt"},
			{ID: 2, Name: "Ilura", Note: "DPS - Kira"},           // through Quelfire, linked in this run
			{ID: 3, Name: "Aelhunt", Note: "Otto's alt"},         // through a linked character's note
			{ID: 4, Name: "Zulfang", OfficerNote: "loot"},        // two players' notes say "loot"
			{ID: 5, Name: "Nimmane", Note: "Lucas's alt"},        // nobody else says Lucas
			{ID: 6, Name: "Frostfire", Note: "alt of Ilura"},     // the chain goes on
			{ID: 7, Name: "Ozawedk", OfficerNote: "Ilura - alt"}, // a character's name, not a person's
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	for id, want := range map[int]match.Target{1: {DiscordUserID: 1}, 2: {DiscordUserID: 1}, 3: {PlayerID: 7, DiscordUserID: 3}, 6: {DiscordUserID: 1}, 7: {DiscordUserID: 1}} {
		require.Equal(t, match.KindLink, got[id].Kind, "character %d: %+v", id, got[id])
		require.Equal(t, want, got[id].Target, "character %d", id)
	}
	require.Equal(t, "shared_key", got[2].Source)
	require.NotEqual(t, match.KindLink, got[4].Kind)
	require.Equal(t, match.KindNone, got[5].Kind)
}

// A username of a name and an initial names the person ("zoe_f"); one of
// several words only mentions the name ("kira_fan").
func TestUsernameParts(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{{ID: 1, Username: "zoe_f"}, {ID: 2, Username: "kira_fan"}},
		Characters: []match.Character{
			{ID: 1, Name: "Frostfire", Note: "Zoë's evoker"},
			{ID: 2, Name: "Ilura", Note: "Kira's alt"},
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	require.Equal(t, match.KindLink, got[1].Kind)
	require.Equal(t, 1, got[1].Target.DiscordUserID)
	require.NotEqual(t, match.KindLink, got[2].Kind, "kira_fan is not proof of Kira")
}

// A one-letter typo of a name of four or more letters still points at it
// ("alt of Itea" → Ithea), but only when the name matches nothing exactly:
// "Rhafang's alt" with Rhafang linked never also reads as Drafang.
func TestTyposOnlyWithoutAnExactName(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{{ID: 1, Username: "hannahd", DisplayName: "Hannah"}, {ID: 2, Username: "korshade"}},
		Players: []match.Player{{ID: 5}, {ID: 6}, {ID: 7, DiscordUserID: 9}},
		Linked:  map[string][]int{"rhafang": {5}, "drafang": {6}, "orshade": {7}},
		Characters: []match.Character{
			{ID: 1, Name: "Ithea", Note: "Hannah"},
			{ID: 2, Name: "Sarum", Note: "alt of Itea"},
			{ID: 3, Name: "Shoclaw", Note: "Rhafang's alt"},
			{ID: 4, Name: "Korshade", Note: "Discord: korshade"},
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	require.Equal(t, match.KindLink, got[2].Kind, "%+v", got[2])
	require.Equal(t, 1, got[2].Target.DiscordUserID)
	require.Equal(t, match.KindLink, got[3].Kind, "%+v", got[3])
	require.Equal(t, 5, got[3].Target.PlayerID)
	require.Equal(t, match.KindLink, got[4].Kind, "%+v", got[4])
	require.Equal(t, 2, got[4].Target.DiscordUserID)
}
